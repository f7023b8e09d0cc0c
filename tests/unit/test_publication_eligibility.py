"""Only public, non-confidential, validated, published outputs may go to ORCID."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orcid_sync.orbit.eligibility import IneligibilityReason, check_eligibility
from orcid_sync.orbit.publication import Publication
from orcid_sync.orbit.pure_json import publication_from_pure

Loader = Callable[[str], dict[str, Any]]
RESEARCHER = "2b1f4a4e-6a53-4a0e-9a8f-3d6c1e0b7a11"


@pytest.fixture
def eligible(pure_fixture: Loader) -> Publication:
    return publication_from_pure(pure_fixture("ws524-article-en-da.json"))


def test_a_public_validated_published_output_is_eligible(eligible: Publication) -> None:
    assert check_eligibility(eligible).eligible is True


@pytest.mark.parametrize("status", ["published", "epub"])
def test_published_and_epub_ahead_of_print_are_both_eligible(eligible: Publication, status: str) -> None:
    assert check_eligibility(eligible.model_copy(update={"publication_status": status})).eligible


@pytest.mark.parametrize("step", ["approved", "validated"])
def test_approved_and_validated_workflow_steps_are_both_eligible(eligible: Publication, step: str) -> None:
    assert check_eligibility(eligible.model_copy(update={"workflow_step": step})).eligible


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"visibility": "CAMPUS"}, IneligibilityReason.NOT_PUBLIC),
        ({"visibility": "BACKEND"}, IneligibilityReason.NOT_PUBLIC),
        ({"visibility": None}, IneligibilityReason.NOT_PUBLIC),
        ({"confidential": True}, IneligibilityReason.CONFIDENTIAL),
        ({"workflow_step": "forApproval"}, IneligibilityReason.NOT_VALIDATED),
        ({"workflow_step": None}, IneligibilityReason.NOT_VALIDATED),
        ({"publication_status": "inpress"}, IneligibilityReason.NOT_PUBLISHED),
        ({"publication_status": "submitted"}, IneligibilityReason.NOT_PUBLISHED),
        ({"publication_status": None}, IneligibilityReason.NOT_PUBLISHED),
    ],
)
def test_each_rule_stops_an_output_and_names_itself(
    eligible: Publication, change: dict[str, Any], reason: IneligibilityReason
) -> None:
    # Given an otherwise eligible output with one rule broken; When checked
    result = check_eligibility(eligible.model_copy(update=change))
    # Then it is refused, naming that rule, with words for a person
    assert (result.eligible, result.reason) == (False, reason)
    assert result.detail


def test_a_missing_confidential_flag_does_not_stop_an_output(eligible: Publication) -> None:
    assert check_eligibility(eligible.model_copy(update={"confidential": None})).eligible


def test_the_first_broken_rule_is_the_one_reported(eligible: Publication) -> None:
    both = eligible.model_copy(update={"visibility": "CAMPUS", "confidential": True})
    assert check_eligibility(both).reason is IneligibilityReason.NOT_PUBLIC


def test_an_output_is_eligible_for_one_of_its_authors(eligible: Publication) -> None:
    assert check_eligibility(eligible, person_uuid=RESEARCHER.upper()).eligible


def test_an_output_is_not_eligible_for_someone_who_is_not_an_author(eligible: Publication) -> None:
    result = check_eligibility(eligible, person_uuid="00000000-0000-4000-8000-000000000000")
    assert result.reason is IneligibilityReason.NOT_AN_AUTHOR


def test_a_pure_api_record_in_validation_is_not_eligible(pure_fixture: Loader) -> None:
    # Given the newer API shape with workflow.step still "forValidation"
    data = pure_fixture("api-article-da.json")
    data["workflow"]["step"] = "forValidation"
    # Then the workflow rule stops it
    assert check_eligibility(publication_from_pure(data)).reason is IneligibilityReason.NOT_VALIDATED
