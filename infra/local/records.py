"""What the stand-ins hold, seen as a person checking their records: the demo and the tests ask the same."""

from __future__ import annotations

from collections import Counter

from infra.local.stack import LocalStack
from infra.orbit_standin.outputs import to_ws
from orcid_sync.orbit.eligibility import check_eligibility
from orcid_sync.orbit.pure_json import publication_from_pure

SOURCE_WORK_ID = "source-work-id"


def sources_on_orcid(stack: LocalStack, orcid: str) -> Counter[str]:
    """How many times each Orbit output (by its source-work-id) is on the ORCID record."""
    found: Counter[str] = Counter()
    for work in stack.orcid.api.works_of(orcid):
        for external_id in work.document.external_ids:
            if external_id.type == SOURCE_WORK_ID:
                found[external_id.value] += 1
    return found


def titles_on_orcid(stack: LocalStack, orcid: str) -> dict[str, str]:
    """Orbit output → the title its work has on the ORCID record."""
    return {
        external_id.value: work.document.title
        for work in stack.orcid.api.works_of(orcid)
        for external_id in work.document.external_ids
        if external_id.type == SOURCE_WORK_ID
    }


def wanted_on_orcid(stack: LocalStack, person: str) -> dict[str, str]:
    """What Orbit says should be on the person's record: their eligible outputs → title."""
    wanted = {}
    for output in stack.orbit.outputs_of(person):
        publication = publication_from_pure(to_ws(output))
        if check_eligibility(publication).eligible:
            wanted[output.uuid] = publication.title or ""
    return wanted
