"""SQS FIFO partial batch processing with the message groups (researchers) run concurrently.

Each group's records run in order on one thread; once one fails, the group's later records are failed
without running (SQS delivers them again, in order): the semantics of Powertools'
`SqsFifoPartialProcessor(skip_group_on_error=True)`, run concurrently.

Records of a group with the same merge key (e.g. the jobs about one output of one researcher) run once,
at the place of the first of them, as the newest of them (which carries all of them in `stands_for`);
every record merged shares that run's outcome, so a failure retries all of them.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor

from orcid_sync.jobs.sqs_batch import RecordHandler, RecordOutcome, SqsRecord, run_record

# At most this many researchers' jobs at once in one invocation (SQS FIFO batches hold at most 10).
MAX_GROUPS_AT_ONCE = 10

MergeKey = Callable[[SqsRecord], Hashable | None]


class GroupFailedEarlier(Exception):
    """An earlier record of this message group failed: this one waits for SQS to deliver it again."""


class MergedRunFailed(Exception):
    """The run this record was merged into failed: the record is retried with it."""


class ConcurrentFifoProcessor:
    """SQS FIFO partial batch processing with the message groups run concurrently.

    Each group's records run in order on one thread; once one fails, the group's later records are
    failed without running (SQS delivers them again, in order). Each thread runs in a copy of the
    invoking context (context variables). It holds no state between batches.
    """

    def __init__(self, max_groups_at_once: int | None = None, merge_key: MergeKey | None = None) -> None:
        self.max_groups_at_once = max_groups_at_once or MAX_GROUPS_AT_ONCE
        self.merge_key = merge_key

    def process(self, records: Sequence[SqsRecord], handler: RecordHandler) -> list[RecordOutcome]:
        """Every record's outcome, group after group (each in delivery order)."""
        groups = message_groups(records)
        if len(groups) <= 1:
            return [outcome for group in groups for outcome in self._process_group(group, handler)]
        with ThreadPoolExecutor(
            max_workers=min(self.max_groups_at_once, len(groups)), thread_name_prefix="sync-job"
        ) as pool:
            running = [
                pool.submit(contextvars.copy_context().run, self._process_group, group, handler)
                for group in groups
            ]
            return [outcome for future in running for outcome in future.result()]

    def _process_group(self, records: Sequence[SqsRecord], handler: RecordHandler) -> list[RecordOutcome]:
        outcomes: list[RecordOutcome] = []
        runs = merged_runs(records, self.merge_key)
        for position, run in enumerate(runs):
            outcome = run_record(_standing_for(run), handler)
            outcomes.append(outcome)
            outcomes += [_ride(record, outcome) for record in run[:-1]]
            if outcome.failed:
                skipped = GroupFailedEarlier("a previous record from this message group failed processing")
                outcomes += [
                    RecordOutcome(rest, skipped, "skipped")
                    for later in runs[position + 1 :]
                    for rest in later
                ]
                break
        return outcomes


def _ride(record: SqsRecord, outcome: RecordOutcome) -> RecordOutcome:
    """The outcome of a record merged into another's run: that run's."""
    if not outcome.failed:
        return RecordOutcome(record, None, "merged")
    return RecordOutcome(record, MergedRunFailed("the run this record was merged into failed"), "merged")


def merged_runs(records: Sequence[SqsRecord], merge_key: MergeKey | None) -> list[list[SqsRecord]]:
    """A group's records as runs, in the order of each run's first record; records with the same merge
    key are one run (oldest first), any other record a run of its own.
    """
    runs: list[list[SqsRecord]] = []
    by_key: dict[Hashable, list[SqsRecord]] = {}
    for record in records:
        key = merge_key(record) if merge_key is not None else None
        if key is None:
            runs.append([record])
        elif key in by_key:
            by_key[key].append(record)
        else:
            by_key[key] = [record]
            runs.append(by_key[key])
    return runs


def _standing_for(run: list[SqsRecord]) -> SqsRecord:
    """The record handed to the record handler for a run: its newest, carrying the run when merged."""
    if len(run) == 1:
        return run[0]
    return SqsRecord(run[-1].raw, stands_for=tuple(run))


def message_groups(records: Sequence[SqsRecord]) -> list[list[SqsRecord]]:
    """The records by MessageGroupId, in delivery order within each group (a record without one alone)."""
    groups: dict[str, list[SqsRecord]] = {}
    for record in records:
        group = record.message_group_id or f"message:{record.raw.get('messageId')}"
        groups.setdefault(group, []).append(record)
    return list(groups.values())
