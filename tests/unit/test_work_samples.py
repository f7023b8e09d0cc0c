"""Real Pure JSON (University of Minnesota WS 5.18/5.24, Aarhus Pure API) → works ORCID's XSD accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from orcid_sync.orbit.eligibility import check_eligibility
from orcid_sync.orbit.pure_json import MalformedResearchOutput, publication_from_pure
from orcid_sync.orcid.work_xml import work_to_xml
from orcid_sync.sync.work_builder import work_from_publication

pytestmark = pytest.mark.shared

SAMPLES_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "pure-samples"
AARHUS_TEMPLATE = "aarhus-newapi-thesis-template.json"
TEMPLATE_UUID = "a1b2c3d4-e5f6-4789-8abc-def012345678"
ORCID_ID = "0000-0002-1825-0097"


def research_output_samples() -> list[str]:
    """Every research output among the samples, found when the tests are collected."""
    if not SAMPLES_DIR.is_dir():
        return ["(shared folder absent)"]
    names = sorted(path.name for path in SAMPLES_DIR.glob("*research-output*.json"))
    return [*names, AARHUS_TEMPLATE]


def load_sample(shared_dir: Path, name: str) -> dict[str, Any]:
    path = shared_dir / "pure-samples" / name
    if not path.is_file():
        pytest.skip(f"Pure sample not found: {path.resolve()}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if name == AARHUS_TEMPLATE:
        data["uuid"] = TEMPLATE_UUID  # a template has no uuid; every real output has one
    return data


@pytest.mark.parametrize("name", research_output_samples())
def test_each_real_research_output_maps_to_a_work_orcids_schema_accepts(
    shared_dir: Path, work_schema: xmlschema.XMLSchema, name: str
) -> None:
    # Given a real Pure research output; When read, built for its first internal author and serialized
    publication = publication_from_pure(load_sample(shared_dir, name))
    build = work_from_publication(
        publication, person_uuid=publication.first_internal_author, orcid_id=ORCID_ID
    )
    # Then ORCID's own XSD accepts the document
    work_schema.validate(work_to_xml(build.work, put_code=1))


def test_the_umn_article_keeps_its_researchers_beyond_the_missing_authors(shared_dir: Path) -> None:
    # Given the sample whose author list (51) is shorter than totalNumberOfAuthors (439)
    publication = publication_from_pure(load_sample(shared_dir, "umn-ws524-research-output-article.json"))
    work = work_from_publication(
        publication, person_uuid="9710f513-9553-4ad9-8f29-11ccb1861949", orcid_id=ORCID_ID
    ).work
    # Then the researcher (position 49) is on the capped list with their iD, and nothing crashed
    assert (len(publication.authors), publication.total_authors) == (51, 439)
    assert len(work.contributors) == 50
    assert [c.credit_name for c in work.contributors if c.orcid] == ["R. Poling"]


def test_the_umn_article_from_ws_518_has_no_workflow_and_is_therefore_not_sent(shared_dir: Path) -> None:
    publication = publication_from_pure(load_sample(shared_dir, "umn-ws518-research-output-article.json"))
    assert check_eligibility(publication).detail.startswith("workflow step is not given")


def test_the_aarhus_thesis_template_without_a_uuid_is_not_a_research_output(shared_dir: Path) -> None:
    data = load_sample(shared_dir, AARHUS_TEMPLATE)
    del data["uuid"]
    with pytest.raises(MalformedResearchOutput, match="uuid"):
        publication_from_pure(data)


def test_the_aarhus_thesis_is_a_dissertation_with_no_date_from_its_placeholders(shared_dir: Path) -> None:
    publication = publication_from_pure(load_sample(shared_dir, AARHUS_TEMPLATE))
    work = work_from_publication(publication, person_uuid="PERSON_UUID", orcid_id=None).work
    assert (work.type, work.publication_date, work.language_code) == ("dissertation-thesis", None, None)
