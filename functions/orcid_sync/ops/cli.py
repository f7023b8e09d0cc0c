"""`orcid-sync ops …`: operator commands against a deployed stack (--stack) or the local one (--outputs)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orcid_sync.ops.resources import Resources, ResourcesNotFound

EXIT_BAD_INPUT = 2
EXIT_NOT_FOUND = 4
EXIT_FAILED = 5

Command = Callable[[argparse.Namespace, Resources], int]


def add_ops_parser(commands: Any) -> None:
    ops = commands.add_parser(
        "ops",
        help="operate a deployed or local stack: status, problems, resync, plan, dlq, erase",
        description="Finds the stack's tables and queues from its outputs: --stack NAME (with your AWS "
        "credentials; needs cloudformation:DescribeStacks) or --outputs FILE (JSON of the outputs, as "
        "the local stack writes). Example: orcid-sync ops --stack orcid-sync-prod problems",
    )
    where = ops.add_mutually_exclusive_group()
    where.add_argument(
        "--stack", default=os.environ.get("ORCID_SYNC_STACK"), help="CloudFormation stack name"
    )
    where.add_argument(
        "--outputs", type=Path, default=os.environ.get("ORCID_SYNC_OUTPUTS"), help="outputs JSON"
    )
    ops.add_argument("--region", default=os.environ.get("AWS_REGION"), help="the stack's region")
    sub = ops.add_subparsers(dest="ops_command", required=True)
    for add in (_add_status, _add_problems, _add_resync, _add_plan, _add_dlq, _add_erase):
        add(sub)


def _add_status(sub: Any) -> None:
    status = _command(
        sub,
        "status",
        _status,
        "one researcher: consent, iD, last runs, counts, problems, audit",
        "orcid-sync ops --stack orcid-sync-prod status 0000-0002-1825-0097",
    )
    status.add_argument("who", metavar="PERSON|ORCID-ID")
    status.add_argument("--json", action="store_true")


def _add_problems(sub: Any) -> None:
    problems = _command(
        sub,
        "problems",
        _problems,
        "every researcher needing attention, one line each",
        "orcid-sync ops --stack orcid-sync-prod problems --kind revoked --json",
    )
    problems.add_argument(
        "--kind",
        action="append",
        help="only this kind (repeatable): revoked, refused, "
        "duplicates, unsendable, record_unavailable, record_merged, mass_deletion_held, …",
    )
    problems.add_argument("--json", action="store_true")


def _add_resync(sub: Any) -> None:
    resync = _command(
        sub,
        "resync",
        _resync,
        "queue a full sync of one researcher, or of everyone",
        "orcid-sync ops --stack orcid-sync-prod resync 3f1c…e2 --allow-mass-delete",
    )
    target = resync.add_mutually_exclusive_group(required=True)
    target.add_argument("person", nargs="?", metavar="PERSON")
    target.add_argument("--all", action="store_true", help="every researcher with an active consent")
    resync.add_argument("--restore", action="store_true", help="also push works the researcher removed")
    resync.add_argument("--allow-mass-delete", action="store_true", help="past the mass-deletion guard, once")


def _add_plan(sub: Any) -> None:
    plan = _command(
        sub,
        "plan",
        _plan,
        "what a full sync of one researcher would do now (writes nothing)",
        "orcid-sync ops --stack orcid-sync-prod plan 3f1c…e2",
    )
    plan.add_argument("person", metavar="PERSON")
    plan.add_argument("--restore", action="store_true")


def _add_dlq(sub: Any) -> None:
    dlq = _command(
        sub,
        "dlq",
        _dlq,
        "dead-letter queues: list, show or redrive (orbit-events, sync-jobs, nightly)",
        "orcid-sync ops --stack orcid-sync-prod dlq redrive sync-jobs --all",
    )
    dlq.add_argument("action", choices=["list", "show", "redrive"])
    dlq.add_argument("queue", choices=["orbit-events", "sync-jobs", "nightly"])
    dlq.add_argument("message_id", nargs="?", help="show/redrive this message only")
    dlq.add_argument("--all", action="store_true", help="redrive every message")
    dlq.add_argument("--json", action="store_true")


def _add_erase(sub: Any) -> None:
    erase = _command(
        sub,
        "erase",
        _erase,
        "GDPR erasure: revoke, forget, keep a tombstone without personal data",
        "orcid-sync ops --stack orcid-sync-prod erase 3f1c…e2 --by 'J. Jensen (ticket 4711)'",
    )
    erase.add_argument("person", metavar="PERSON")
    erase.add_argument(
        "--by", required=True, help="who asks, for the tombstone (no personal data of the researcher)"
    )
    erase.add_argument(
        "--delete-works", action="store_true", help="also delete our works from their ORCID record"
    )


def _command(sub: Any, name: str, run: Command, summary: str, example: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=f"{summary}.\n\nExample:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=lambda args: _with_resources(args, run))
    return parser


def _with_resources(args: argparse.Namespace, run: Command) -> int:
    try:
        if args.stack:
            resources = Resources.from_stack(args.stack, args.region)
        elif args.outputs:
            resources = Resources.from_file(Path(args.outputs))
        else:
            return _fail(EXIT_BAD_INPUT, "say which stack: --stack NAME or --outputs FILE")
    except ResourcesNotFound as exc:
        return _fail(EXIT_BAD_INPUT, str(exc))
    return run(args, resources)


def _status(args: argparse.Namespace, resources: Resources) -> int:
    from orcid_sync.ops.records import NotFound, researcher

    try:
        view = researcher(resources, args.who)
    except NotFound as exc:
        return _fail(EXIT_NOT_FOUND, str(exc))
    if args.json:
        print(json.dumps(view.as_json(), indent=2, default=str))
    else:
        for line in view.lines():
            print(line)
    return 0


def _problems(args: argparse.Namespace, resources: Resources) -> int:
    from orcid_sync.ops.records import problems

    found = [p for p in problems(resources) if not args.kind or p.kind in args.kind]
    if args.json:
        print(json.dumps([p.__dict__ for p in found], indent=2))
        return 0
    print(f"{len(found)} researcher problem(s)")
    for problem in found:
        print(problem.line())
    return 0


def _resync(args: argparse.Namespace, resources: Resources) -> int:
    from orcid_sync.consent.service import NotConnected, queue_resync
    from orcid_sync.jobs.sync_jobs import SyncJobQueue
    from orcid_sync.store.consents import ConsentStore

    consents, jobs = ConsentStore(resources.consents_table), SyncJobQueue(resources.sync_jobs_queue_url)
    people = [args.person] if args.person else [p for page in consents.active_person_ids() for p in page]
    now = datetime.now(UTC)
    for done, person in enumerate(people, start=1):
        try:
            queue_resync(
                consents,
                jobs,
                person,
                now,
                restore=args.restore,
                allow_mass_delete=args.allow_mass_delete,
                by="operator",
            )
        except NotConnected:
            if args.person:
                return _fail(EXIT_NOT_FOUND, f"{person} has no active consent; nothing was queued")
        if len(people) > 1 and (done % 500 == 0 or done == len(people)):
            print(f"  queued {done} of {len(people)}", file=sys.stderr)
    what = "restore" if args.restore else "full sync"
    guard = " that may delete past the mass-deletion guard" if args.allow_mass_delete else ""
    print(f"queued a {what}{guard} for {args.person or f'{len(people)} researchers'}")
    return 0


def _plan(args: argparse.Namespace, resources: Resources) -> int:
    from orcid_sync.sync.factory import build_sync_service
    from orcid_sync.sync.preview import describe
    from orcid_sync.sync.service import NoActiveConsent

    try:
        preview = build_sync_service(_settings(resources)).preview(args.person, restore=args.restore)
    except NoActiveConsent as exc:
        return _fail(EXIT_NOT_FOUND, str(exc))
    for line in describe(args.person, preview):
        print(line)
    return 0


def _dlq(args: argparse.Namespace, resources: Resources) -> int:
    from orcid_sync.ops.dead_letters import DeadLetterQueues

    queues = DeadLetterQueues(resources)
    if args.action == "redrive":
        if not args.message_id and not args.all:
            return _fail(EXIT_BAD_INPUT, "redrive which message? give MESSAGE-ID or --all")

        def everyone() -> int:
            return _resync(argparse.Namespace(person=None, restore=False, allow_mass_delete=False), resources)

        def progress(done: int, total: int) -> None:
            print(f"  redriven {done} of {total}", file=sys.stderr)

        try:
            count = queues.redrive(args.queue, args.message_id, everyone, progress)
        except LookupError as exc:
            return _fail(EXIT_NOT_FOUND, str(exc))
        print(f"redrove {count} message(s) from the {args.queue} dead-letter queue")
        return 0
    letters = [m for m in queues.peek(args.queue) if not args.message_id or m.message_id == args.message_id]
    if args.action == "show" and not letters:
        return _fail(EXIT_NOT_FOUND, f"no message {args.message_id} in the {args.queue} dead-letter queue")
    if args.json or args.action == "show":
        print(json.dumps([m.as_json() for m in letters], indent=2))
        return 0
    print(f"{len(letters)} message(s) in the {args.queue} dead-letter queue")
    for letter in letters:
        print(letter.line())
    return 0


def _erase(args: argparse.Namespace, resources: Resources) -> int:
    from orcid_sync.consent.factory import build_consent_service
    from orcid_sync.ops.erasure import Eraser
    from orcid_sync.ops.records import NotFound
    from orcid_sync.orcid.oauth import OAuthError
    from orcid_sync.store.consents import ConsentStore
    from orcid_sync.store.items import TableStore
    from orcid_sync.store.work_links import WorkLinkStore
    from orcid_sync.sync.factory import build_sync_service

    settings = _settings(resources)
    consent_service = build_consent_service(settings)
    eraser = Eraser(
        consents=ConsentStore(resources.consents_table, claims_table=resources.claims_table),
        links=WorkLinkStore(resources.work_links_table),
        sessions=TableStore(resources.sessions_table),
        states=TableStore(settings.oauth_states_table),
        person_tables=tuple((TableStore(table), key) for table, key in resources.person_tables),
        cipher=consent_service.cipher,
        oauth=consent_service.oauth,
        works=build_sync_service(settings).orcid,
        clock=lambda: datetime.now(UTC),
    )
    try:
        erased = eraser.erase(args.person.lower(), by=args.by, delete_works=args.delete_works)
    except NotFound as exc:
        return _fail(EXIT_NOT_FOUND, str(exc))
    except OAuthError as exc:
        return _fail(EXIT_FAILED, f"ORCID did not revoke the token ({exc}); nothing was erased, try again")
    print(
        f"erased: tombstone {erased.erasure_id} · token revoked {erased.token_revoked} · works deleted "
        f"{erased.works_deleted} · links removed {erased.links_removed} · "
        f"sessions/states {erased.other_records_removed}"
    )
    return 0


def _settings(resources: Resources) -> Any:
    """The sync worker's settings: its deployed environment (--stack), else this process's environment."""
    import boto3

    from orcid_sync.config import Settings

    if resources.sync_worker_function and not os.environ.get("CONSENTS_TABLE"):
        configuration = boto3.client("lambda").get_function_configuration(
            FunctionName=resources.sync_worker_function
        )
        return Settings.from_env(dict(configuration.get("Environment", {}).get("Variables", {})))
    return Settings.from_env()


def _fail(code: int, message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code
