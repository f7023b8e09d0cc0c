"""Which research outputs may leave Orbit for ORCID.

Only when all hold: visibility FREE, not confidential, workflow approved/validated, and the current
publication status published or e-pub ahead of print (the same rules as Pure's own ORCID export). A missing
visibility, workflow step or status counts against the output: we only send what we know is public.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from orcid_sync.orbit.publication import Publication

PUBLIC_VISIBILITY = "FREE"
VALIDATED_WORKFLOW_STEPS = frozenset({"approved", "validated"})
PUBLISHED_STATUSES = frozenset({"published", "epub"})


class IneligibilityReason(StrEnum):
    """The rule that keeps an output off ORCID (the first that fails, in the order checked)."""

    NOT_PUBLIC = "not_public"
    CONFIDENTIAL = "confidential"
    NOT_VALIDATED = "not_validated"
    NOT_PUBLISHED = "not_published"
    NOT_AN_AUTHOR = "not_an_author"


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: IneligibilityReason | None = None
    detail: str = ""
    """The rule in plain words, for logs and the CLI."""


ELIGIBLE = Eligibility(eligible=True)


def check_eligibility(publication: Publication, *, person_uuid: str | None = None) -> Eligibility:
    """Whether the output may be on ORCID; with `person_uuid`, also whether that person is on it."""
    if publication.visibility != PUBLIC_VISIBILITY:
        return _refused(
            IneligibilityReason.NOT_PUBLIC,
            f"visibility is {publication.visibility or 'not given'}, not {PUBLIC_VISIBILITY}",
        )
    if publication.confidential is True:
        return _refused(IneligibilityReason.CONFIDENTIAL, "the output is marked confidential")
    step = (publication.workflow_step or "").lower()
    if step not in VALIDATED_WORKFLOW_STEPS:
        return _refused(
            IneligibilityReason.NOT_VALIDATED,
            f"workflow step is {publication.workflow_step or 'not given'}, not approved/validated",
        )
    status = (publication.publication_status or "").lower()
    if status not in PUBLISHED_STATUSES:
        return _refused(
            IneligibilityReason.NOT_PUBLISHED,
            f"current publication status is {publication.publication_status or 'not given'}, "
            "not published or e-pub ahead of print",
        )
    if person_uuid is not None and not publication.authors_with_person(person_uuid):
        return _refused(
            IneligibilityReason.NOT_AN_AUTHOR, f"person {person_uuid} is not among the output's authors"
        )
    return ELIGIBLE


def _refused(reason: IneligibilityReason, detail: str) -> Eligibility:
    return Eligibility(eligible=False, reason=reason, detail=detail)
