"""Researchers, Orbit outputs and consents on the local stack, made quickly and the same way every run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from infra.local.browser import Browser
from infra.local.stack import LOCAL_CLIENT_ID, LocalStack
from infra.orbit_standin.outputs import Author, ResearchOutput
from infra.orbit_standin.people import Researcher
from orcid_sync.jobs.sync_jobs import SyncJob, SyncJobQueue, consent_job
from orcid_sync.orcid.oauth import REQUIRED_SCOPES
from orcid_sync.store.consents import Consent, ConsentStatus, ConsentStore
from orcid_sync.store.token_cipher import TokenCipher

CO_AUTHORS = (("Anna", "Schmidt"), ("Wei", "Zhang"), ("Luca", "Rossi"), ("Maria", "García"))


@dataclass(frozen=True)
class Seeded:
    researcher: Researcher
    orcid: str
    outputs: tuple[ResearchOutput, ...]


def new_researcher(stack: LocalStack, number: int) -> Researcher:
    person = str(uuid.uuid4())
    researcher = Researcher(
        person, "Ida", f"Holm {number}", f"{900000 + number}", f"ida.holm{number}@dtu.dk", "DTU Wind"
    )
    stack.orbit.researchers[person] = researcher
    return researcher


def article(researcher: Researcher, number: int) -> ResearchOutput:
    """A public, validated journal article by the researcher and two external co-authors."""
    output_uuid = str(uuid.uuid4())
    first, second = CO_AUTHORS[number % 4], CO_AUTHORS[(number + 1) % 4]
    return ResearchOutput(
        uuid=output_uuid,
        group="contributiontojournal",
        subtype="article",
        title_en=f"Wind farm wakes in complex terrain, part {number + 1}",
        year=2015 + number % 11,
        month=1 + number % 12,
        authors=(
            Author(None, *first),
            Author(researcher.uuid, researcher.given_names, researcher.family_names),
            Author(None, *second),
        ),
        doi=f"10.11581/dtu.{output_uuid[:8]}",
        journal_title="Wind Energy",
        issn="1095-4244",
        abstract_html="<p>We measure <em>wake losses</em> with lidars and compare them with models.</p>",
        volume=str(1 + number % 30),
    )


def with_outputs(stack: LocalStack, researcher: Researcher, count: int) -> tuple[ResearchOutput, ...]:
    return tuple(stack.orbit.put_output(article(researcher, number)) for number in range(count))


def connect_in_browser(stack: LocalStack, researcher: Researcher) -> str:
    """The consent flow as a person walks it (which queues the first full sync); returns the iD."""
    record = stack.orcid.state.add_record(researcher.given_names, researcher.family_names, researcher.email)
    page = Browser(stack).sign_in(researcher.uuid).connect_fully(record.orcid)
    if page.status_code != 200:
        raise RuntimeError(f"connecting {researcher.uuid} answered {page.status_code}")
    return record.orcid


def consent_directly(stack: LocalStack, cipher: TokenCipher, researcher: Researcher) -> tuple[str, SyncJob]:
    """What the callback stores, without the browser: an ORCID grant, the encrypted consent, its job.

    The 500-researcher benchmark seeds consents this way (the consent flow is not what it measures);
    the job is the one the callback queues.
    """
    record = stack.orcid.state.add_record(researcher.given_names, researcher.family_names, researcher.email)
    grant = stack.orcid.state.issue_token(record.orcid, LOCAL_CLIENT_ID, REQUIRED_SCOPES)
    now = datetime.now(UTC)
    consent = Consent(
        person_id=researcher.uuid,
        status=ConsentStatus.ACTIVE,
        orcid=record.orcid,
        name=f"{researcher.given_names} {researcher.family_names}",
        scopes=REQUIRED_SCOPES,
        access_token=cipher.encrypt(researcher.uuid, grant.access_token),
        granted_at=now,
        changed_at=now,
    ).with_event("connected", now)
    ConsentStore(stack.resources.refs["ConsentsTable"]).create(consent)
    return record.orcid, consent_job(researcher.uuid, now)


def seed_connected(stack: LocalStack, researchers: int, outputs_each: int) -> list[Seeded]:
    """`researchers` consenting researchers with `outputs_each` outputs each; their first syncs queued."""
    cipher = TokenCipher(stack.resources.refs["TokenKey"])
    seeded: list[Seeded] = []
    jobs: list[SyncJob] = []
    for number in range(researchers):
        researcher = new_researcher(stack, number)
        outputs = with_outputs(stack, researcher, outputs_each)
        orcid, job = consent_directly(stack, cipher, researcher)
        seeded.append(Seeded(researcher, orcid, outputs))
        jobs.append(job)
    SyncJobQueue(stack.resources.queue_urls["SyncJobsQueue"]).enqueue_many(jobs)
    return seeded
