"""The Orbit stand-in lists a person's outputs from its index: the same outputs, in the same order, as a
scan of every output would give, through saves, author changes, deletions and re-creations."""

from __future__ import annotations

from infra.orbit_standin.app import OrbitStandIn
from infra.orbit_standin.outputs import Author, ResearchOutput

IDA, BO = "person-ida", "person-bo"


def _output(uuid: str, *people: str) -> ResearchOutput:
    authors = (*(Author(p, "First", "Last") for p in people), Author(None, "Ext", "Ernal"))
    return ResearchOutput(
        uuid=uuid, group="contributiontojournal", subtype="article", title_en=uuid, authors=authors
    )


def _scanned(orbit: OrbitStandIn, person: str) -> list[str]:
    return [o.uuid for o in orbit.outputs.values() if any(a.person_uuid == person for a in o.authors)]


def _listed(orbit: OrbitStandIn, person: str) -> list[str]:
    return [o.uuid for o in orbit.outputs_of(person)]


def test_the_index_follows_saves_author_changes_deletions_and_re_creations() -> None:
    orbit = OrbitStandIn(api_key="key")
    orbit.put_output(_output("a", IDA))
    orbit.put_output(_output("b", IDA, BO))
    orbit.put_output(_output("c", BO))
    orbit.put_output(_output("a", BO))  # Ida is no longer an author of "a"; Bo now is
    orbit.change_output("c", title_en="corrected")
    orbit.delete_output("b")
    orbit.put_output(_output("d", IDA, BO))
    orbit.put_output(_output("b", IDA))  # re-created: it comes last, as in `outputs`

    assert _listed(orbit, IDA) == _scanned(orbit, IDA) == ["d", "b"]
    assert _listed(orbit, BO) == _scanned(orbit, BO) == ["a", "c", "d"]
    assert orbit.outputs_of("nobody") == []
    assert orbit.outputs_of(BO)[1].title_en == "corrected"
