"""The ORCID works client against the member API stand-in over loopback: every row of the error table
of orcid-api.md becomes its typed outcome, and the happy paths do what the sync relies on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from orcid_sync.orcid import errors
from orcid_sync.orcid import work_xml as work_xml_module
from orcid_sync.orcid.client import OrcidWorksClient
from orcid_sync.orcid.pacing import RetryPolicy
from orcid_sync.orcid.work import (
    Citation,
    Contributor,
    ExternalId,
    PublicationDate,
    TranslatedTitle,
    Work,
    WorkNotSendable,
)
from tests.integration.member_fixtures import (
    CLIENT_ID,
    OTHER_CLIENT_ID,
    MemberWorld,
    member_world,
    sample_work,
    work_xml,
)


@pytest.fixture
def world() -> Iterator[MemberWorld]:
    with member_world() as running:
        yield running


@pytest.fixture
def client(world: MemberWorld) -> OrcidWorksClient:
    return world.client()


def _raw(world: MemberWorld, method: str, path: str, body: bytes | None = None) -> errors.OrcidError:
    """Send a request the client would never send, and classify the stand-in's answer as the client does."""
    answer = requests.request(
        method,
        f"{world.base_url}/v3.0/{world.orcid}/{path}",
        data=body,
        headers={"Authorization": f"Bearer {world.token}", "Content-Type": "application/vnd.orcid+xml"},
        timeout=5,
    )
    return errors.error_from_answer(answer.status_code, answer.headers, answer.content, token=world.token)


# --- happy paths ------------------------------------------------------------------------------------
def test_adding_a_work_returns_the_put_code_of_the_stored_work(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    put_code = client.add_work(world.orcid, world.token, sample_work())

    assert [work.put_code for work in world.api.works_of(world.orcid)] == [put_code]


def test_listing_works_returns_only_our_own_items_with_their_external_ids(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    ours = client.add_work(world.orcid, world.token, sample_work("Ours", doi="10.11581/dtu:1"))
    world.api.add_work_as(world.orcid, OTHER_CLIENT_ID, work_xml("Theirs", doi="10.11581/dtu:1"))

    listed = client.list_works(world.orcid, world.token)

    assert [(item.put_code, item.title, item.type) for item in listed] == [(ours, "Ours", "journal-article")]
    assert {(i.type, i.value, i.relationship) for i in listed[0].external_ids} == {
        ("source-work-id", "0b6e1d2c-0000-4000-8000-000000000001", "self"),
        ("doi", "10.11581/dtu:1", "self"),
    }


def test_updating_a_work_replaces_its_content_under_the_same_put_code(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    put_code = client.add_work(world.orcid, world.token, sample_work("Draft title"))

    client.update_work(world.orcid, world.token, put_code, sample_work("Final title"))

    assert [(w.put_code, w.document.title) for w in world.api.works_of(world.orcid)] == [
        (put_code, "Final title")
    ]


def test_deleting_a_work_twice_counts_as_done_both_times(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    put_code = client.add_work(world.orcid, world.token, sample_work())

    client.delete_work(world.orcid, world.token, put_code)
    client.delete_work(world.orcid, world.token, put_code)

    assert world.api.works_of(world.orcid) == []


def test_bulk_add_answers_put_codes_and_typed_errors_in_input_order(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    existing = client.add_work(world.orcid, world.token, sample_work(orbit_uuid="uuid-1"))
    world.api.max_works = 2  # a full record: ORCID refuses the item that would be the third work (9048)

    results = client.add_works(
        world.orcid,
        world.token,
        [
            sample_work(orbit_uuid="uuid-2"),
            sample_work(orbit_uuid="uuid-1"),
            sample_work(orbit_uuid="uuid-3"),
        ],
    )

    assert isinstance(results[0], int)
    assert isinstance(results[1], errors.WorkConflict)
    assert results[1].put_code == existing
    assert isinstance(results[2], errors.TooManyWorks)
    assert results[2].error_code == 9048


def test_bulk_add_of_more_than_one_hundred_works_is_refused_without_calling_orcid(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    with pytest.raises(errors.TooManyItems):
        client.add_works(world.orcid, world.token, [sample_work(orbit_uuid=f"u{i}") for i in range(101)])

    assert world.api.calls["POST /works"] == 0


def _work_model(orbit_uuid: str, *, work_type: str = "journal-article", author: str | None = None) -> Work:
    return Work(
        title="Wake steering of wind farms",
        subtitle="A field study",
        translated_title=TranslatedTitle(title="Kølvandsstyring af vindmølleparker", language_code="da"),
        journal_title="Wind Energy Science",
        citation=Citation(type="bibtex", value="@article{x, title={Wake steering}}"),
        type=work_type,
        publication_date=PublicationDate(year=2024, month=2, day=29),
        external_ids=(
            ExternalId(type="source-work-id", value=orbit_uuid, relationship="self"),
            ExternalId(
                type="doi",
                value="10.5194/wes-9-1-2024",
                url="https://doi.org/10.5194/wes-9-1-2024",
                relationship="self",
            ),
            ExternalId(type="issn", value="2366-7451", relationship="part-of"),
        ),
        url="https://orbit.dtu.dk/en/publications/" + orbit_uuid,
        contributors=(
            Contributor(orcid=author, credit_name="Kjær Nielsen, Sofie", sequence="first", role="author"),
            Contributor(credit_name="Hansen, Kurt", sequence="additional", role="author"),
        ),
        language_code="en",
    )


def test_a_work_model_is_serialized_and_accepted_by_the_stand_in_on_add_and_update(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    put_code = client.add_work(world.orcid, world.token, _work_model("uuid-1", author=world.orcid))

    client.update_work(
        world.orcid, world.token, put_code, _work_model("uuid-1").model_copy(update={"title": "New"})
    )

    stored = world.api.works_of(world.orcid)
    assert [(work.put_code, work.document.title) for work in stored] == [(put_code, "New")]


def test_a_work_orcid_would_refuse_is_not_sent_in_a_bulk_call_and_its_result_says_why(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    results = client.add_works(
        world.orcid, world.token, [_work_model("uuid-1"), _work_model("uuid-2", work_type="blog")]
    )

    assert isinstance(results[0], int)
    assert isinstance(results[1], errors.Rejected)
    assert "not sent" in results[1].message
    assert len(world.api.works_of(world.orcid)) == 1


def test_each_work_is_validated_once_per_call(
    world: MemberWorld, client: OrcidWorksClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[Work] = []
    validate = work_xml_module.validate_work

    def counted(work: Work) -> None:
        checked.append(work)
        validate(work)

    monkeypatch.setattr(work_xml_module, "validate_work", counted)
    works = [_work_model("uuid-1"), _work_model("uuid-2", work_type="blog"), _work_model("uuid-3")]

    client.add_works(world.orcid, world.token, works)
    put_code = client.add_work(world.orcid, world.token, sample_work(orbit_uuid="uuid-4"))
    client.update_work(world.orcid, world.token, put_code, sample_work(orbit_uuid="uuid-4"))

    assert checked == [*works, sample_work(orbit_uuid="uuid-4"), sample_work(orbit_uuid="uuid-4")]


# --- the error table --------------------------------------------------------------------------------
def test_a_second_post_of_the_same_work_is_a_conflict_naming_the_existing_put_code(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    first = client.add_work(world.orcid, world.token, sample_work())

    with pytest.raises(errors.WorkConflict) as caught:
        client.add_work(world.orcid, world.token, sample_work("Same Orbit output, new title"))

    assert caught.value.put_code == first


def test_updating_a_work_the_researcher_deleted_reports_the_put_code_gone(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    put_code = client.add_work(world.orcid, world.token, sample_work())
    world.api.delete_as_researcher(world.orcid, put_code)

    with pytest.raises(errors.PutCodeGone):
        client.update_work(world.orcid, world.token, put_code, sample_work())


def test_writing_to_an_unknown_orcid_id_reports_the_record_not_found(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    with pytest.raises(errors.RecordNotFound):
        client.add_work("0000-0002-0000-000X", world.token, sample_work())


def test_updating_another_sources_work_reports_it_is_not_ours(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    theirs = world.api.add_work_as(world.orcid, OTHER_CLIENT_ID, work_xml())

    with pytest.raises(errors.NotOurItem):
        client.update_work(world.orcid, world.token, theirs.put_code, sample_work())


def test_deleting_another_sources_work_reports_it_is_not_ours(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    theirs = world.api.add_work_as(world.orcid, OTHER_CLIENT_ID, work_xml())

    with pytest.raises(errors.NotOurItem):
        client.delete_work(world.orcid, world.token, theirs.put_code)


def test_changing_the_visibility_in_an_update_is_refused(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    put_code = client.add_work(world.orcid, world.token, sample_work())

    # A Work has no visibility (it is the researcher's): only a hand-made document can ask for one.
    outcome = _raw(world, "PUT", f"work/{put_code}", work_xml(put_code=put_code, visibility="private"))

    assert isinstance(outcome, errors.VisibilityRefused)


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (work_xml(after_type="<work:journal-title>Out of order</work:journal-title>"), 9001),
        (work_xml(work_type="article"), 9037),
        (
            work_xml(
                date="<common:year>2023</common:year><common:month>02</common:month><common:day>30</common:day>"
            ),
            9049,
        ),
        (work_xml(self_relationship="part-of"), 9023),
        (work_xml(self_relationship="sibling-of"), 9037),
    ],
    ids=["schema", "work-type", "date", "no-self-id", "relationship"],
)
def test_a_work_orcid_cannot_accept_is_rejected_with_orcids_code_and_message(
    world: MemberWorld, document: bytes, code: int
) -> None:
    if code == 9001 and not world.api.validating:
        pytest.skip("ORCID XSDs not found (the shared/ folder beside the repository): no schema validation")
    # Documents our client never sends (it refuses such a Work itself): ORCID's answer, classified.
    caught = _raw(world, "POST", "work", document)

    assert isinstance(caught, errors.Rejected)
    assert caught.code == code
    assert caught.message.startswith("400 Bad Request:")


def test_a_blank_title_is_rejected_as_missing_when_no_schema_catches_it_first() -> None:
    with member_world(xsd_dir=None) as world:
        caught = _raw(world, "POST", "work", work_xml(title=" "))

    assert isinstance(caught, errors.Rejected)
    assert caught.code == 9022


def test_a_put_code_in_a_new_work_is_a_client_bug(world: MemberWorld) -> None:
    caught = _raw(world, "POST", "work", work_xml(put_code=5))

    assert isinstance(caught, errors.ClientBug)
    assert caught.code == 9024


def test_a_put_code_mismatch_answer_is_a_client_bug(world: MemberWorld, client: OrcidWorksClient) -> None:
    put_code = client.add_work(world.orcid, world.token, sample_work())

    outcome = _raw(world, "PUT", f"work/{put_code}", work_xml(put_code=put_code + 1))

    assert isinstance(outcome, errors.ClientBug)
    assert outcome.code == 9019


def test_a_malformed_put_code_answer_is_a_client_bug(world: MemberWorld) -> None:
    outcome = _raw(world, "GET", "work/not-a-number")

    assert isinstance(outcome, errors.ClientBug)
    assert outcome.code == 9034


def test_a_bulk_post_of_more_than_one_hundred_works_answer_is_too_many_items(world: MemberWorld) -> None:
    body = b'<bulk:bulk xmlns:bulk="http://www.orcid.org/ns/bulk">' + b"".join(
        work_xml(orbit_uuid=f"u{i}").split(b"\n", 1)[1] for i in range(101)
    )
    outcome = _raw(world, "POST", "works", body + b"</bulk:bulk>")

    assert isinstance(outcome, errors.TooManyItems)


def test_a_revoked_token_is_reported_without_the_token_in_the_exception(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    world.grant.revoked = True

    with pytest.raises(errors.TokenRevoked) as caught:
        client.add_work(world.orcid, world.token, sample_work())

    assert world.token not in f"{caught.value} {caught.value!r} {caught.value.args}"
    assert world.api.calls["POST /work"] == 1


def test_a_token_the_researcher_revoked_may_still_delete(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    put_code = client.add_work(world.orcid, world.token, sample_work())
    world.state.revoke_by_user(world.orcid, CLIENT_ID)

    client.delete_work(world.orcid, world.token, put_code)

    assert world.api.works_of(world.orcid) == []


def test_a_token_the_researcher_revoked_may_not_add(world: MemberWorld, client: OrcidWorksClient) -> None:
    world.state.revoke_by_user(world.orcid, CLIENT_ID)

    with pytest.raises(errors.TokenRevoked):
        client.add_work(world.orcid, world.token, sample_work())


def test_a_token_for_another_record_is_access_denied(world: MemberWorld, client: OrcidWorksClient) -> None:
    other, _ = world.another_researcher()

    with pytest.raises(errors.AccessDenied):
        client.add_work(other.orcid, world.token, sample_work())


def test_a_token_without_the_update_scope_is_access_denied(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    record, grant = world.another_researcher(scopes=frozenset({"/read-limited"}))

    with pytest.raises(errors.AccessDenied):
        client.add_work(record.orcid, grant.access_token, sample_work())


@pytest.mark.parametrize(
    ("make_unavailable", "reason"),
    [
        (lambda api, record: setattr(record, "locked", True), "locked"),
        (lambda api, record: api.mark_unclaimed(record.orcid), "unclaimed"),
        (lambda api, record: setattr(record, "deactivated", True), "deactivated"),
    ],
    ids=["locked", "unclaimed", "deactivated"],
)
def test_a_record_that_takes_no_writes_is_reported_unavailable_with_the_reason(
    world: MemberWorld, client: OrcidWorksClient, make_unavailable: object, reason: str
) -> None:
    assert callable(make_unavailable)
    make_unavailable(world.api, world.record)

    with pytest.raises(errors.RecordUnavailable) as caught:
        client.add_work(world.orcid, world.token, sample_work())

    assert caught.value.reason == reason


def test_a_merged_record_is_reported_with_the_id_it_was_merged_into(
    world: MemberWorld, client: OrcidWorksClient
) -> None:
    world.api.merge_record(world.orcid, "0000-0002-1825-0097")

    with pytest.raises(errors.RecordMerged) as caught:
        client.list_works(world.orcid, world.token)

    assert caught.value.new_orcid == "0000-0002-1825-0097"


def test_a_full_record_is_reported_as_too_many_works() -> None:
    with member_world(max_works=1) as world:
        client = world.client()
        client.add_work(world.orcid, world.token, sample_work(orbit_uuid="u1"))

        with pytest.raises(errors.TooManyWorks):
            client.add_work(world.orcid, world.token, sample_work(orbit_uuid="u2"))


def test_a_url_longer_than_orcid_stores_fails_as_orcid_does_with_a_server_error(world: MemberWorld) -> None:
    client = world.client(retry=RetryPolicy(max_attempts=2, max_elapsed=60.0))
    long_url = "https://orbit.dtu.dk/" + "x" * 340

    caught = _raw(world, "POST", "work", work_xml(tail=f"<common:url>{long_url}</common:url>"))
    with pytest.raises(WorkNotSendable):  # so our client never sends one
        client.add_work(world.orcid, world.token, sample_work(url=long_url))

    assert isinstance(caught, errors.Transient)
    assert caught.error_code == 9008
    assert world.api.calls["POST /work"] == 1


def test_calls_beyond_the_burst_are_answered_503_and_retried_until_the_bucket_refills(
    world: MemberWorld,
) -> None:
    client = world.client()
    for _ in range(40):
        client.list_works(world.orcid, world.token)

    client.list_works(world.orcid, world.token)

    assert world.api.calls["GET /works"] == 42  # the 41st was refused, then retried after a backoff
    assert len(world.clock.sleeps) == 1


def test_a_paced_client_never_meets_the_rate_limit(world: MemberWorld) -> None:
    client = world.client(paced=True)

    for _ in range(100):
        client.list_works(world.orcid, world.token)

    assert world.api.calls["GET /works"] == 100
    assert len(world.clock.sleeps) == 60  # everything past the burst of 40 waited its turn
