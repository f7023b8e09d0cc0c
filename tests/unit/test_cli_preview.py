"""`orcid-sync preview-work FILE.json`: XML on stdout (0), bad input (2), may not go to ORCID (3)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from orcid_sync.cli import main
from orcid_sync.orcid.work_xml import COMMON_NS, WORK_NS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pure"
ARTICLE = str(FIXTURES / "ws524-article-en-da.json")
RESEARCHER = "2b1f4a4e-6a53-4a0e-9a8f-3d6c1e0b7a11"
ORCID_ID = "0000-0002-1825-0097"
W = f"{{{WORK_NS}}}"
C = f"{{{COMMON_NS}}}"


def write_json(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "output.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_an_eligible_output_is_printed_as_work_xml(capsys: pytest.CaptureFixture[str]) -> None:
    # Given an eligible research output; When previewed
    code = main(["preview-work", ARTICLE])
    # Then the work XML is on stdout and the exit code is 0
    out = capsys.readouterr().out
    assert code == 0
    assert (
        ET.fromstring(out.encode()).findtext(f"{W}title/{C}title")
        == "Wind turbine wakes over complex terrain"
    )


def test_with_an_orcid_id_the_researcher_carries_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview-work", ARTICLE, "--person", RESEARCHER, "--orcid", ORCID_ID]) == 0
    root = ET.fromstring(capsys.readouterr().out.encode())
    assert [path.text for path in root.iter(C + "path")] == [ORCID_ID]


def test_without_person_the_first_internal_author_gets_the_orcid_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["preview-work", ARTICLE, "--orcid", ORCID_ID]) == 0
    root = ET.fromstring(capsys.readouterr().out.encode())
    contributor = next(c for c in root.iter(W + "contributor") if c.find(C + "contributor-orcid") is not None)
    assert contributor.findtext(W + "credit-name") == "A. Sørensen"


def test_without_an_orcid_id_no_contributor_orcid_is_written(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview-work", ARTICLE]) == 0
    assert "contributor-orcid" not in capsys.readouterr().out


def test_the_newer_pure_api_shape_is_previewed_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview-work", str(FIXTURES / "api-article-da.json")]) == 0
    assert "Grundvandets kvalitet i Danmark" in capsys.readouterr().out


def test_identifiers_left_out_are_reported_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview-work", str(FIXTURES / "ws524-chapter.json")]) == 0
    assert "978-0-306-40615-8" in capsys.readouterr().err


def test_an_output_that_may_not_go_to_orcid_exits_3_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an output that is only visible on campus
    data = json.loads(Path(ARTICLE).read_text(encoding="utf-8"))
    data["visibility"]["key"] = "CAMPUS"
    # When previewed; Then nothing is printed on stdout, the reason is on stderr, and the exit code is 3
    code = main(["preview-work", write_json(tmp_path, data)])
    captured = capsys.readouterr()
    assert (code, captured.out) == (3, "")
    assert "not_public" in captured.err


def test_a_person_who_is_not_an_author_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview-work", ARTICLE, "--person", "00000000-0000-4000-8000-000000000000"]) == 3
    assert "not among the output's authors" in capsys.readouterr().err


def test_an_output_orcid_would_reject_exits_3_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(Path(ARTICLE).read_text(encoding="utf-8"))
    data["title"] = {"value": "  "}
    data["translatedTitle"] = {}
    assert main(["preview-work", write_json(tmp_path, data)]) == 3
    assert "no title" in capsys.readouterr().err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview-work", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_file_that_is_not_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "output.json"
    path.write_text("<xml/>", encoding="utf-8")
    assert main(["preview-work", str(path)]) == 2
    assert "is not JSON" in capsys.readouterr().err


def test_json_that_is_not_a_research_output_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview-work", write_json(tmp_path, {"name": "not an output"})]) == 2
    assert "no uuid" in capsys.readouterr().err


def test_an_invalid_orcid_id_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview-work", ARTICLE, "--orcid", "0000-0002-1825-0098"]) == 2
    assert "check character" in capsys.readouterr().err


def test_check_orcid_id_still_prints_the_canonical_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-orcid-id", "https://orcid.org/0000-0002-1825-0097"]) == 0
    assert capsys.readouterr().out.strip() == ORCID_ID
