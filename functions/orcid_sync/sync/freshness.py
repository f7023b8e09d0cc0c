"""When a work on ORCID is still what Orbit's output would build, so it need not be read or rebuilt.

A work link remembers when Orbit last changed the output it was built from (Pure's modifiedDate) and
the mapping that built it. An output Orbit has not changed since, under the same mapping, builds the
same work: a quiet night skips rebuilding and hashing it, and an event about a change the link already
holds needs neither a read of Orbit nor a call to ORCID. No I/O.

What still forces a rebuild:
- a change of our mapping: bump MAPPING_VERSION (the maximum of contributors is part of it, a setting);
- every output once in REBUILD_EVERY_NIGHTS nights, spread evenly over the nights, because Pure may
  change what it serves for an output without changing its modifiedDate (a renamed journal or person
  record it only refers to), and a forgotten bump must not last;
- a resync or restore (the researcher or an operator asked for one): everything is rebuilt.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from orcid_sync.domain.links import LinkState, WorkLink

# Bump when a change to the mapping (Pure JSON → Publication → Work → XML) changes what is sent.
MAPPING_VERSION = "1"
REBUILD_EVERY_NIGHTS = 7


def mapping_stamp(max_contributors: int) -> str:
    """What built a work: our mapping's version and the settings it depends on."""
    return f"{MAPPING_VERSION}/contributors={max_contributors}"


def due_for_rebuild(publication_id: str, night: date) -> bool:
    """Whether tonight is this output's night to be rebuilt whatever its stamp (one in REBUILD_EVERY)."""
    spread = int(hashlib.sha256(publication_id.encode()).hexdigest()[:8], 16)
    return (spread + night.toordinal()) % REBUILD_EVERY_NIGHTS == 0


def unchanged_since_push(
    link: WorkLink | None, orcid: str, modified: datetime | None, mapping: str, night: date
) -> bool:
    """A synced work whose output Orbit has not changed since it was built, by this mapping.

    `modified` is when Orbit last changed the output, as just read; None (Orbit gave no time) is never
    unchanged.
    """
    return (
        link is not None
        and modified is not None
        and link.is_for(orcid)
        and link.state is LinkState.SYNCED
        and link.put_code is not None
        and link.content_hash is not None
        and link.orbit_modified == modified
        and link.mapping == mapping
        and not due_for_rebuild(link.publication_id, night)
    )


def already_holds(link: WorkLink | None, orcid: str, seen: datetime | None, mapping: str) -> bool:
    """An event job about a change the link already holds: the work was built from Orbit's output as
    it was at `seen` (when the router read it) or later, by this mapping. Such a job needs no read of
    Orbit and no ORCID call; a late, older job therefore never overwrites a newer work.
    """
    return (
        link is not None
        and seen is not None
        and link.orbit_modified is not None
        and link.is_for(orcid)
        and link.mapping == mapping
        and link.orbit_modified >= seen
    )
