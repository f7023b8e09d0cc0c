"""DTU employment on the researcher's ORCID record, kept true by every full sync; former staff paused.

A full job (first sync, Person change, nightly, resync) reads the person's staff associations from
Orbit before anything else. While the researcher is paused as former staff, that read is all the job
does (no ORCID call) until an association has started that has not ended: then the pause is lifted
and the sync runs. After the works, each association that has started becomes one employment under
our client (planned in affiliation_planner: created, updated — an end date when it ends —, adopted,
or remembered as removed by the researcher; never deleted), read from the same `GET /activities` as
the works, so a quiet night still costs one ORCID read. The Orbit profile link goes on the person
section when the consent has /person/update. When no association is current and every end date is
on ORCID, the sync pauses, with a guarded write on the consent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from orcid_sync.domain.affiliation_links import (
    ORBIT_PROFILE,
    AffiliationKind,
    AffiliationLink,
    employment_item,
)
from orcid_sync.domain.links import LinkState
from orcid_sync.jobs.sync_jobs import JobKind, SyncJob
from orcid_sync.observability import logger
from orcid_sync.orbit.http import OrbitUnavailable
from orcid_sync.orbit.staff import MalformedPerson, OrbitStaff, PersonStaff
from orcid_sync.orcid.employment import (
    ASSOCIATION_ID_TYPE,
    Employment,
    EmploymentNotSendable,
    Organization,
    ResearcherUrl,
    association_of,
    employment_hash,
    researcher_url_hash,
)
from orcid_sync.orcid.errors import (
    ElementConflict,
    NotOurItem,
    OrcidError,
    PutCodeGone,
    RecordUnavailable,
    TokenRevoked,
    Transient,
    WorkConflict,
)
from orcid_sync.orcid.summaries import SummaryExternalId
from orcid_sync.store.affiliation_links import AffiliationLinkStore
from orcid_sync.store.consents import Consent, ConsentStore
from orcid_sync.sync.affiliation_planner import (
    DesiredEmployment,
    EmploymentAction,
    EmploymentActionKind,
    EmploymentPlan,
    plan_employments,
)
from orcid_sync.sync.apply import PlanRunner
from orcid_sync.sync.employment_jobs import (
    FORMER_STAFF_PAUSE,
    AffiliationReport,
    Prepared,
    prepared_without_reading,
)
from orcid_sync.sync.employment_mapping import DTU, employment_from_association

_STOPPERS = (Transient, TokenRevoked, RecordUnavailable)
PROFILE_LINK_NAME = "DTU Orbit"


@dataclass
class AffiliationSync:
    orbit: OrbitStaff
    links: AffiliationLinkStore
    consents: ConsentStore
    employer: Organization = DTU
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    # --- before the job -------------------------------------------------------------------------
    def prepare(self, job: SyncJob, consent: Consent) -> Prepared:
        """Read the associations (full jobs); lift or keep a former-staff pause. Raises OrbitUnavailable."""
        paused = consent.former_staff_since is not None
        if job.kind is not JobKind.FULL:
            return prepared_without_reading(consent)
        problem: str | None = None
        try:
            staff = self.orbit.of_person(consent.person_id)
        except MalformedPerson as exc:
            staff, problem = None, f"Orbit's person record could not be read: {exc}"
        except OrbitUnavailable as exc:
            if paused:
                raise  # nothing else to do in this job: try again later
            # The works part meets Orbit down too, says so on the status page and sends the job back.
            staff, problem = None, f"Orbit could not be reached: {exc}"
        else:
            problem = None if staff is not None else "Orbit has no person record for you (404)"
        if not paused:
            return Prepared(staff, problem=problem)
        today = self.clock().date()
        if staff is None or not any(a.current_on(today) for a in staff.associations):
            logger.info("former staff: sync stays paused", extra={"person_id": consent.person_id})
            return Prepared(staff, skip=FORMER_STAFF_PAUSE, problem=problem)
        assert consent.orcid is not None
        resumed = self.consents.set_former_staff(consent.person_id, consent.orcid, None, self.clock())
        logger.info("back at DTU: sync resumed", extra={"person_id": consent.person_id, "written": resumed})
        return Prepared(staff, resumed=True)

    # --- after the works of a full job ------------------------------------------------------------
    def sync(
        self, prepared: Prepared, consent: Consent, runner: PlanRunner, restore: bool
    ) -> AffiliationReport:
        """Bring our employments (and the Orbit profile link) in step; pause former staff."""
        assert consent.orcid is not None
        report = AffiliationReport(resumed=prepared.resumed)
        remembered = self.links.of_person(consent.person_id)
        staff = prepared.staff
        if staff is None:
            report.problems["orbit"] = prepared.problem or "Orbit's person record was not read"
            report.employments = _on_orcid(remembered, consent.orcid)
            return report
        today = self.clock().date()
        for why in staff.unreadable:
            report.problems[why.split(":", 1)[0]] = f"Orbit's record could not be read: {why}"
        if consent.sync_affiliations:
            desired, employments = self._desired(staff, today, report)
            employment_links = {
                link.key: link for link in remembered.values() if link.kind is AffiliationKind.EMPLOYMENT
            }
            actual = {
                summary.put_code: _association(summary.self_ids)
                for summary in runner.activities().employments
            }
            plan = plan_employments(desired, employment_links, actual, orcid=consent.orcid, restore=restore)
            self._run(plan, desired, employments, runner, report)
            for aid in plan.left_alone:
                report.problems[aid] = "Orbit no longer lists it; it stays on your ORCID record as it is"
            if consent.may_write_person_section and staff.portal_url:
                self._profile_link(staff.portal_url, remembered.get(ORBIT_PROFILE), runner, restore)
            remembered = self.links.of_person(consent.person_id)
        report.employments = _on_orcid(remembered, consent.orcid)
        report.problems = {**problems_of(remembered, consent.orcid), **report.problems}
        if self._left_dtu(staff, today, remembered, consent):
            last = max(a.end for a in staff.associations if a.end is not None)
            report.paused = self.consents.set_former_staff(
                consent.person_id, consent.orcid, last, self.clock()
            )
            logger.info("left DTU: end dates on ORCID, sync paused", extra={"person_id": consent.person_id})
        return report

    def _desired(
        self, staff: PersonStaff, today: date, report: AffiliationReport
    ) -> tuple[dict[str, DesiredEmployment], dict[str, Employment]]:
        desired: dict[str, DesiredEmployment] = {}
        employments: dict[str, Employment] = {}
        for association in staff.associations:
            if not association.started_by(today) and association.start is not None:
                continue  # not started yet: it appears when it starts
            try:
                employment = employment_from_association(association, self.employer, staff.portal_url)
            except EmploymentNotSendable as exc:
                report.problems[association.id] = f"not sent to ORCID: {exc.reason}"
                continue
            employments[association.id] = employment
            desired[association.id] = DesiredEmployment(
                association.id, employment_hash(employment), ended=employment.end is not None
            )
        return desired, employments

    def _left_dtu(
        self, staff: PersonStaff, today: date, links: dict[str, AffiliationLink], consent: Consent
    ) -> bool:
        """No association current or still to come, and every end date is on ORCID (or cannot be)."""
        if not staff.associations or staff.unreadable:
            return False
        if any(a.end is None or a.end >= today for a in staff.associations):
            return False
        if not consent.sync_affiliations:
            return True
        assert consent.orcid is not None
        for association in staff.associations:
            link = links.get(employment_item(association.id))
            if link is None or not link.is_for(consent.orcid):
                return False  # not on ORCID yet (a refusal or a problem is recorded on a link)
            if link.state is LinkState.SYNCED and not link.ended:
                return False
        return True

    # --- carrying out the plan ------------------------------------------------------------------
    def _run(
        self,
        plan: EmploymentPlan,
        desired: dict[str, DesiredEmployment],
        employments: dict[str, Employment],
        runner: PlanRunner,
        report: AffiliationReport,
    ) -> None:
        for action in plan.actions:
            if action.kind is EmploymentActionKind.MARK_REMOVED:
                self._remember(runner, action.association_id, LinkState.REMOVED_BY_RESEARCHER, None, None)
                continue
            wanted, employment = desired[action.association_id], employments[action.association_id]
            if action.kind is EmploymentActionKind.CREATE:
                self._create(runner, wanted, employment, report)
            else:
                self._update(runner, action, wanted, employment, report)

    def _create(
        self, runner: PlanRunner, wanted: DesiredEmployment, employment: Employment, report: AffiliationReport
    ) -> None:
        aid = wanted.association_id
        try:
            put_code = runner.client.add_employment(runner.orcid_id, runner.token, employment)
        except WorkConflict as conflict:
            # Ours already, under the put-code ORCID names (an answer we lost): bring it up to date.
            if conflict.put_code is None:
                self._refused(runner, wanted, None, conflict, report)
                return
            action = EmploymentAction(EmploymentActionKind.ADOPT, aid, conflict.put_code, "409: ours already")
            self._update(runner, action, wanted, employment, report)
            return
        except _STOPPERS:
            raise
        except OrcidError as exc:
            self._refused(runner, wanted, None, exc, report)
            return
        self._remember(runner, aid, LinkState.SYNCED, put_code, wanted)
        report.created += 1

    def _update(
        self,
        runner: PlanRunner,
        action: EmploymentAction,
        wanted: DesiredEmployment,
        employment: Employment,
        report: AffiliationReport,
    ) -> None:
        aid, put_code = action.association_id, action.put_code
        assert put_code is not None
        try:
            runner.client.update_employment(runner.orcid_id, runner.token, put_code, employment)
        except PutCodeGone:
            self._remember(runner, aid, LinkState.REMOVED_BY_RESEARCHER, None, None)
            return
        except NotOurItem as exc:
            self._refused(runner, wanted, None, exc, report)
            return
        except _STOPPERS:
            raise
        except OrcidError as exc:
            self._refused(runner, wanted, put_code, exc, report)
            return
        self._remember(runner, aid, LinkState.SYNCED, put_code, wanted)
        report.updated += 1

    def _refused(
        self,
        runner: PlanRunner,
        wanted: DesiredEmployment,
        put_code: int | None,
        exc: OrcidError,
        report: AffiliationReport,
    ) -> None:
        code = f"{exc.error_code}: " if exc.error_code else ""
        link = self._link(runner, employment_item(wanted.association_id), LinkState.REJECTED, put_code)
        self.links.put(
            link.model_copy(update={"content_hash": wanted.content_hash, "message": f"{code}{exc.message}"})
        )
        logger.warning("ORCID refused an employment", extra={"association": wanted.association_id})

    def _remember(
        self,
        runner: PlanRunner,
        aid: str,
        state: LinkState,
        put_code: int | None,
        wanted: DesiredEmployment | None,
    ) -> None:
        link = self._link(runner, employment_item(aid), state, put_code)
        if wanted is not None:
            link = link.model_copy(update={"content_hash": wanted.content_hash, "ended": wanted.ended})
        self.links.put(link)

    def _link(self, runner: PlanRunner, item: str, state: LinkState, put_code: int | None) -> AffiliationLink:
        return AffiliationLink(
            person_id=runner.person_id,
            item=item,
            state=state,
            orcid=runner.orcid_id,
            put_code=put_code,
            changed_at=self.clock(),
        )

    # --- the Orbit profile link (person section) -----------------------------------------------------
    def _profile_link(
        self, url: str, link: AffiliationLink | None, runner: PlanRunner, restore: bool
    ) -> None:
        wanted = ResearcherUrl(name=PROFILE_LINK_NAME, url=url)
        digest = researcher_url_hash(wanted)
        if link is not None and not link.is_for(runner.orcid_id):
            link = None
        if link is not None and link.state is LinkState.REMOVED_BY_RESEARCHER and not restore:
            return
        if link is not None and link.content_hash == digest:
            return  # unchanged: no call (a deletion on ORCID is seen when the link next changes)
        client, orcid, token = runner.client, runner.orcid_id, runner.token
        try:
            if link is not None and link.state is LinkState.SYNCED and link.put_code is not None:
                put_code: int = link.put_code
                client.update_researcher_url(orcid, token, put_code, wanted)
            else:
                put_code = client.add_researcher_url(orcid, token, wanted)
        except PutCodeGone:
            self.links.put(self._link(runner, ORBIT_PROFILE, LinkState.REMOVED_BY_RESEARCHER, None))
            return
        except ElementConflict:
            # Ours already (an answer we lost): find it and remember it.
            ours = [u for u in client.list_researcher_urls(orcid, token) if u.url == url]
            if not ours:
                return
            put_code = ours[0].put_code
        except _STOPPERS:
            raise
        except OrcidError as exc:
            refused = self._link(runner, ORBIT_PROFILE, LinkState.REJECTED, None)
            self.links.put(refused.model_copy(update={"content_hash": digest, "message": exc.message}))
            return
        synced = self._link(runner, ORBIT_PROFILE, LinkState.SYNCED, put_code)
        self.links.put(synced.model_copy(update={"content_hash": digest}))


def _association(self_ids: tuple[SummaryExternalId, ...]) -> str | None:
    for external_id in self_ids:
        if (
            external_id.type == ASSOCIATION_ID_TYPE
            and (found := association_of(external_id.value)) is not None
        ):
            return found
    return None


def _on_orcid(links: dict[str, AffiliationLink], orcid: str) -> int:
    return sum(
        1
        for link in links.values()
        if link.kind is AffiliationKind.EMPLOYMENT
        and link.is_for(orcid)
        and link.state is LinkState.SYNCED
        and link.put_code is not None
    )


def problems_of(links: dict[str, AffiliationLink], orcid: str) -> dict[str, str]:
    """Per association: refused by ORCID, or removed by the researcher (restorable)."""
    found: dict[str, str] = {}
    for link in links.values():
        if link.kind is not AffiliationKind.EMPLOYMENT or not link.is_for(orcid):
            continue
        if link.state is LinkState.REJECTED:
            found[link.key] = f"ORCID refused it: {link.message or 'no reason given'}"
        elif link.state is LinkState.REMOVED_BY_RESEARCHER:
            found[link.key] = "you removed it on ORCID; it is not added again unless you restore it"
    return found
