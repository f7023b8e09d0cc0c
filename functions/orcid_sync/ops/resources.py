"""Where a deployed (or local) stack keeps its tables and queues: read from the stack's outputs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import boto3


class ResourcesNotFound(LookupError):
    """The stack (or outputs file) does not name a resource an operator command needs."""


@dataclass(frozen=True)
class Resources:
    consents_table: str
    work_links_table: str
    claims_table: str
    sessions_table: str
    sync_jobs_queue_url: str
    orbit_events_queue_url: str
    dead_letter_queues: Mapping[str, str]  # orbit-events, sync-jobs, nightly → DLQ url
    sync_worker_function: str | None = None
    # Tables keyed (person_id, …) that erasure empties too: the status page's outputs, employment links.
    person_tables: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, str]) -> Resources:
        def need(key: str) -> str:
            if not outputs.get(key):
                raise ResourcesNotFound(f"the stack's outputs have no {key}")
            return outputs[key]

        return cls(
            consents_table=need("ConsentsTableName"),
            work_links_table=need("WorkLinksTableName"),
            claims_table=need("OrcidClaimsTableName"),
            sessions_table=need("SessionsTableName"),
            sync_jobs_queue_url=need("SyncJobsQueueUrl"),
            orbit_events_queue_url=need("OrbitEventsQueueUrl"),
            dead_letter_queues={
                "orbit-events": need("OrbitEventsDlqUrl"),
                "sync-jobs": need("SyncJobsDlqUrl"),
                "nightly": need("NightlyDlqUrl"),
            },
            sync_worker_function=outputs.get("SyncWorkerFunctionName"),
            person_tables=(
                (need("OutputStatesTableName"), "publication_id"),
                (need("AffiliationLinksTableName"), "item"),
            ),
        )

    @classmethod
    def from_stack(cls, stack: str, region: str | None = None) -> Resources:
        """The outputs of a deployed CloudFormation stack (needs cloudformation:DescribeStacks)."""
        answer = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)
        outputs = {o["OutputKey"]: o["OutputValue"] for o in answer["Stacks"][0].get("Outputs", [])}
        return cls.from_outputs(outputs)

    @classmethod
    def from_file(cls, path: Path) -> Resources:
        """Outputs saved as JSON ({"OutputKey": "value"}), as `make run` writes for the local stack."""
        try:
            outputs = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ResourcesNotFound(f"cannot read stack outputs from {path}: {exc}") from None
        if not isinstance(outputs, dict):
            raise ResourcesNotFound(f"{path} does not hold a JSON object of outputs")
        return cls.from_outputs({str(k): str(v) for k, v in outputs.items()})
