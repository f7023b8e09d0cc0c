"""The sync worker's service: one job (one output, or a researcher's whole record) → plan → ORCID → links.

Truth comes from Orbit, memory from work links, and — for a full sync or a conflict — the actual state
from ORCID's `GET /works` (our items only). Every write comes from the planner's diff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from orcid_sync.jobs.sync_jobs import JobKind, SyncJob
from orcid_sync.observability import logger
from orcid_sync.orbit.eligibility import check_eligibility
from orcid_sync.orbit.publication import Publication
from orcid_sync.orbit.research_outputs import OrbitResearchOutputs
from orcid_sync.orcid.client import OrcidWorksClient
from orcid_sync.orcid.errors import OrcidError, RecordUnavailable, TokenRevoked, Transient
from orcid_sync.orcid.work import Work, WorkNotSendable
from orcid_sync.orcid.work_builder import work_from_publication
from orcid_sync.orcid.work_xml import content_hash
from orcid_sync.store.consents import Consent, ConsentStatus, ConsentStore, SyncSummary
from orcid_sync.store.token_cipher import TokenCipher
from orcid_sync.store.work_links import WorkLinkStore
from orcid_sync.sync.apply import PlanRunner, RunCounts, source_work_id
from orcid_sync.sync.planner import DesiredWork, OrcidItem, plan_sync


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class JobResult:
    person_id: str
    counts: RunCounts = field(default_factory=RunCounts)
    skipped: str | None = None  # why nothing was done
    problem: str | None = None  # what stopped the run (revoked, record locked)


@dataclass(frozen=True)
class DesiredState:
    desired: dict[str, DesiredWork]
    works: dict[str, Work]
    unbuildable: dict[str, str]  # publication → why its work could not be built


@dataclass
class SyncService:
    consents: ConsentStore
    links: WorkLinkStore
    cipher: TokenCipher
    orcid: OrcidWorksClient
    orbit: OrbitResearchOutputs
    max_contributors: int = 50
    clock: Callable[[], datetime] = _utcnow

    def run(self, job: SyncJob) -> JobResult:
        """Run one job. Raises Transient (and OrbitUnavailable) so the job goes back to the queue."""
        consent = self.consents.get(job.person_id)
        if consent is None or consent.status is not ConsentStatus.ACTIVE or consent.access_token is None:
            logger.info("sync job dropped: no active consent", extra={"person_id": job.person_id})
            return JobResult(job.person_id, skipped="no active consent")
        assert consent.orcid is not None  # an active consent always names its iD
        token = self.cipher.decrypt(job.person_id, consent.access_token)
        runner = PlanRunner(
            person_id=job.person_id,
            orcid_id=consent.orcid,
            token=token,
            client=self.orcid,
            links=self.links,
            clock=self.clock,
        )
        try:
            if job.kind is JobKind.FULL:
                on_orcid = self._full(job, consent, runner)
            else:
                assert job.publication_id is not None
                self._one(job.publication_id, consent, runner)
                on_orcid = None
        except TokenRevoked:
            self._record(consent, runner.counts, None, "revoked", revoked=True)
            logger.info(
                "consent revoked at ORCID; researcher's jobs stop", extra={"person_id": job.person_id}
            )
            return JobResult(job.person_id, runner.counts, problem="revoked")
        except RecordUnavailable as exc:
            self._record(consent, runner.counts, None, f"record {exc.reason}")
            logger.warning(
                "ORCID record takes no writes", extra={"person_id": job.person_id, "why": exc.reason}
            )
            return JobResult(job.person_id, runner.counts, problem=f"record {exc.reason}")
        except Transient:
            raise
        except OrcidError as exc:
            # A refusal that no retry can fix (a bug on our side, a token without the right scope):
            # report it on the status page and in the logs instead of retrying into the dead-letter queue.
            refusal = f"ORCID refused the sync: {exc.message}"
            self._record(consent, runner.counts, None, refusal)
            logger.error("ORCID refused the sync", extra={"person_id": job.person_id, "code": exc.error_code})
            return JobResult(job.person_id, runner.counts, problem=refusal)
        if job.kind is JobKind.FULL:
            problem = runner.counts.problem_text()
            self._record(consent, runner.counts, on_orcid, problem)
        return JobResult(job.person_id, runner.counts)

    # --- the two kinds of job ----------------------------------------------------------------------
    def _one(self, publication_id: str, consent: Consent, runner: PlanRunner) -> None:
        publication = self.orbit.get(publication_id)
        state = self._desired(consent, [publication] if publication else [])
        link = self.links.get(consent.person_id, publication_id)
        plan = plan_sync(
            state.desired,
            {publication_id: link} if link else {},
            None,
            scope=[publication_id],
            keep=list(state.unbuildable),
        )
        runner.run(plan, state.desired, state.works)

    def _full(self, job: SyncJob, consent: Consent, runner: PlanRunner) -> int:
        state = self._desired(consent, self.orbit.of_person(consent.person_id))
        remembered = self.links.of_person(consent.person_id)
        ours = runner.our_works()
        actual = {summary.put_code: OrcidItem(summary.put_code, source_work_id(summary)) for summary in ours}
        runner.counts.private = sum(1 for summary in ours if (summary.visibility or "").lower() == "private")
        plan = plan_sync(
            state.desired, remembered, actual, keep=list(state.unbuildable), restore=job.reason == "restore"
        )
        runner.run(plan, state.desired, state.works)
        runner.counts.rejected_reasons.update(state.unbuildable)
        return len(actual) + runner.counts.created - runner.counts.deleted

    def _desired(self, consent: Consent, publications: list[Publication]) -> DesiredState:
        desired: dict[str, DesiredWork] = {}
        works: dict[str, Work] = {}
        unbuildable: dict[str, str] = {}
        for publication in publications:
            pid = publication.uuid.lower()
            if not check_eligibility(publication).eligible or not _is_author(publication, consent.person_id):
                continue
            try:
                build = work_from_publication(
                    publication,
                    person_uuid=consent.person_id,
                    orcid_id=consent.orcid,
                    max_contributors=self.max_contributors,
                )
            except WorkNotSendable as exc:
                unbuildable[pid] = exc.reason
                continue
            works[pid] = build.work
            desired[pid] = DesiredWork(pid, content_hash(build.work))
        return DesiredState(desired, works, unbuildable)

    def _record(
        self,
        consent: Consent,
        counts: RunCounts,
        on_orcid: int | None,
        problem: str | None,
        revoked: bool = False,
    ) -> None:
        now = self.clock()
        summary = SyncSummary(
            last_run_at=now,
            on_orcid=on_orcid if on_orcid is not None else (consent.sync.on_orcid if consent.sync else 0),
            created=counts.created,
            updated=counts.updated,
            deleted=counts.deleted,
            failed=counts.failed,
            problem=problem,
        )
        current = self.consents.get(consent.person_id) or consent
        if revoked:
            updated = current.with_event("revoked", now, status=ConsentStatus.REVOKED, sync=summary)
        else:
            updated = current.model_copy(update={"sync": summary})
        self.consents.put(updated)


def _is_author(publication: Publication, person_id: str) -> bool:
    return any((author.person_uuid or "").lower() == person_id.lower() for author in publication.authors)
