"""The sync worker's service: one job (one output, or a researcher's whole record) → plan → ORCID → links.

Truth comes from Orbit, memory from work links, and — for a full sync or a conflict — the actual state
from ORCID's `GET /activities` (our items only). Every write comes from the planner's diff. Only what Orbit
positively says it no longer wants is deleted: an answer that is missing, cut short or unreadable keeps
the works as they are and is reported. After every job the consent's summary is rebuilt from the links,
with a write that cannot undo a disconnect or a reconnect that happened meanwhile.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from orcid_sync.jobs.sync_jobs import JobKind, SyncJob, resync_job
from orcid_sync.observability import logger
from orcid_sync.orbit.http import OrbitUnavailable
from orcid_sync.orbit.publication import Publication
from orcid_sync.orbit.pure_json import MalformedResearchOutput
from orcid_sync.orbit.research_outputs import OrbitResearchOutputs, PersonOutputs, PersonOutputsUnknown
from orcid_sync.orcid.client import OrcidWorksClient
from orcid_sync.orcid.errors import (
    OrcidError,
    RecordMerged,
    RecordUnavailable,
    TokenRevoked,
    Transient,
)
from orcid_sync.orcid.summaries import WorkSummary
from orcid_sync.store.consents import Consent, ConsentStatus, ConsentStore
from orcid_sync.store.token_cipher import TokenCipher
from orcid_sync.store.work_links import LinkState, WorkLink, WorkLinkStore
from orcid_sync.sync.apply import PlanRunner, RunCounts, source_work_id
from orcid_sync.sync.choices import unwanted_by_choice, why_not_run
from orcid_sync.sync.desired import DesiredBuilder, DesiredState, self_id_keys
from orcid_sync.sync.employment_jobs import EmploymentSync, with_affiliations
from orcid_sync.sync.freshness import already_holds, mapping_stamp
from orcid_sync.sync.outputs import OutputProblem, OutputRecorder
from orcid_sync.sync.planner import (
    DeletionLimits,
    OrcidItem,
    SyncPlan,
    hold_mass_deletion,
    plan_sync,
)
from orcid_sync.sync.summary import RunProblem, RunReport, summarize

# Jobs someone asked for (the researcher, an operator): every output is rebuilt, none taken as unchanged.
_REBUILD_ALL = frozenset({"resync", "restore"})


# The outputs lists read ahead while a job reads the person's staff record (SyncService._read_ahead):
# one at a time per job, so at most one per researcher the worker runs at once (10 in a batch).
READS_AHEAD_AT_ONCE = 10


def _reads_ahead() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=READS_AHEAD_AT_ONCE, thread_name_prefix="orbit-read-ahead")


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class JobResult:
    person_id: str
    counts: RunCounts = field(default_factory=RunCounts)
    skipped: str | None = None  # why nothing was done
    problem: str | None = None  # what stopped or limited the run, by RunProblem code


@dataclass(frozen=True)
class FullPlan:
    plan: SyncPlan
    state: DesiredState
    actual: dict[int, OrcidItem]
    titles: dict[str, str]  # Orbit output → its title, for people reading the plan
    listed: PersonOutputs | None = None
    remembered: dict[str, WorkLink] = field(default_factory=dict)  # the links the plan was made from


@dataclass(frozen=True)
class Preview:
    """A dry run: the plan a full sync would carry out now (None when Orbit could not list the outputs)."""

    orcid: str
    planned: FullPlan | None
    report: RunReport


class NoActiveConsent(LookupError):
    """The researcher has no active consent: there is nothing to plan."""


@dataclass
class SyncService:
    consents: ConsentStore
    links: WorkLinkStore
    cipher: TokenCipher
    orcid: OrcidWorksClient
    orbit: OrbitResearchOutputs
    max_contributors: int = 50
    deletion_limits: DeletionLimits = field(default_factory=DeletionLimits)
    clock: Callable[[], datetime] = _utcnow
    affiliations: EmploymentSync | None = None
    # Keeps the status page's per-output list (output_states) in step; None: not kept (some tests).
    outputs: OutputRecorder | None = None
    # Each service its own readers (threads start on the first read): one per Lambda environment.
    reads_ahead: ThreadPoolExecutor = field(default_factory=_reads_ahead, repr=False)

    def run(self, job: SyncJob) -> JobResult:
        """Run one job. Raises Transient (and OrbitUnavailable) so the job goes back to the queue."""
        consent = self.consents.get(job.person_id)
        if consent is None or consent.status is not ConsentStatus.ACTIVE or consent.access_token is None:
            logger.info("sync job dropped: no active consent", extra={"person_id": job.person_id})
            return JobResult(job.person_id, skipped="no active consent")
        assert consent.orcid is not None  # an active consent always names its iD
        skip = why_not_run(consent, job) or self._already_pushed(job, consent)
        if skip is not None:  # the researcher paused, the record takes no jobs, or nothing new: no write
            logger.info("sync job skipped", extra={"person_id": job.person_id, "why": skip})
            return JobResult(job.person_id, skipped=skip)
        ahead = self._read_ahead(job, consent)
        prepared = self.affiliations.prepare(job, consent) if self.affiliations else None
        if prepared is not None and prepared.skip:  # former staff: paused after the last end date
            return JobResult(job.person_id, skipped=prepared.skip)
        runner = self._runner(consent)
        report = RunReport(full=job.kind is JobKind.FULL)
        try:
            if job.kind is JobKind.FULL:
                self._full(job, consent, runner, report, ahead)
                if self.affiliations is not None and prepared is not None:
                    restore = job.reason == "restore"
                    report.affiliations = self.affiliations.sync(prepared, consent, runner, restore)
            else:
                assert job.publication_id is not None
                self._one(job.publication_id, consent, runner, report)
        except Transient:
            raise
        except OrbitUnavailable as exc:
            if report.full:  # the list could not be read: say so now, try again later
                self._stop(
                    report,
                    RunProblem.ORBIT_LIST_UNKNOWN,
                    f"Orbit could not list your outputs: {exc}",
                    message=str(exc),
                )
                self._record(consent, runner, report)
            raise
        except OrcidError as exc:
            self._stopped_by_orcid(job, runner, report, exc)
        self._record(consent, runner, report)
        return JobResult(
            job.person_id, runner.counts, problem=report.problem.value if report.problem else None
        )

    def _already_pushed(self, job: SyncJob, consent: Consent) -> str | None:
        """Why an event job needs no read and no ORCID call: its link holds the change it is about."""
        if job.kind is not JobKind.OUTPUT or job.publication_id is None or job.orbit_modified is None:
            return None
        assert consent.orcid is not None
        link = self.links.get(consent.person_id, job.publication_id)
        mapping = mapping_stamp(self.max_contributors)
        if already_holds(link, consent.orcid, job.orbit_modified, mapping):
            return "already pushed: the work holds this change of the output, or a later one"
        return None

    def _runner(self, consent: Consent) -> PlanRunner:
        """A runner for this consent's record; the token is decrypted only if the run calls ORCID."""
        assert consent.orcid is not None
        assert consent.access_token is not None
        person_id, ciphertext = consent.person_id, consent.access_token
        return PlanRunner(
            person_id=person_id,
            orcid_id=consent.orcid,
            token_source=lambda: self.cipher.decrypt(person_id, ciphertext),
            client=self.orcid,
            links=self.links,
            clock=self.clock,
        )

    # --- the two kinds of job ----------------------------------------------------------------------
    def _one(self, publication_id: str, consent: Consent, runner: PlanRunner, report: RunReport) -> None:
        report.looked_at = [publication_id]
        try:
            read = self.orbit.read(publication_id)
        except MalformedResearchOutput as exc:
            # Unknown is not unwanted: the work stays as it is, and the page says why nothing happened.
            report.unsendable[publication_id] = f"Orbit's record could not be read: {exc}"
            logger.warning(
                "unreadable research output kept as it is", extra={"publication_id": publication_id}
            )
            if self.outputs is not None:
                problem = {publication_id: (OutputProblem.UNREADABLE, str(exc))}
                self.outputs.one(consent.person_id, publication_id, None, problem)
            return
        link = self.links.get(consent.person_id, publication_id)
        links = {publication_id: link} if link else {}

        def plan_of(state: DesiredState) -> SyncPlan:
            decided = set(state.desired) | set(state.unbuildable)
            if publication_id in state.left_out or publication_id in consent.choices.excluded_outputs:
                unwanted = unwanted_by_choice(consent, [publication_id], links)  # the researcher's word
            else:
                # Orbit answered: the output is gone (404), not eligible, or no longer theirs.
                unwanted = set() if publication_id in decided else {publication_id}
            return plan_sync(
                state.desired,
                links,
                None,
                orcid=consent.orcid,
                unwanted=unwanted,
                scope=[publication_id],
                keep=list(state.unbuildable),
            )

        publications = [read.publication] if read.publication else []
        modified = {publication_id: read.modified} if read.modified else {}
        state, plan = self._desired_and_plan(consent, publications, modified, links, plan_of)
        runner.run(plan, state.desired, state.works)
        self._restamp(consent, state, plan, links, runner)
        report.unsendable.update(state.unbuildable)
        if self.outputs is not None:
            self.outputs.one(consent.person_id, publication_id, read.publication, state.problems)

    def _full(
        self,
        job: SyncJob,
        consent: Consent,
        runner: PlanRunner,
        report: RunReport,
        ahead: Future[PersonOutputs] | None = None,
    ) -> None:
        planned = self._plan_full(job, consent, runner, report, ahead)
        if planned is None:
            return
        runner.run(planned.plan, planned.state.desired, planned.state.works)
        self._restamp(consent, planned.state, planned.plan, planned.remembered, runner)
        report.left_alone = self._left_alone(consent, planned.actual, runner)
        if self.outputs is not None and planned.listed is not None:
            problems: dict[str, tuple[str, str]] = dict(planned.state.problems)
            for pid, put_codes in planned.plan.ambiguous.items():
                problems[pid] = (OutputProblem.AMBIGUOUS, ", ".join(str(code) for code in put_codes))
            self.outputs.full(
                consent.person_id,
                planned.listed.publications,
                planned.listed.unreadable,
                problems,
                complete=planned.listed.incomplete is None,
            )

    def _plan_full(
        self,
        job: SyncJob,
        consent: Consent,
        runner: PlanRunner,
        report: RunReport,
        ahead: Future[PersonOutputs] | None = None,
    ) -> FullPlan | None:
        """Read Orbit, the links and the record, and plan; None when Orbit could not list the outputs."""
        assert consent.orcid is not None
        listed = self._listed(consent.person_id, report, ahead)
        if listed is None:
            return None
        remembered = self.links.of_person(consent.person_id)
        ours = runner.our_works()
        actual = {summary.put_code: _item(summary) for summary in ours}
        report.private = sum(1 for summary in ours if (summary.visibility or "").lower() == "private")
        if listed.incomplete:
            self._stop(
                report,
                RunProblem.ORBIT_LIST_INCOMPLETE,
                f"Orbit's list of your outputs: {listed.incomplete}",
                message=listed.incomplete,
            )
        state, plan = self._desired_and_plan(
            consent,
            listed.publications,
            listed.modified,
            remembered,
            lambda state: self._full_plan(job, consent, state, listed, remembered, actual),
            rebuild_all=job.reason in _REBUILD_ALL,
        )
        # The researcher's word is positive: deleting what they left out is not a mass deletion.
        chosen = unwanted_by_choice(consent, state.left_out, remembered)
        if not job.allow_mass_delete:
            plan = self._guarded(plan, len(actual), consent.person_id, report, exempt=chosen)
        report.unsendable.update({pid: why for pid, why in listed.unreadable.items() if pid not in chosen})
        report.unsendable.update(state.unbuildable)
        report.unsendable.update(_ambiguous(plan))
        titles = {p.uuid.lower(): p.title or "" for p in listed.publications}
        return FullPlan(plan, state, actual, titles, listed, remembered)

    def _full_plan(
        self,
        job: SyncJob,
        consent: Consent,
        state: DesiredState,
        listed: PersonOutputs,
        remembered: dict[str, WorkLink],
        actual: dict[int, OrcidItem],
    ) -> SyncPlan:
        """A full sync's plan, before the mass-deletion guard."""
        assert consent.orcid is not None
        unknown = set(listed.unreadable) | set(state.unbuildable)
        mine = {pid for pid, link in remembered.items() if link.is_for(consent.orcid)}
        # The researcher's word is positive: what they left out is unwanted even when Orbit's list is
        # not whole.
        chosen = unwanted_by_choice(consent, state.left_out, remembered)
        unknown -= chosen
        left = state.left_out | consent.choices.excluded_outputs
        orbit_unwanted = mine - set(state.desired) - unknown - left
        return plan_sync(
            state.desired,
            remembered,
            actual,
            orcid=consent.orcid,
            unwanted=chosen | (set() if listed.incomplete else orbit_unwanted),
            keep=unknown,
            restore=job.reason == "restore",
        )

    def _desired_and_plan(
        self,
        consent: Consent,
        publications: list[Publication],
        modified: Mapping[str, datetime],
        links: Mapping[str, WorkLink],
        plan_of: Callable[[DesiredState], SyncPlan],
        rebuild_all: bool = False,
    ) -> tuple[DesiredState, SyncPlan]:
        """Desired state and its plan; outputs unchanged since their push are not rebuilt unless an
        action needs their work (then they are, and the plan is made again).
        """
        builder = DesiredBuilder(consent, self.max_contributors, self.clock().date())
        reuse = None if rebuild_all else links
        state = builder.build(publications, modified, reuse)
        plan = plan_of(state)
        missing = state.must_build(plan)
        if missing:
            state = builder.build(publications, modified, reuse, rebuild=missing)
            plan = plan_of(state)
        return state, plan

    def _restamp(
        self,
        consent: Consent,
        state: DesiredState,
        plan: SyncPlan,
        links: Mapping[str, WorkLink],
        runner: PlanRunner,
    ) -> None:
        """Remember on the links of unchanged works when Orbit last changed their output, and the
        mapping: the next night skips rebuilding them, and events about older changes need no read.
        """
        assert consent.orcid is not None
        done = {action.publication_id for action in plan.actions} | runner.touched
        stale = [
            link.model_copy(update={"orbit_modified": wanted.orbit_modified, "mapping": wanted.mapping})
            for pid, wanted in state.desired.items()
            if pid not in done
            and (link := links.get(pid)) is not None
            and link.is_for(consent.orcid)
            and link.state is LinkState.SYNCED
            and link.content_hash == wanted.content_hash
            and (link.orbit_modified, link.mapping) != (wanted.orbit_modified, wanted.mapping)
        ]
        if stale:
            self.links.put_many(stale)

    def _read_ahead(self, job: SyncJob, consent: Consent) -> Future[PersonOutputs] | None:
        """A full job with employment reads Orbit twice, the person's staff record and their outputs:
        the outputs are listed on another thread meanwhile, so the job waits for one read, not two in a
        row. Only a read: its answer, or its error, is taken where the list is needed (`_listed`)."""
        if job.kind is not JobKind.FULL or self.affiliations is None:
            return None
        read = contextvars.copy_context().run
        return self.reads_ahead.submit(read, self.orbit.of_person, consent.person_id)

    def _listed(
        self, person_id: str, report: RunReport, ahead: Future[PersonOutputs] | None = None
    ) -> PersonOutputs | None:
        """The person's outputs from Orbit; None (and the problem reported) when Orbit cannot list them."""
        try:
            return ahead.result() if ahead is not None else self.orbit.of_person(person_id)
        except PersonOutputsUnknown as exc:
            self._stop(
                report,
                RunProblem.ORBIT_LIST_UNKNOWN,
                f"Orbit could not list your outputs: {exc}",
                message=str(exc),
            )
            logger.warning("person's outputs unknown; works kept", extra={"person_id": person_id})
            return None

    def _guarded(
        self, plan: SyncPlan, ours: int, person_id: str, report: RunReport, exempt: set[str]
    ) -> SyncPlan:
        """The plan with every deletion held back if it deletes too many; reported when it does.

        Deletions the researcher asked for (`exempt`: outputs they left out) are never held back.
        """
        plan = hold_mass_deletion(plan, ours, self.deletion_limits, exempt=exempt)
        if plan.held:
            report.held_deletions = len(plan.held)
            self._stop(
                report,
                RunProblem.MASS_DELETION_HELD,
                f"this run would have deleted {len(plan.held)} of your works from ORCID at once; "
                "nothing was deleted, and the Orbit team has been asked to check",
                count=str(len(plan.held)),
            )
            logger.warning("mass deletion held back", extra={"person_id": person_id, "held": len(plan.held)})
        return plan

    def preview(self, person_id: str, *, restore: bool = False) -> Preview:
        """What a full sync of this researcher would do now, with reasons. Writes nothing anywhere."""
        consent = self.consents.get(person_id)
        if consent is None or consent.status is not ConsentStatus.ACTIVE or consent.access_token is None:
            raise NoActiveConsent(f"{person_id} has no active consent")
        assert consent.orcid is not None
        runner = self._runner(consent)
        report = RunReport(full=True)
        job = resync_job(person_id, self.clock(), restore)
        planned = self._plan_full(job, consent, runner, report)
        return Preview(consent.orcid, planned, report)

    def _left_alone(self, consent: Consent, actual: dict[int, OrcidItem], runner: PlanRunner) -> int:
        """Our client's works on the record that no link of this researcher names for this iD."""
        assert consent.orcid is not None
        named = {
            link.put_code
            for link in self.links.of_person(consent.person_id).values()
            if link.is_for(consent.orcid) and link.put_code is not None
        }
        return sum(1 for put_code in actual if put_code not in named and put_code not in runner.deleted)

    # --- outcomes ------------------------------------------------------------------------------------
    @staticmethod
    def _stop(report: RunReport, problem: RunProblem, text: str, **args: str) -> None:
        report.problem = problem
        report.problem_text = text
        report.problem_args = args

    def _stopped_by_orcid(self, job: SyncJob, runner: PlanRunner, report: RunReport, exc: OrcidError) -> None:
        extra = {"person_id": job.person_id, "code": exc.error_code}
        if isinstance(exc, TokenRevoked):
            self._stop(
                report, RunProblem.REVOKED, "you removed DTU Orbit's access on orcid.org; connect again"
            )
            logger.info("consent revoked at ORCID; researcher's jobs stop", extra=extra)
        elif isinstance(exc, RecordUnavailable):
            self._stop(
                report, RunProblem.RECORD_UNAVAILABLE, f"your ORCID record is {exc.reason}", reason=exc.reason
            )
            logger.warning("ORCID record takes no writes", extra={**extra, "why": exc.reason})
        elif isinstance(exc, RecordMerged):
            merged = {"orcid": exc.new_orcid} if exc.new_orcid else {}
            self._stop(report, RunProblem.RECORD_MERGED, exc.message, message=exc.message, **merged)
            logger.warning("ORCID record merged", extra=extra)
        else:
            # A refusal that no retry can fix (a bug on our side, a token without the right scope):
            # report it on the status page and in the logs instead of retrying into the dead-letter queue.
            refused = f"ORCID refused the sync: {exc.message}"
            self._stop(report, RunProblem.ORCID_REFUSED, refused, message=exc.message)
            logger.error("ORCID refused the sync", extra=extra)

    def _record(self, consent: Consent, runner: PlanRunner, report: RunReport) -> None:
        """Rebuild the summary from the links; written only if the consent is still this one."""
        assert consent.orcid is not None
        assert consent.access_token is not None
        counts = runner.counts
        report.created, report.updated = counts.created + counts.adopted, counts.updated
        report.deleted, report.failed = counts.deleted, counts.failed
        now = self.clock()
        summary = summarize(consent.sync, self.links.of_person(consent.person_id), consent.orcid, report, now)
        summary = with_affiliations(summary, consent.sync, report.affiliations)
        if report.problem is RunProblem.REVOKED:
            written = self.consents.mark_revoked(
                consent.person_id, consent.orcid, consent.access_token, now, summary
            )
        else:
            written = self.consents.record_sync(consent.person_id, consent.orcid, summary)
        if not written:
            # Disconnected, reconnected or revoked while the job ran: that change stands.
            logger.info(
                "consent changed during the job; its summary was not written",
                extra={"person_id": consent.person_id},
            )


def _item(summary: WorkSummary) -> OrcidItem:
    """One of our client's works on the record, as the planner sees it."""
    return OrcidItem(
        summary.put_code, source_work_id(summary), self_id_keys((i.type, i.value) for i in summary.self_ids)
    )


def _ambiguous(plan: SyncPlan) -> dict[str, str]:
    """Why each output matching several works of Pure's earlier export was left alone."""
    return {
        pid: "it matches several works from Orbit's earlier export on your ORCID record (put-codes "
        f"{', '.join(str(code) for code in put_codes)}); none was changed and nothing was added — "
        "the Orbit team can tell which is which"
        for pid, put_codes in plan.ambiguous.items()
    }
