"""Pure JSON read through the pydantic models of its shapes: real samples pinned, text variants, persons."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from orcid_sync.orbit.persons import OrbitPersons, person_from_pure
from orcid_sync.orbit.publication import AuthorKind, OrcidPutCode, PureDate
from orcid_sync.orbit.pure_json import publication_from_pure
from orcid_sync.orbit.pure_person import MalformedPerson
from orcid_sync.orbit.pure_types import Localized, PureModel
from orcid_sync.orbit.staff import staff_from_pure

UMN_OUTPUT = "f145e583-7d49-415e-aefb-381905b58ae7"
UMN_PERSON = "01edf3d8-7e44-4dfa-bec4-8e3472965e1f"


WS_TEXT = {
    "formatted": False,
    "text": [{"locale": "da_DK", "value": "Vind"}, {"locale": "en_GB", "value": "W"}],
}


def sample(shared_dir: Path, name: str) -> Any:
    path = shared_dir / "pure-samples" / name
    if not path.is_file():
        pytest.skip(f"Pure sample not found: {path.resolve()}")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.shared
@pytest.mark.parametrize(
    "name", ["umn-ws518-research-output-article.json", "umn-ws524-research-output-article.json"]
)
def test_the_umn_article_reads_the_same_key_fields_from_ws_518_and_524(shared_dir: Path, name: str) -> None:
    publication = publication_from_pure(sample(shared_dir, name))
    assert (publication.uuid, publication.type_group, publication.type_subtype) == (
        UMN_OUTPUT,
        "contributiontojournal",
        "article",
    )
    assert publication.title == "Measurement of Singly Cabibbo Suppressed Decays Λc+ →pπ+π- and Λc+ →pK+K-"
    assert (publication.publication_status, publication.publication_date) == (
        "published",
        PureDate(year=2016, month=12, day=2),
    )
    assert (publication.language, publication.visibility) == ("en", "FREE")
    assert (len(publication.authors), publication.total_authors) == (51, 439)
    assert publication.authors[0].name == "M. Ablikim"
    assert publication.authors[0].kind is AuthorKind.EXTERNAL
    assert publication.first_internal_author == "35f331bb-7688-47ac-bdc3-941049471b4f"
    assert publication.dois == ("10.1103/physrevlett.117.232002",)
    assert (publication.journal_title, publication.issns) == ("Physical review letters", ("0031-9007",))
    assert (publication.volume, publication.issue, publication.pmid) == ("117", "23", "27982610")
    assert publication.orcid_put_codes == (OrcidPutCode(orcid="0000-0003-0305-4461", put_code=67721225),)
    assert publication.portal_url == f"https://experts.umn.edu/en/publications/{UMN_OUTPUT}"
    assert publication.abstract is not None and len(publication.abstract) == 760


@pytest.mark.shared
def test_the_two_ws_versions_differ_only_in_the_workflow_518_does_not_have(shared_dir: Path) -> None:
    older = publication_from_pure(sample(shared_dir, "umn-ws518-research-output-article.json"))
    newer = publication_from_pure(sample(shared_dir, "umn-ws524-research-output-article.json"))
    assert (older.workflow_step, newer.workflow_step) == (None, "approved")
    assert older == newer.model_copy(update={"workflow_step": None})


@pytest.mark.shared
def test_the_umn_person_reads_names_ids_and_the_primary_email(shared_dir: Path) -> None:
    person = person_from_pure(sample(shared_dir, "umn-ws524-person.json"))
    assert (person.uuid, person.display_name, person.email) == (UMN_PERSON, "Jan Fransen", "fransen@umn.edu")
    assert (person.employee_id, person.orcid) == ("1164667", "0000-0002-0302-2761")


@pytest.mark.shared
def test_the_umn_persons_first_association_keeps_its_unit_title_and_dates(shared_dir: Path) -> None:
    first = staff_from_pure(sample(shared_dir, "umn-ws524-person.json")).associations[0]
    assert (first.id, first.unit_name, first.job_title, first.primary) == (
        "248270155",
        "Research and Learning",
        "Librarian",
        True,
    )
    assert (
        first.start.isoformat() if first.start else None,
        first.end.isoformat() if first.end else None,
    ) == (
        "2018-06-11",
        "2022-05-18",
    )


@pytest.mark.shared
def test_an_external_person_reads_without_staff_or_email(shared_dir: Path) -> None:
    data = sample(shared_dir, "umn-ws524-external-person.json")
    assert (person_from_pure(data).display_name, person_from_pure(data).email) == (
        "Gilberto R. Sambrano",
        None,
    )
    assert staff_from_pure(data).associations == ()


# --- Localized text in each of Pure's shapes ------------------------------------------------------------


class _Texts(PureModel):
    text: Localized


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (WS_TEXT, {"da_DK": "Vind", "en_GB": "W"}),
        ({"formatted": True, "value": "<p>Wind</p>"}, {"": "<p>Wind</p>"}),
        ({"en_GB": "Wind", "da_DK": "Vind", "typeDiscriminator": "Text"}, {"en_GB": "Wind", "da_DK": "Vind"}),
        ("Wind", {"": "Wind"}),
        ({"text": [{"value": "Wind"}, "junk", {"locale": "en_GB", "value": " "}]}, {"": "Wind"}),
        ([{"en_GB": "Wind"}], {}),
        (42, {}),
        (None, {}),
    ],
    ids=["ws-text", "formatted", "api-map", "plain", "ws-junk-entries", "list", "number", "null"],
)  # fmt: skip
def test_localized_text_is_read_from_each_shape_and_anything_else_is_no_text(
    value: object, expected: dict[str, str]
) -> None:
    assert _Texts.model_validate({"text": value}).text.by_locale == expected


def test_the_text_in_the_outputs_language_is_picked_before_english() -> None:
    texts = _Texts.model_validate({"text": {"en_GB": "Wind", "da_DK": "Vind"}}).text
    assert (texts.pick("da"), texts.pick("de"), texts.pick(None)) == ("Vind", "Wind", "Wind")


# --- Persons: what is refused, what is tolerated ----------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        None, [], {"name": {"firstName": "A"}}, {"uuid": ""}, {"uuid": 7},
        {"uuid": "P", "staffOrganisationAssociations": 5},
    ],
)  # fmt: skip
def test_what_is_not_a_person_is_refused_as_malformed(data: object) -> None:
    with pytest.raises(MalformedPerson):
        person_from_pure(data)


def test_a_person_with_fields_of_unexpected_types_reads_them_as_missing() -> None:
    person = person_from_pure(
        {
            "uuid": "P1",
            "name": {"firstName": {"en_GB": "Anna"}, "lastName": "Sørensen"},
            "orcid": 17,
            "ids": "none",
            "staffOrganisationAssociations": [
                "junk",
                {"isPrimaryAssociation": True, "emails": [{"value": {"value": "anna@dtu.dk"}}]},
            ],
        }
    )
    assert (person.given_names, person.family_names, person.orcid) == (None, "Sørensen", None)
    assert (person.employee_id, person.email) == (None, "anna@dtu.dk")


class _SearchAnswers:
    """Orbit's person search as the adapter sees it (the HTTP layer has its own tests)."""

    def __init__(self, items: list[object]) -> None:
        self.items = items

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        return {"count": len(self.items), "items": self.items}


def test_an_unreadable_search_hit_does_not_stop_the_employee_number_look_up() -> None:
    employee = {
        "uuid": "2B1F4A4E-6A53-4A0E-9A8F-3D6C1E0B7A11",
        "ids": [
            {"type": {"uri": "/dk/atira/pure/person/personsources/employee"}, "value": {"value": "180547"}}
        ],
    }
    persons = OrbitPersons(_SearchAnswers([{"name": "no uuid"}, employee]))  # type: ignore[arg-type]
    assert persons.resolve_person_id("180547") == "2B1F4A4E-6A53-4A0E-9A8F-3D6C1E0B7A11"


FIRST_READS_ON_THREADS = """
import json, sys
from concurrent.futures import ThreadPoolExecutor
from orcid_sync.orbit.pure_json import publication_from_pure
from orcid_sync.orbit.staff import staff_from_pure
output = json.loads(sys.argv[1])
association = {"pureId": 1, "period": {"startDate": "2020-01-01"}}
person = {"uuid": "P1", "staffOrganisationAssociations": [association]}
with ThreadPoolExecutor(8) as pool:
    outputs = list(pool.map(lambda _: publication_from_pure(output), range(16)))
    staff = list(pool.map(lambda _: staff_from_pure(person), range(16)))
assert all(read == outputs[0] for read in outputs), outputs
assert all(read == staff[0] and len(read.associations) == 1 for read in staff), staff
print(outputs[0].title)
"""


def test_the_first_reads_on_several_threads_all_read_the_record(pure_fixture: Any) -> None:
    # Given a fresh interpreter, where no model is built yet (they build on first use)
    output = pure_fixture("ws524-article-en-da.json")
    # When 16 reads start at once on 8 threads, as the worker's first batch does
    done = subprocess.run(
        [sys.executable, "-c", FIRST_READS_ON_THREADS, json.dumps(output)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    # Then every read gives the same record
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Wind turbine wakes over complex terrain"
