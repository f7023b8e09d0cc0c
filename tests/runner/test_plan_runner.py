"""Carrying out plans: every action against the real ORCID stand-in on loopback, links in moto's DynamoDB.

Fast on purpose (no local stack): `make mutation` runs these against every mutant of sync/apply.py.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from infra.orcid_standin.work_input import ExternalId as StoredId
from infra.orcid_standin.work_input import WorkDocument
from orcid_sync.domain.errors import TryLater
from orcid_sync.domain.links import LinkState, WorkLink
from orcid_sync.orcid.errors import TokenRevoked
from orcid_sync.orcid.summaries import SummaryExternalId, WorkSummary
from orcid_sync.orcid.work import ExternalId, Work
from orcid_sync.orcid.work_xml import content_hash
from orcid_sync.store.work_links import WorkLinkStore
from orcid_sync.sync.apply import PlanRunner, source_work_id
from orcid_sync.sync.planner import Action, ActionKind, DesiredWork, SyncPlan
from tests.integration.member_fixtures import CLIENT_ID, OTHER_CLIENT_ID, MemberWorld, member_world

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def work(pid: str, title: str = "A work", doi: str | None = None) -> Work:
    ids = [ExternalId(type="source-work-id", value=pid, relationship="self")]
    if doi:
        ids.append(ExternalId(type="doi", value=doi, url=f"https://doi.org/{doi}", relationship="self"))
    return Work(title=title, type="journal-article", external_ids=tuple(ids))


@pytest.fixture(scope="module")
def world() -> Iterator[MemberWorld]:
    with member_world() as running:
        yield running


@pytest.fixture(scope="module")
def links() -> Iterator[WorkLinkStore]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-north-1")
        client.create_table(
            TableName="links",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "person_id", "AttributeType": "S"},
                {"AttributeName": "publication_id", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "person_id", "KeyType": "HASH"},
                {"AttributeName": "publication_id", "KeyType": "RANGE"},
            ],
        )
        yield WorkLinkStore("links", client=client)


class Runs:
    """Plans carried out for one new researcher, with their works and hashes."""

    def __init__(self, world: MemberWorld, links: WorkLinkStore) -> None:
        self.world, self.links = world, links
        self.record, self.grant = world.another_researcher()
        self.person = str(uuid.uuid4())
        self.works: dict[str, Work] = {}
        self.tokens_used = 0
        self._calls_at_start = Counter(world.api.calls)

    @property
    def orcid(self) -> str:
        return self.record.orcid

    @property
    def calls(self) -> Counter[str]:
        """ORCID calls since this researcher's first run."""
        return Counter(self.world.api.calls) - self._calls_at_start

    def want(self, *works: Work) -> dict[str, DesiredWork]:
        for each in works:
            pid = next(i.value for i in each.external_ids if i.type == "source-work-id")
            self.works[pid] = each
        return {pid: DesiredWork(pid, content_hash(w)) for pid, w in self.works.items()}

    def runner(self) -> PlanRunner:
        def token() -> str:
            self.tokens_used += 1
            return self.grant.access_token

        return PlanRunner(
            person_id=self.person,
            orcid_id=self.orcid,
            token_source=token,
            client=self.world.client(),
            links=self.links,
            clock=lambda: NOW,
        )

    def run(self, *actions: Action) -> PlanRunner:
        runner = self.runner()
        desired = {pid: DesiredWork(pid, content_hash(w)) for pid, w in self.works.items()}
        runner.run(SyncPlan(tuple(actions)), desired, self.works)
        return runner

    def on_orcid(self) -> dict[int, str | None]:
        return {
            w.put_code: next((i.value for i in w.document.external_ids if i.type == "source-work-id"), None)
            for w in self.world.api.works_of(self.orcid)
        }

    def titles(self) -> list[str]:
        return [w.document.title for w in self.world.api.works_of(self.orcid)]

    def link(self, pid: str) -> WorkLink | None:
        return self.links.get(self.person, pid)


@pytest.fixture
def runs(world: MemberWorld, links: WorkLinkStore) -> Runs:
    return Runs(world, links)


def create(pid: str) -> Action:
    return Action(ActionKind.CREATE, pid)


def test_one_create_posts_one_work_and_links_it_for_this_id(runs: Runs) -> None:
    runs.want(work("a"))

    runner = runs.run(create("a"))

    ((put_code, source),) = runs.on_orcid().items()
    assert source == "a"
    link = runs.link("a")
    assert link is not None and link.state is LinkState.SYNCED and link.put_code == put_code
    assert link.orcid == runs.orcid and link.content_hash == content_hash(runs.works["a"])
    assert runner.counts.created == 1 and runs.calls.get("POST /work", 0) == 1


def test_several_creates_go_in_one_bulk_call_and_each_is_linked(runs: Runs) -> None:
    runs.want(work("a"), work("b"), work("c"))

    runner = runs.run(create("a"), create("b"), create("c"))

    assert sorted(runs.on_orcid().values()) == ["a", "b", "c"]
    assert runs.calls.get("POST /works", 0) == 1 and "POST /work" not in runs.calls
    for pid, put_code in {s: pc for pc, s in runs.on_orcid().items()}.items():
        link = runs.link(pid)
        assert link is not None and link.put_code == put_code and link.state is LinkState.SYNCED
    assert runner.counts.created == 3


def test_an_update_puts_the_new_version_under_the_same_put_code(runs: Runs) -> None:
    runs.want(work("a", "Old title"))
    runs.run(create("a"))
    put_code = next(iter(runs.on_orcid()))
    runs.want(work("a", "New title"))

    runner = runs.run(Action(ActionKind.UPDATE, "a", put_code))

    assert runs.titles() == ["New title"]
    link = runs.link("a")
    assert link is not None and link.content_hash == content_hash(runs.works["a"])
    assert runner.counts.updated == 1 and runner.counts.adopted == 0


def test_an_update_of_a_work_the_researcher_deleted_marks_it_removed(runs: Runs) -> None:
    runs.want(work("a"))
    runs.run(create("a"))
    put_code = next(iter(runs.on_orcid()))
    runs.world.api.delete_as_researcher(runs.orcid, put_code)

    runner = runs.run(Action(ActionKind.UPDATE, "a", put_code))

    link = runs.link("a")
    assert link is not None and link.state is LinkState.REMOVED_BY_RESEARCHER and link.put_code is None
    assert runs.on_orcid() == {} and runner.counts.removed_by_researcher == 1


def test_an_update_of_a_put_code_that_is_not_ours_forgets_the_link_and_touches_nothing(runs: Runs) -> None:
    theirs = runs.world.api.add_work_as(runs.orcid, OTHER_CLIENT_ID, WorkDocument("Theirs", "book"))
    runs.want(work("a"))

    runs.run(Action(ActionKind.UPDATE, "a", theirs.put_code))

    assert runs.link("a") is None
    assert runs.titles() == ["Theirs"]


def test_adopting_records_the_put_code_and_brings_the_work_up_to_date(runs: Runs) -> None:
    runs.want(work("a", "Old title"))
    runs.run(create("a"))
    put_code = next(iter(runs.on_orcid()))
    runs.links.delete(runs.person, "a")  # the answer was lost: ORCID has it, we do not know
    runs.want(work("a", "New title"))

    runner = runs.run(Action(ActionKind.ADOPT, "a", put_code))

    link = runs.link("a")
    assert link is not None and link.put_code == put_code and link.state is LinkState.SYNCED
    assert link.content_hash == content_hash(runs.works["a"])
    assert runs.titles() == ["New title"]
    assert runner.counts.adopted == 1 and runner.counts.updated == 0


def test_a_delete_removes_the_work_and_forgets_the_link(runs: Runs) -> None:
    runs.want(work("a"), work("b"))
    runs.run(create("a"), create("b"))
    put_code = next(pc for pc, s in runs.on_orcid().items() if s == "a")

    runner = runs.run(Action(ActionKind.DELETE, "a", put_code))

    assert list(runs.on_orcid().values()) == ["b"]
    assert runs.link("a") is None and runs.link("b") is not None
    assert runner.counts.deleted == 1 and runner.deleted == {put_code}


def test_a_delete_of_a_work_already_gone_counts_as_done(runs: Runs) -> None:
    runs.want(work("a"))
    runs.run(create("a"))
    put_code = next(iter(runs.on_orcid()))
    runs.world.api.delete_as_researcher(runs.orcid, put_code)

    runs.run(Action(ActionKind.DELETE, "a", put_code))

    assert runs.link("a") is None


def test_a_delete_of_someone_elses_put_code_deletes_nothing(runs: Runs) -> None:
    theirs = runs.world.api.add_work_as(runs.orcid, OTHER_CLIENT_ID, WorkDocument("Theirs", "book"))

    runs.run(Action(ActionKind.DELETE, "a", theirs.put_code))

    assert runs.titles() == ["Theirs"]


def test_mark_removed_and_forget_call_no_one_and_decrypt_no_token(runs: Runs) -> None:
    runs.want(work("a"), work("b"))
    runs.run(create("a"), create("b"))
    calls, tokens = runs.calls, runs.tokens_used

    runner = runs.run(Action(ActionKind.MARK_REMOVED, "a", 5), Action(ActionKind.FORGET, "b"))

    link = runs.link("a")
    assert link is not None and link.state is LinkState.REMOVED_BY_RESEARCHER and link.put_code is None
    assert runs.link("b") is None
    assert runs.calls == calls and runs.tokens_used == tokens
    assert runner.counts.removed_by_researcher == 1


def test_a_create_ORCID_already_holds_from_us_is_adopted_not_duplicated(runs: Runs) -> None:
    runs.want(work("a", "Old title", doi="10.1/x"))
    runs.run(create("a"))
    runs.links.delete(runs.person, "a")
    runs.want(work("a", "New title", doi="10.1/x"))

    runner = runs.run(create("a"))

    assert list(runs.on_orcid().values()) == ["a"]
    assert runs.titles() == ["New title"]
    link = runs.link("a")
    assert link is not None and link.state is LinkState.SYNCED and runner.counts.adopted == 1


def test_two_outputs_with_one_doi_are_recorded_as_duplicates_and_only_one_is_pushed(runs: Runs) -> None:
    runs.want(work("a", doi="10.1/same"))
    runs.run(create("a"))
    runs.want(work("b", doi="10.1/same"))

    runner = runs.run(create("b"))

    assert list(runs.on_orcid().values()) == ["a"]
    duplicate = runs.link("b")
    assert (
        duplicate is not None and duplicate.state is LinkState.DUPLICATE_OF and duplicate.duplicate_of == "a"
    )
    assert duplicate.put_code is None and duplicate.content_hash == content_hash(runs.works["b"])
    holder = runs.link("a")
    assert holder is not None and holder.state is LinkState.SYNCED and "b" in (holder.message or "")
    assert runner.counts.duplicates == 1 and runner.counts.created == 0


def test_duplicates_in_a_bulk_call_are_recorded_and_the_rest_created(runs: Runs) -> None:
    runs.want(work("a", doi="10.1/same"))
    runs.run(create("a"))
    runs.want(work("b", doi="10.1/same"), work("c"))

    runner = runs.run(create("b"), create("c"))

    assert sorted(runs.on_orcid().values()) == ["a", "c"]
    link_b = runs.link("b")
    assert link_b is not None and link_b.state is LinkState.DUPLICATE_OF
    assert runner.counts.created == 1 and runner.counts.duplicates == 1


def test_a_work_orcid_refuses_is_recorded_with_its_message(runs: Runs) -> None:
    refused = work("a", "Refused")
    runs.want(refused)
    runs.world.api.faults.fail_next(400)  # a refusal no retry fixes

    runner = runs.run(create("a"))

    link = runs.link("a")
    assert link is not None and link.state is LinkState.REJECTED and link.message
    assert link.put_code is None and link.content_hash == content_hash(refused)
    assert runs.on_orcid() == {} and runner.counts.failed == 1


def test_a_revoked_token_stops_the_run(runs: Runs) -> None:
    runs.want(work("a"), work("b"))
    runs.world.state.revoke_by_user(runs.orcid, CLIENT_ID)

    with pytest.raises(TokenRevoked):
        runs.run(create("a"), create("b"))

    assert runs.link("a") is None and runs.link("b") is None


def test_our_works_are_read_once_per_run(runs: Runs) -> None:
    runs.want(work("a"))
    runs.run(create("a"))
    runner = runs.runner()
    before = runs.calls.get("GET /activities", 0)

    first, second = runner.our_works(), runner.our_works()

    assert [source_work_id(s) for s in first] == ["a"] and first == second
    assert runs.calls.get("GET /activities", 0) == before + 1


def test_legacy_works_have_no_source_work_id(runs: Runs) -> None:
    runs.world.api.add_work_as(
        runs.orcid,
        CLIENT_ID,
        WorkDocument("Legacy", "book", external_ids=(StoredId("doi", "10.1/l", None, "self"),)),
    )

    assert [source_work_id(s) for s in runs.runner().our_works()] == [None]


# --- pinned by mutation testing of sync/apply.py ---------------------------------------------------


def test_more_than_a_hundred_creates_go_in_chunks_and_all_are_linked(runs: Runs) -> None:
    runs.want(*(work(f"p{n:03d}") for n in range(130)))

    runner = runs.run(*(create(f"p{n:03d}") for n in range(130)))

    assert runs.calls.get("POST /works", 0) == 2
    assert len(runs.on_orcid()) == 130 and runner.counts.created == 130
    assert all(runs.link(f"p{n:03d}") is not None for n in (0, 99, 100, 129))


def test_a_duplicate_is_recorded_whichever_way_the_two_outputs_sort(runs: Runs) -> None:
    runs.want(work("z", doi="10.1/same"))
    runs.run(create("z"))
    runs.want(work("a", doi="10.1/same"))

    runner = runs.run(create("a"))

    assert list(runs.on_orcid().values()) == ["z"]
    duplicate = runs.link("a")
    assert duplicate is not None and duplicate.state is LinkState.DUPLICATE_OF
    assert runner.counts.duplicates == 1 and runner.counts.adopted == 0


def test_an_adoption_is_recorded_before_the_put_so_a_failure_cannot_lose_it(runs: Runs) -> None:
    runs.want(work("a"))
    runs.run(create("a"))
    put_code = next(iter(runs.on_orcid()))
    runs.links.delete(runs.person, "a")
    runs.world.api.faults.fail_next(*([503] * 4))  # as many as the client tries (max_attempts=4)

    with pytest.raises(TryLater):
        runs.run(Action(ActionKind.ADOPT, "a", put_code))

    link = runs.link("a")
    assert link is not None and link.put_code == put_code and link.content_hash is None


def test_an_update_orcid_refuses_is_recorded_as_refused(runs: Runs) -> None:
    runs.want(work("a", "Old title"))
    runs.run(create("a"))
    put_code = next(iter(runs.on_orcid()))
    runs.want(work("a", "New title"))
    runs.world.api.faults.fail_next(400)

    runner = runs.run(Action(ActionKind.UPDATE, "a", put_code))

    link = runs.link("a")
    assert link is not None and link.state is LinkState.REJECTED and link.put_code == put_code
    assert runner.counts.failed == 1 and runs.titles() == ["Old title"]


def test_the_runner_never_shows_its_token(runs: Runs) -> None:
    runner = runs.runner()
    runner.our_works()

    assert runs.grant.access_token not in repr(runner)


def test_two_new_outputs_with_one_doi_in_one_bulk_call_are_a_duplicate_not_a_refusal(runs: Runs) -> None:
    desired = runs.want(work("a", doi="10.1/twice"), work("b", doi="10.1/twice"))
    runner = runs.runner()
    runner.our_works()  # a full sync reads the record first: the bulk's own work is not in that read

    runner.run(SyncPlan((create("a"), create("b"))), desired, runs.works)

    assert list(runs.on_orcid().values()) == ["a"]
    duplicate = runs.link("b")
    assert (
        duplicate is not None and duplicate.state is LinkState.DUPLICATE_OF and duplicate.duplicate_of == "a"
    )
    assert runner.counts.duplicates == 1 and runner.counts.failed == 0


def test_only_a_source_work_id_names_our_output_not_an_identifier_of_another_type() -> None:
    legacy_with_uri = WorkSummary(
        put_code=1,
        external_ids=(SummaryExternalId(type="uri", value="https://orbit.dtu.dk/x", relationship="self"),),
    )

    assert source_work_id(legacy_with_uri) is None
