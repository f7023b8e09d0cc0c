"""`orcid-sync preview-employment PERSON.json`: XML on stdout (0), bad input (2), nothing ORCID takes (3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from orcid_sync.cli import main


def write_json(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "person.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


PERSON = {
    "uuid": "5a0c5f6e-1b7d-4c2e-9f4a-0d3b6c8e1a01",
    "info": {"portalUrl": "https://orbit.dtu.dk/en/persons/sofie"},
    "staffOrganisationAssociations": [
        {
            "pureId": 1,
            "isPrimaryAssociation": True,
            "organisationalUnit": {
                "uuid": "u1",
                "name": {"text": [{"locale": "en_GB", "value": "DTU Energy"}]},
            },
            "period": {"startDate": "2015-01-01T12:00:00.000+0100"},
            "jobTitle": {"uri": "/x", "term": {"text": [{"locale": "en_GB", "value": "Professor"}]}},
        }
    ],
}


def test_a_person_is_printed_as_employment_xml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_dir: Path
) -> None:
    code = main(["preview-employment", write_json(tmp_path, PERSON)])
    out = capsys.readouterr().out
    assert code == 0
    schema = xmlschema.XMLSchema(str(shared_dir / "orcid-model" / "record_3.0" / "employment-3.0.xsd"))
    schema.validate(out.strip())
    assert "<common:department-name>DTU Energy</common:department-name>" in out
    assert "<common:role-title>Professor</common:role-title>" in out
    assert "https://ror.org/04qtj9h94" in out


def test_the_real_former_staff_sample_prints_one_document_per_association(
    capsys: pytest.CaptureFixture[str], shared_dir: Path
) -> None:
    assert main(["preview-employment", str(shared_dir / "pure-samples" / "umn-ws524-person.json")]) == 0
    out = capsys.readouterr().out
    assert out.count("<employment:employment") == 5 and out.count("<common:end-date>") == 5


@pytest.mark.parametrize(
    "content", ["{not json", json.dumps([1, 2]), json.dumps({"staffOrganisationAssociations": []})]
)
def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> None:
    path = tmp_path / "person.json"
    path.write_text(content, encoding="utf-8")
    assert main(["preview-employment", str(path)]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview-employment", str(tmp_path / "nope.json")]) == 2


def test_no_association_orcid_takes_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    person = {**PERSON, "staffOrganisationAssociations": [{"pureId": 2, "organisationalUnit": {"uuid": "u"}}]}
    assert main(["preview-employment", write_json(tmp_path, person)]) == 3
    err = capsys.readouterr().err
    assert "ORCID requires one" in err and "no staff association" in err
