"""The member API stand-in answers as ORCID does: status codes, error bodies, documents that validate
against ORCID's XSDs, grouping, limits, fault switches and the read-only record page."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.test import Client, EnvironBuilder, TestResponse
from werkzeug.wrappers import Request

from infra.orcid_standin import schemas, works_store
from infra.orcid_standin.member_api import MemberApiStandIn
from infra.orcid_standin.state import Record, StandInState, TokenGrant
from infra.orcid_standin.work_input import ExternalId, WorkDocument
from orcid_sync.orcid.summaries import parse_work_summaries
from tests.integration.member_fixtures import CLIENT_ID, OTHER_CLIENT_ID, SCOPES, FakeClock, work_xml

XML = "application/vnd.orcid+xml"
JSON = "application/vnd.orcid+json"
ERROR_NS = "{http://www.orcid.org/ns/error}"


@dataclass
class Desk:
    """The stand-in behind werkzeug's test client, with one researcher and our token."""

    api: MemberApiStandIn
    http: Client
    record: Record
    grant: TokenGrant
    clock: FakeClock

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        accept: str = XML,
        token: str | None = None,
    ) -> TestResponse:
        headers = {"Authorization": f"Bearer {token or self.grant.access_token}", "Accept": accept}
        if body is not None:
            headers["Content-Type"] = XML
        return self.http.open(f"/v3.0/{self.record.orcid}/{path}", method=method, data=body, headers=headers)

    def post(self, body: bytes, **kwargs: str) -> TestResponse:
        return self.call("POST", "work", body, **kwargs)

    def put_code_of(self, answer: TestResponse) -> int:
        assert answer.status_code == 201, answer.get_data(as_text=True)
        return int(answer.headers["Location"].rsplit("/", 1)[1])


def _desk(
    xsd_dir: Path | None = schemas.DEFAULT_XSD_DIR, *, max_works: int = 10_000, speedup: float = 1.0
) -> Desk:
    state = StandInState()
    clock = FakeClock()
    api = MemberApiStandIn(state, xsd_dir=xsd_dir, clock=clock, max_works=max_works, speedup=speedup)
    record = state.add_record("Sofie", "Kjær Nielsen")
    grant = state.issue_token(record.orcid, CLIENT_ID, SCOPES)
    return Desk(api, Client(api), record, grant, clock)


@pytest.fixture
def desk() -> Desk:
    return _desk()


@pytest.fixture
def xsd_dir() -> Path:
    if not schemas.available(schemas.DEFAULT_XSD_DIR):
        pytest.skip(
            f"ORCID XSDs not found at {schemas.DEFAULT_XSD_DIR} (the shared/ folder beside the repository)"
        )
    return schemas.DEFAULT_XSD_DIR


def _valid(xsd_dir: Path, name: str, answer: TestResponse) -> bool:
    problem = schemas.validation_error(xsd_dir, name, answer.get_data())
    assert problem is None, problem
    return True


def _error(answer: TestResponse) -> tuple[int, str]:
    root = ET.fromstring(answer.get_data())
    return int(root.findtext(f"{ERROR_NS}error-code") or 0), root.findtext(
        f"{ERROR_NS}developer-message"
    ) or ""


# --- writes -----------------------------------------------------------------------------------------
def test_a_new_work_is_answered_201_with_an_empty_body_and_its_location(desk: Desk) -> None:
    answer = desk.post(work_xml())

    assert answer.status_code == 201
    assert answer.get_data() == b""
    assert re.fullmatch(rf"http://localhost/v3\.0/{desk.record.orcid}/work/\d+", answer.headers["Location"])


def test_a_stored_work_validates_and_carries_our_source_and_the_researchers_default_visibility(
    desk: Desk, xsd_dir: Path
) -> None:
    desk.record.default_visibility = "limited"
    put_code = desk.put_code_of(desk.post(work_xml(visibility="public")))

    answer = desk.call("GET", f"work/{put_code}")

    assert _valid(xsd_dir, schemas.WORK, answer)
    root = ET.fromstring(answer.get_data())
    assert root.get("visibility") == "limited"
    assert root.findtext(
        ".//{http://www.orcid.org/ns/common}source-client-id/{http://www.orcid.org/ns/common}path"
    ) == (CLIENT_ID)


def test_a_second_post_with_the_same_self_id_is_409_9021_worded_as_orcid_words_it(desk: Desk) -> None:
    first = desk.put_code_of(desk.post(work_xml(doi="10.1/A")))

    answer = desk.post(work_xml("Another title", orbit_uuid="other-uuid", doi="https://doi.org/10.1/a"))

    code, message = _error(answer)
    assert (answer.status_code, code) == (409, 9021)
    assert f"please see element with put-code {first}. If you are trying to edit the item" in message


def test_the_same_self_id_from_another_source_is_no_duplicate(desk: Desk) -> None:
    desk.api.add_work_as(desk.record.orcid, OTHER_CLIENT_ID, work_xml())

    assert desk.post(work_xml()).status_code == 201


def test_an_update_moves_the_duplicate_check_to_the_new_self_id_and_a_deletion_frees_it(desk: Desk) -> None:
    first = desk.put_code_of(desk.post(work_xml(orbit_uuid="a")))
    updated = desk.call("PUT", f"work/{first}", work_xml(orbit_uuid="b", put_code=first))

    freed = desk.post(work_xml(orbit_uuid="a"))
    taken = desk.post(work_xml(orbit_uuid="b"))
    desk.api.delete_as_researcher(desk.record.orcid, first)
    after_deletion = desk.post(work_xml(orbit_uuid="b"))

    assert updated.status_code == 200
    assert freed.status_code == 201
    assert (taken.status_code, _error(taken)[0]) == (409, 9021)
    assert f"put-code {first}." in _error(taken)[1]
    assert after_deletion.status_code == 201


def test_five_thousand_works_go_in_without_a_pass_over_the_record_per_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the duplicate check as the stand-in runs it for every added work, with every normalization
    # of an identifier counted (a pass over the record normalizes every stored work's ids again)
    normalizations = 0
    normalize = works_store.normalized

    def counted(external_id: ExternalId) -> tuple[str, str]:
        nonlocal normalizations
        normalizations += 1
        return normalize(external_id)

    monkeypatch.setattr(works_store, "normalized", counted)
    store, now = works_store.WorksStore(), datetime(2026, 11, 29, tzinfo=UTC)
    # When 5,000 works with two self ids each go onto one record
    for index in range(5_000):
        document = WorkDocument(
            title=f"Work {index}",
            type="journal-article",
            external_ids=(
                ExternalId("source-work-id", f"uuid-{index}", relationship="self"),
                ExternalId("doi", f"10.1/{index}", relationship="self"),
            ),
        )
        assert store.duplicate_of("0000-0002-1825-0097", CLIENT_ID, document) is None
        store.add("0000-0002-1825-0097", CLIENT_ID, "DTU", "public", document, now)
    # Then each work's own ids were normalized a fixed number of times (a scan would need 25 million)
    assert store.count("0000-0002-1825-0097") == 5_000
    assert normalizations <= 5_000 * 2 * 2


def test_the_duplicate_check_names_the_lowest_put_code_of_this_source_and_skips_the_excluded_one() -> None:
    store, now = works_store.WorksStore(), datetime(2026, 11, 29, tzinfo=UTC)

    def document(*ids: tuple[str, str]) -> WorkDocument:
        return WorkDocument(
            title="W", type="other", external_ids=tuple(ExternalId(t, v, relationship="self") for t, v in ids)
        )

    orcid = "0000-0002-1825-0097"
    theirs = store.add(orcid, OTHER_CLIENT_ID, "Other", "public", document(("doi", "10.1/x")), now)
    low = store.add(orcid, CLIENT_ID, "DTU", "public", document(("doi", "10.1/X")), now)
    high = store.add(orcid, CLIENT_ID, "DTU", "public", document(("doi", "https://doi.org/10.1/x")), now)
    wanted = document(("isbn", "978-0"), ("doi", "doi:10.1/x"))

    assert store.duplicate_of(orcid, CLIENT_ID, wanted) == low.put_code
    assert store.duplicate_of(orcid, CLIENT_ID, wanted, exclude=low.put_code) == high.put_code
    assert store.duplicate_of(orcid, OTHER_CLIENT_ID, wanted) == theirs.put_code
    assert store.duplicate_of("0000-0001-5109-3700", CLIENT_ID, wanted) is None


def test_a_put_code_on_post_is_400_9024(desk: Desk) -> None:
    answer = desk.post(work_xml(put_code=3))

    assert (answer.status_code, _error(answer)[0]) == (400, 9024)


def test_a_body_the_schema_refuses_is_400_9001_with_the_validators_message(desk: Desk, xsd_dir: Path) -> None:
    answer = desk.post(work_xml(after_type="<work:journal-title>Too late</work:journal-title>"))

    code, message = _error(answer)
    assert (answer.status_code, code) == (400, 9001)
    assert "Full validation error:" in message
    assert "journal-title" in message


@pytest.mark.parametrize(
    "document",
    [
        work_xml(work_type="journal_article"),
        work_xml(tail="<common:language-code>dk</common:language-code>"),
        work_xml(self_relationship="same-as"),
        work_xml(
            after_type="",
            tail="<work:contributors><work:contributor><work:credit-name>A</work:credit-name>"
            "<work:contributor-attributes><work:contributor-role>writer</work:contributor-role>"
            "</work:contributor-attributes></work:contributor></work:contributors>",
        ),
    ],
    ids=["work-type", "language", "relationship", "contributor-role"],
)
def test_a_value_outside_orcids_enumerations_is_400_9037(desk: Desk, document: bytes) -> None:
    answer = desk.post(document)

    assert (answer.status_code, _error(answer)[0]) == (400, 9037)


def test_a_credit_role_uri_is_an_accepted_contributor_role(desk: Desk) -> None:
    role = "http://credit.niso.org/contributor-roles/writing-original-draft/"
    contributors = (
        "<work:contributors><work:contributor><work:credit-name>A</work:credit-name><work:contributor-attributes>"
        f"<work:contributor-role>{role}</work:contributor-role></work:contributor-attributes></work:contributor>"
        "</work:contributors>"
    )

    assert desk.post(work_xml(tail=contributors)).status_code == 201


def test_a_citation_type_outside_the_list_is_400_9037(desk: Desk) -> None:
    citation = (
        "<work:citation><work:citation-type>endnote</work:citation-type>"
        "<work:citation-value>x</work:citation-value></work:citation>"
    )
    document = work_xml().replace(b"<work:type>", citation.encode() + b"<work:type>")

    assert _error(desk.post(document))[0] == 9037


def test_an_impossible_date_is_400_9049(desk: Desk) -> None:
    answer = desk.post(
        work_xml(
            date="<common:year>2022</common:year><common:month>04</common:month><common:day>31</common:day>"
        )
    )

    assert (answer.status_code, _error(answer)[0]) == (400, 9049)


def test_a_work_without_a_self_id_is_400_9023(desk: Desk) -> None:
    assert _error(desk.post(work_xml(self_relationship="version-of")))[0] == 9023


def test_a_full_record_is_409_9048() -> None:
    desk = _desk(max_works=2)
    desk.post(work_xml(orbit_uuid="a"))
    desk.post(work_xml(orbit_uuid="b"))

    answer = desk.post(work_xml(orbit_uuid="c"))

    assert (answer.status_code, _error(answer)[0]) == (409, 9048)


def test_an_update_must_name_the_put_code_of_its_url(desk: Desk) -> None:
    put_code = desk.put_code_of(desk.post(work_xml()))

    without = desk.call("PUT", f"work/{put_code}", work_xml())
    other = desk.call("PUT", f"work/{put_code}", work_xml(put_code=put_code + 1))

    assert _error(without) == (
        9019,
        f"400 Bad Request: The put code in the URL was {put_code} whereas the one in the body was null.",
    )
    assert _error(other)[0] == 9019


def test_an_update_that_changes_visibility_is_403_9035(desk: Desk) -> None:
    put_code = desk.put_code_of(desk.post(work_xml()))

    answer = desk.call("PUT", f"work/{put_code}", work_xml(put_code=put_code, visibility="private"))

    assert (answer.status_code, _error(answer)[0]) == (403, 9035)


def test_an_update_that_repeats_the_current_visibility_is_accepted(desk: Desk, xsd_dir: Path) -> None:
    put_code = desk.put_code_of(desk.post(work_xml()))

    answer = desk.call("PUT", f"work/{put_code}", work_xml("New", put_code=put_code, visibility="public"))

    assert answer.status_code == 200
    assert _valid(xsd_dir, schemas.WORK, answer)


def test_writing_another_sources_work_is_403_9010(desk: Desk) -> None:
    theirs = desk.api.add_work_as(desk.record.orcid, OTHER_CLIENT_ID, work_xml())

    put = desk.call("PUT", f"work/{theirs.put_code}", work_xml(put_code=theirs.put_code))
    delete = desk.call("DELETE", f"work/{theirs.put_code}")

    assert [(put.status_code, _error(put)[0]), (delete.status_code, _error(delete)[0])] == [(403, 9010)] * 2


def test_a_work_the_researcher_deleted_is_404_9016(desk: Desk) -> None:
    put_code = desk.put_code_of(desk.post(work_xml()))
    assert desk.api.delete_as_researcher(desk.record.orcid, put_code)

    answer = desk.call("DELETE", f"work/{put_code}")

    code, message = _error(answer)
    assert (answer.status_code, code) == (404, 9016)
    assert message.endswith("No entity found for query")


def test_a_delete_is_answered_204(desk: Desk) -> None:
    put_code = desk.put_code_of(desk.post(work_xml()))

    assert desk.call("DELETE", f"work/{put_code}").status_code == 204
    assert desk.api.works_of(desk.record.orcid) == []


# --- bulk -------------------------------------------------------------------------------------------
def _bulk(*works: bytes) -> bytes:
    inner = b"".join(work.split(b"\n", 1)[1] for work in works)
    return b'<bulk:bulk xmlns:bulk="http://www.orcid.org/ns/bulk">' + inner + b"</bulk:bulk>"


def test_a_bulk_post_answers_each_work_or_its_error_in_input_order(desk: Desk, xsd_dir: Path) -> None:
    answer = desk.call(
        "POST", "works", _bulk(work_xml(orbit_uuid="a"), work_xml(orbit_uuid="a"), work_xml(orbit_uuid="b"))
    )

    assert answer.status_code == 200
    assert _valid(xsd_dir, schemas.BULK, answer)
    kinds = [child.tag.split("}")[1] for child in ET.fromstring(answer.get_data())]
    assert kinds == ["work", "error", "work"]


def test_a_bulk_post_of_more_than_one_hundred_works_is_400_9006(desk: Desk) -> None:
    answer = desk.call("POST", "works", _bulk(*[work_xml(orbit_uuid=f"u{i}") for i in range(101)]))

    assert (answer.status_code, _error(answer)[0]) == (400, 9006)
    assert desk.api.works_of(desk.record.orcid) == []


def test_a_bulk_read_answers_200_with_an_error_item_for_a_put_code_not_on_the_record(
    desk: Desk, xsd_dir: Path
) -> None:
    put_code = desk.put_code_of(desk.post(work_xml()))

    answer = desk.call("GET", f"works/{put_code},10000")

    assert answer.status_code == 200
    assert _valid(xsd_dir, schemas.BULK, answer)
    error = ET.fromstring(answer.get_data())[1]
    assert error.findtext(f"{ERROR_NS}error-code") == "9034"
    assert "'10000' is not a valid put code" in (error.findtext(f"{ERROR_NS}developer-message") or "")


# --- reading and grouping ---------------------------------------------------------------------------
def test_works_sharing_a_self_or_version_of_id_group_and_part_of_never_does(
    desk: Desk, xsd_dir: Path
) -> None:
    part_of = (
        "<common:external-id><common:external-id-type>issn</common:external-id-type>"
        "<common:external-id-value>1234-5679</common:external-id-value>"
        "<common:external-id-relationship>part-of</common:external-id-relationship></common:external-id>"
    )
    version_of = (
        part_of.replace("issn", "doi").replace("1234-5679", "10.1/preprint").replace("part-of", "version-of")
    )
    a = desk.put_code_of(desk.post(work_xml(orbit_uuid="a", doi="10.1/X", extra_ids=part_of)))
    b = desk.api.add_work_as(
        desk.record.orcid, OTHER_CLIENT_ID, work_xml(orbit_uuid="b", doi="10.1/x")
    ).put_code
    c = desk.put_code_of(desk.post(work_xml(orbit_uuid="c", extra_ids=part_of + version_of)))
    d = desk.put_code_of(desk.post(work_xml(orbit_uuid="d", doi="10.1/PREPRINT")))

    answer = desk.call("GET", "works")

    assert _valid(xsd_dir, schemas.ACTIVITIES, answer)
    groups = [
        sorted(int(s.get("put-code") or 0) for s in group.iter("{http://www.orcid.org/ns/work}work-summary"))
        for group in ET.fromstring(answer.get_data()).iter("{http://www.orcid.org/ns/activities}group")
    ]
    assert sorted(groups) == sorted([sorted([a, b]), sorted([c, d])])


def test_the_json_works_listing_reads_back_to_the_same_summaries_as_the_xml_one(desk: Desk) -> None:
    desk.post(work_xml(orbit_uuid="a", doi="10.1/a"))
    desk.api.add_work_as(desk.record.orcid, OTHER_CLIENT_ID, work_xml(orbit_uuid="b"))

    from_xml = parse_work_summaries(desk.call("GET", "works").get_data())
    from_json = parse_work_summaries(desk.call("GET", "works", accept=JSON).get_data())

    assert from_json == from_xml
    assert {summary.source_client_id for summary in from_json} == {CLIENT_ID, OTHER_CLIENT_ID}


def test_other_sources_private_works_are_not_listed(desk: Desk) -> None:
    desk.record.default_visibility = "private"
    desk.api.add_work_as(desk.record.orcid, OTHER_CLIENT_ID, work_xml(orbit_uuid="b"))
    ours = desk.put_code_of(desk.post(work_xml(orbit_uuid="a")))

    listed = parse_work_summaries(desk.call("GET", "works").get_data())

    assert [summary.put_code for summary in listed] == [ours]


# --- tokens, records and errors ---------------------------------------------------------------------
def test_an_unknown_token_is_401_with_the_oauth_body_echoing_it(desk: Desk) -> None:
    answer = desk.call("GET", "works", token="not-a-token")

    assert answer.status_code == 401
    assert answer.get_json() == {
        "error": "invalid_token",
        "error_description": "Invalid access token: not-a-token",
    }


def test_a_token_the_researcher_revoked_may_delete_but_not_read(desk: Desk) -> None:
    put_code = desk.put_code_of(desk.post(work_xml()))
    desk.api.state.revoke_by_user(desk.record.orcid, CLIENT_ID)

    assert desk.call("GET", "works").status_code == 401
    assert desk.call("DELETE", f"work/{put_code}").status_code == 204


def test_a_token_without_the_update_scope_may_read_but_not_write(desk: Desk) -> None:
    reader = desk.api.state.issue_token(desk.record.orcid, CLIENT_ID, frozenset({"/read-limited"}))

    assert desk.call("GET", "works", token=reader.access_token).status_code == 200
    assert desk.post(work_xml(), token=reader.access_token).status_code == 403


def test_a_merged_record_is_301_9007_pointing_at_the_primary_record(desk: Desk) -> None:
    desk.api.merge_record(desk.record.orcid, "0000-0002-1825-0097")

    answer = desk.call("GET", "works")

    assert (answer.status_code, _error(answer)[0]) == (301, 9007)
    assert answer.headers["Location"].endswith("/v3.0/0000-0002-1825-0097")


def test_errors_are_json_when_json_is_accepted(desk: Desk) -> None:
    answer = desk.call("GET", "work/12345", accept=JSON)

    assert answer.content_type.startswith(JSON)
    assert answer.get_json()["error-code"] == 9016
    assert set(answer.get_json()) == {
        "response-code",
        "developer-message",
        "user-message",
        "error-code",
        "more-info",
    }


def test_error_documents_validate_against_orcids_error_schema(desk: Desk, xsd_dir: Path) -> None:
    assert _valid(xsd_dir, schemas.ERROR, desk.call("GET", "work/12345"))


def test_without_the_schemas_validation_is_skipped_and_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)

    desk = _desk(xsd_dir=tmp_path)

    assert not desk.api.validating
    assert "skips schema validation" in caplog.text
    assert (
        desk.post(work_xml(after_type="<work:journal-title>Too late</work:journal-title>")).status_code == 201
    )


def test_paths_that_are_not_the_member_api_are_left_to_other_parts(desk: Desk) -> None:
    request = Request(EnvironBuilder(path="/oauth/token", method="POST").get_environ())

    assert desk.api.dispatch(request) is None


# --- limits and faults ------------------------------------------------------------------------------
def test_the_rate_limit_allows_a_burst_of_40_then_answers_503(desk: Desk) -> None:
    statuses = [desk.call("GET", "works").status_code for _ in range(41)]

    assert statuses == [200] * 40 + [503]


def test_the_rate_limit_refills_at_24_per_second(desk: Desk) -> None:
    for _ in range(40):
        desk.call("GET", "works")

    desk.clock.now += 0.5

    assert [desk.call("GET", "works").status_code for _ in range(13)] == [200] * 12 + [503]


def test_a_speedup_makes_the_rate_limit_refill_faster() -> None:
    desk = _desk(speedup=10)
    for _ in range(40):
        desk.call("GET", "works")

    desk.clock.now += 0.05

    assert [desk.call("GET", "works").status_code for _ in range(13)] == [200] * 12 + [503]


def test_scripted_failures_answer_in_order_with_retry_after(desk: Desk) -> None:
    desk.api.faults.fail_next(503, 500, retry_after="2")

    first, second, third = (desk.call("GET", "works") for _ in range(3))

    assert (first.status_code, first.headers.get("Retry-After")) == (503, "2")
    assert (second.status_code, _error(second)[0]) == (500, 9008)
    assert third.status_code == 200


def test_random_faults_are_reproducible_for_a_seed() -> None:
    runs = []
    for _ in range(2):
        desk = _desk()
        desk.api.faults.error_rate = 0.5
        desk.api.rate_limit.enabled = False
        runs.append([desk.call("GET", "works").status_code for _ in range(20)])

    assert runs[0] == runs[1]
    assert set(runs[0]) == {200, 500, 503}


def test_calls_are_counted_by_method_and_kind_of_path(desk: Desk) -> None:
    put_code = desk.put_code_of(desk.post(work_xml()))
    desk.call("GET", "works")
    desk.call("GET", f"work/{put_code}")
    desk.call("DELETE", f"work/{put_code}")
    desk.call("GET", "works", token="bad")

    assert dict(desk.api.calls) == {
        "POST /work": 1,
        "GET /works": 2,
        "GET /work/{put-code}": 1,
        "DELETE /work/{put-code}": 1,
    }


# --- the record page --------------------------------------------------------------------------------
def test_the_record_page_shows_the_works_escaped_and_loads_nothing_from_outside(desk: Desk) -> None:
    desk.post(work_xml(title="Wakes &lt;script&gt;alert(1)&lt;/script&gt;"))

    page = desk.http.get(f"/records/{desk.record.orcid}").get_data(as_text=True)

    assert "Wakes &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page
    assert not re.search(r"(src|href)=", page)
    assert desk.record.orcid in page
