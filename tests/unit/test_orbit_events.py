"""The Orbit event contract: both accepted shapes, other Pure families ignored, bad input explained."""

from __future__ import annotations

import json

import pytest

from orcid_sync.sync.events import ChangeKind, MalformedEvent, OrbitEvent, parse_event

UUID = "0b1f8c3e-2a44-4f6b-9b7e-5d0c6a1e9f10"


def test_our_shape_is_read() -> None:
    body = json.dumps(
        {"type": "researchoutput.updated", "uuid": UUID, "version": 3, "occurredAt": "2026-11-24T08:00:00Z"}
    )

    assert parse_event(body) == OrbitEvent(publication_id=UUID, change=ChangeKind.UPDATED, version=3)


def test_pures_change_feed_item_is_read_unchanged() -> None:
    body = json.dumps(
        {"uuid": UUID.upper(), "changeType": "DELETE", "familySystemName": "ResearchOutput", "version": 7}
    )

    assert parse_event(body) == OrbitEvent(publication_id=UUID, change=ChangeKind.DELETED, version=7)


def test_a_change_to_another_pure_family_is_ignored() -> None:
    body = json.dumps({"uuid": UUID, "changeType": "UPDATE", "familySystemName": "Person", "version": 1})

    assert parse_event(body) is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"hello": "world"}', "neither 'type'"),
        (json.dumps({"type": "researchoutput.exploded", "uuid": UUID}), "type"),
        (json.dumps({"type": "researchoutput.created", "uuid": "not-a-uuid"}), "uuid"),
        (json.dumps({"type": "researchoutput.created", "uuid": UUID, "version": -1}), "version"),
        (
            json.dumps({"uuid": UUID, "changeType": "MERGE", "familySystemName": "ResearchOutput"}),
            "changeType",
        ),
    ],
)
def test_a_malformed_message_is_refused_with_its_reason(body: str, reason: str) -> None:
    with pytest.raises(MalformedEvent, match=reason):
        parse_event(body)
