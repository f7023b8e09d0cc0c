"""The change-feed adapter reads Pure's real answers (../shared/pure-samples), refuses what it can't trust."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from orcid_sync.domain.feed import FeedPosition
from orcid_sync.orbit.changes import ChangeFeed, FeedPositionExpired
from orcid_sync.orbit.http import OrbitUnavailable


class RecordedOrbit:
    """Answers each GET with the next recorded answer (or raises it), and remembers the paths asked."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.paths: list[str] = []

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any] | None:
        self.paths.append(path)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[no-any-return]


@pytest.fixture
def real_answers(shared_dir: Path) -> dict[str, Any]:
    path = shared_dir / "pure-samples" / "umn-ws-changes-responses.json"
    if not path.is_file():
        pytest.skip(f"Pure change-feed samples not found: {path.resolve()}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_the_real_answers_are_followed_page_by_page_even_through_an_empty_page(
    real_answers: dict[str, Any],
) -> None:
    pages = real_answers["responses_from_tests"]
    orbit = RecordedOrbit(*pages)
    feed = ChangeFeed(orbit)  # type: ignore[arg-type]

    position = FeedPosition.at(datetime(2026, 11, 29, 8, 30, tzinfo=UTC))
    read = []
    while True:
        page = feed.read(position)
        read.append(page)
        assert page.next_position is not None
        position = page.next_position
        if not page.more_changes:
            break

    assert [len(page.items) for page in read] == [3, 0, 3]
    assert orbit.paths[0] == "/ws/api/524/changes/2026-11-29_08-30-00"
    assert orbit.paths[1] == "/ws/api/524/changes/eyJzZXF1ZW5jZU51bWJlciI6MTk0MTM1MzcyfQ%3D%3D"
    assert read[-1].items[0]["familySystemName"] == "ResearchOutput"


def test_items_without_uuid_or_system_name_are_passed_on_as_pure_sent_them(
    real_answers: dict[str, Any],
) -> None:
    page = ChangeFeed(RecordedOrbit(real_answers["raw_522_response"])).read(  # type: ignore[arg-type]
        FeedPosition(token="eyJzZXF1ZW5jZU51bWJlciI6MjA5OH0=")
    )

    assert len(page.items) == 17 and page.more_changes
    assert "uuid" not in page.items[0] and page.items[0]["family"].endswith("ClassificationScheme")


def test_a_token_pure_answers_404_or_410_for_has_expired() -> None:
    gone = OrbitUnavailable("Orbit answered 410 for GET …/x", status=410)
    feed = ChangeFeed(RecordedOrbit(None, gone))  # type: ignore[arg-type]

    with pytest.raises(FeedPositionExpired):
        feed.read(FeedPosition(token="abc"))
    with pytest.raises(FeedPositionExpired):
        feed.read(FeedPosition(token="abc"))


def test_pure_down_is_unavailable_not_expired() -> None:
    down = OrbitUnavailable("Orbit answered 503 for GET …/x", status=503)

    with pytest.raises(OrbitUnavailable):
        ChangeFeed(RecordedOrbit(down)).read(FeedPosition(token="abc"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"count": 0, "items": []}, "no moreChanges"),
        ({"count": 1, "moreChanges": False, "items": {"uuid": "x"}}, "not a list"),
        ({"count": 0, "moreChanges": True}, "no resumptionToken"),
        ({"count": 0, "moreChanges": False, "resumptionToken": 12}, "unreadable resumptionToken"),
    ],
)
def test_a_page_that_is_not_a_change_list_is_not_trusted(answer: dict[str, Any], reason: str) -> None:
    with pytest.raises(OrbitUnavailable, match=reason):
        ChangeFeed(RecordedOrbit(answer)).read(FeedPosition(token="abc"))  # type: ignore[arg-type]
