"""Helpers for the ORCID member API tests: works and their documents, a fake clock, and a stand-in served
on loopback. The client takes `sample_work(...)`; `work_xml(...)` documents go to the stand-in over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from infra.orcid_standin.member_api import MemberApiStandIn
from infra.orcid_standin.schemas import DEFAULT_XSD_DIR
from infra.orcid_standin.serve import serve_in_thread
from infra.orcid_standin.state import Record, StandInState, TokenGrant
from orcid_sync.orcid.client import OrcidWorksClient
from orcid_sync.orcid.pacing import RetryPolicy, TokenBucket
from orcid_sync.orcid.work import ExternalId, PublicationDate, Work

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CLIENT_ID = "APP-DTUORBITSYNC0001"
OTHER_CLIENT_ID = "APP-SOMEOTHERCLIENT1"
SCOPES = frozenset({"/read-limited", "/activities/update"})


def work_xml(
    title: str = "Wind turbine wakes",
    orbit_uuid: str = "0b6e1d2c-0000-4000-8000-000000000001",
    *,
    doi: str | None = None,
    work_type: str = "journal-article",
    date: str = "<common:year>2021</common:year><common:month>02</common:month>",
    put_code: int | None = None,
    visibility: str | None = None,
    extra_ids: str = "",
    after_type: str = "",
    tail: str = "",
    self_relationship: str = "self",
) -> bytes:
    """A small `work:work` document; keyword arguments bend it into what a test needs."""
    attributes = ""
    if put_code is not None:
        attributes += f' put-code="{put_code}"'
    if visibility is not None:
        attributes += f' visibility="{visibility}"'
    doi_id = (
        "<common:external-id><common:external-id-type>doi</common:external-id-type>"
        f"<common:external-id-value>{doi}</common:external-id-value>"
        f"<common:external-id-url>https://doi.org/{doi}</common:external-id-url>"
        "<common:external-id-relationship>self</common:external-id-relationship></common:external-id>"
        if doi
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<work:work xmlns:common="http://www.orcid.org/ns/common" xmlns:work="http://www.orcid.org/ns/work"'
        f"{attributes}>"
        f"<work:title><common:title>{title}</common:title></work:title>"
        f"<work:type>{work_type}</work:type>{after_type}"
        f"<common:publication-date>{date}</common:publication-date>"
        "<common:external-ids><common:external-id>"
        "<common:external-id-type>source-work-id</common:external-id-type>"
        f"<common:external-id-value>{orbit_uuid}</common:external-id-value>"
        f"<common:external-id-relationship>{self_relationship}</common:external-id-relationship>"
        f"</common:external-id>{doi_id}{extra_ids}</common:external-ids>{tail}"
        "</work:work>"
    ).encode()


def sample_work(
    title: str = "Wind turbine wakes",
    orbit_uuid: str = "0b6e1d2c-0000-4000-8000-000000000001",
    *,
    doi: str | None = None,
    language_code: str | None = None,
    url: str | None = None,
) -> Work:
    """The `Work` the client sends for `work_xml`'s document (same title, type, date and identifiers)."""
    ids = [ExternalId(type="source-work-id", value=orbit_uuid, relationship="self")]
    if doi:
        ids.append(ExternalId(type="doi", value=doi, url=f"https://doi.org/{doi}", relationship="self"))
    return Work(
        title=title,
        type="journal-article",
        publication_date=PublicationDate(year=2021, month=2),
        external_ids=tuple(ids),
        url=url,
        language_code=language_code,
    )


class FakeClock:
    """Time that moves only when someone sleeps; records every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class MemberWorld:
    """One stand-in on loopback with one researcher who granted our client both scopes."""

    state: StandInState
    api: MemberApiStandIn
    base_url: str
    record: Record
    grant: TokenGrant
    clock: FakeClock
    stops: list[Callable[[], None]] = field(default_factory=list)

    @property
    def orcid(self) -> str:
        return self.record.orcid

    @property
    def token(self) -> str:
        return self.grant.access_token

    def client(
        self,
        *,
        retry: RetryPolicy | None = None,
        timeout: tuple[float, float] = (2.0, 5.0),
        paced: bool = False,
    ) -> OrcidWorksClient:
        """Our client on the fake clock; unpaced (a huge bucket) unless `paced`."""
        pacer = TokenBucket(clock=self.clock, sleep=self.clock.sleep) if paced else TokenBucket(1e9, 10**9)
        return OrcidWorksClient(
            f"{self.base_url}/v3.0",
            CLIENT_ID,
            timeout=timeout,
            pacer=pacer,
            retry=retry or RetryPolicy(max_attempts=4, max_elapsed=60.0),
            clock=self.clock,
            sleep=self.clock.sleep,
        )

    def another_researcher(self, scopes: frozenset[str] = SCOPES) -> tuple[Record, TokenGrant]:
        record = self.state.add_record("Niels", "Bohr")
        return record, self.state.issue_token(record.orcid, CLIENT_ID, scopes)


@contextmanager
def member_world(*, xsd_dir: Path | None = DEFAULT_XSD_DIR, max_works: int = 10_000) -> Iterator[MemberWorld]:
    """A fresh stand-in (rate limit on a fake clock that only moves when the client sleeps)."""
    state = StandInState()
    clock = FakeClock()
    api = MemberApiStandIn(state, xsd_dir=xsd_dir, clock=clock, max_works=max_works)
    record = state.add_record("Sofie", "Kjær Nielsen", "sokn@dtu.dk")
    grant = state.issue_token(record.orcid, CLIENT_ID, SCOPES)
    base_url, stop = serve_in_thread(api)
    try:
        yield MemberWorld(state, api, base_url, record, grant, clock)
    finally:
        api.release_held()
        stop()
