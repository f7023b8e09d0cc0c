"""The local stack is read from template.yaml: changing routes or a batch size there changes it here."""

from __future__ import annotations

import uuid
from pathlib import Path

from infra.local.browser import Browser
from infra.local.stack import LocalStack
from infra.local.template import TEMPLATE_PATH
from infra.orbit_standin.people import RESEARCHERS
from orcid_sync.jobs.sync_jobs import SyncJobQueue, nightly_job


def edited_template(tmp_path: Path) -> Path:
    text = TEMPLATE_PATH.read_text(encoding="utf-8")
    worker_batch = "            Queue: !GetAtt SyncJobsQueue.Arn\n            BatchSize: 10\n"
    resync_route = "            Method: POST\n            Path: /orcid/resync\n"
    assert worker_batch in text and resync_route in text
    text = text.replace(worker_batch, worker_batch.replace("BatchSize: 10", "BatchSize: 1"))
    text = text.replace(resync_route, "            Method: POST\n            Path: /orcid/resync-renamed\n")
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_route_and_a_batch_size_changed_in_the_template_change_the_local_stack(
    stack: LocalStack, tmp_path: Path
) -> None:
    edited_stack = LocalStack(template_path=edited_template(tmp_path), parameters={"LogLevel": "ERROR"})
    with edited_stack as edited:
        browser = Browser(edited).sign_in(RESEARCHERS[0].uuid)
        gone = browser.session.post(f"{edited.base_url}/orcid/resync", headers={"Accept": "application/json"})
        jobs = SyncJobQueue(edited.resources.queue_urls["SyncJobsQueue"])
        jobs.enqueue_many([nightly_job(str(uuid.uuid4()), "2026-11-25") for _ in range(3)])
        report = edited.drain()

    assert gone.status_code == 404
    assert report.by_function["SyncWorkerFunction"] == 3  # one job per invocation: BatchSize 1
    # The session's stack (from the real template) is untouched and still answers.
    assert Browser(stack).sign_in(RESEARCHERS[0].uuid).status_json()["symbol"] in {
        "not_connected",
        "working",
        "paused",
    }
