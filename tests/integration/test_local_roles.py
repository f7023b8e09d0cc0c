"""The local stack runs each handler as its role in template.yaml: a call the role lacks is denied here."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from infra.local.permissions import acting_as
from infra.local.stack import LocalStack
from infra.local.template import TEMPLATE_PATH
from orcid_sync.store.work_links import LinkState, WorkLink, WorkLinkStore
from tests.integration.sync_fixtures import article, connect, new_researcher, sources_on_orcid

WORKER_LINK_GRANT = (
    "Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:BatchWriteItem, dynamodb:DeleteItem"
)


def a_link(person_id: str) -> WorkLink:
    return WorkLink(
        person_id=person_id,
        publication_id="pub-roles",
        state=LinkState.SYNCED,
        put_code=1,
        changed_at=datetime(2026, 11, 24, tzinfo=UTC),
    )


def test_the_worker_may_write_links_and_the_router_may_not(stack: LocalStack) -> None:
    links = WorkLinkStore(stack.resources.refs["WorkLinksTable"])

    with acting_as(stack.function("SyncWorkerFunction").role):
        links.put_many([a_link("p-worker")])
    with acting_as(stack.function("EventRouterFunction").role), pytest.raises(ClientError) as denied:
        links.put_many([a_link("p-router")])

    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "dynamodb:BatchWriteItem" in str(denied.value)
    assert links.get("p-worker", "pub-roles") is not None and links.get("p-router", "pub-roles") is None


def test_a_grant_removed_from_the_template_fails_the_handler_that_needs_it(tmp_path: Path) -> None:
    text = TEMPLATE_PATH.read_text(encoding="utf-8")
    assert WORKER_LINK_GRANT in text
    edited = tmp_path / "template.yaml"
    edited.write_text(
        text.replace(WORKER_LINK_GRANT, WORKER_LINK_GRANT.replace(" dynamodb:BatchWriteItem,", ""))
    )

    with LocalStack(template_path=edited, parameters={"LogLevel": "CRITICAL"}) as local:
        researcher = new_researcher(local, "Bo", "Ravn")
        outputs = {local.orbit.put_output(article(researcher, title=f"Roles {i}")).uuid for i in range(3)}
        connected = connect(local, researcher)  # queues the first sync: one bulk POST, then its links
        report = local.drain()

        # The bulk POST's links were denied, so that job failed; its retry read the works on ORCID,
        # adopted them one by one (PutItem, still granted) and brought each up to date: no second POST.
        assert report.by_function["SyncWorkerFunction"] == 2 and report.failed == 1
        assert local.orcid.api.calls["POST /works"] == 1
        assert local.orcid.api.calls["PUT /work/{put-code}"] == 3
        assert sources_on_orcid(local, connected.orcid) == {uuid: 1 for uuid in outputs}
        saved = WorkLinkStore(local.resources.refs["WorkLinksTable"]).of_person(researcher.uuid)
        assert set(saved) == outputs and {link.state for link in saved.values()} == {LinkState.SYNCED}
