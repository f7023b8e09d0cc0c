"""The `orcid-sync` command: operator tools that run the same code as the Lambdas."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from orcid_sync.domain.orcid_ids import InvalidOrcidId, normalize_orcid_id
from orcid_sync.ops.cli import add_ops_parser
from orcid_sync.orbit.eligibility import check_eligibility
from orcid_sync.orbit.pure_json import MalformedResearchOutput, publication_from_pure
from orcid_sync.orcid.work import WorkNotSendable
from orcid_sync.orcid.work_xml import work_to_xml
from orcid_sync.sync.work_builder import work_from_publication

EXIT_BAD_INPUT = 2
EXIT_NOT_SENDABLE = 3
EXIT_NOT_CONNECTED = 4


def _check_orcid_id(args: argparse.Namespace) -> int:
    try:
        print(normalize_orcid_id(args.orcid_id))
    except InvalidOrcidId as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def _preview_work(args: argparse.Namespace) -> int:
    """Print the ORCID work XML for a Pure research output; 2 for bad input, 3 when it may not go."""
    try:
        orcid_id = normalize_orcid_id(args.orcid) if args.orcid else None
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
        publication = publication_from_pure(data)
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(EXIT_BAD_INPUT, f"cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}")
    except json.JSONDecodeError as exc:
        return _fail(EXIT_BAD_INPUT, f"{args.file} is not JSON: {exc}")
    except (MalformedResearchOutput, InvalidOrcidId) as exc:
        return _fail(EXIT_BAD_INPUT, str(exc))
    person_uuid = args.person or publication.first_internal_author
    eligibility = check_eligibility(publication, person_uuid=args.person)
    if not eligibility.eligible:
        return _fail(EXIT_NOT_SENDABLE, f"not sent to ORCID ({eligibility.reason}): {eligibility.detail}")
    try:
        build = work_from_publication(publication, person_uuid=person_uuid, orcid_id=orcid_id)
        xml = work_to_xml(build.work)
    except WorkNotSendable as exc:
        return _fail(EXIT_NOT_SENDABLE, f"not sent to ORCID: {exc.reason}")
    for dropped in build.dropped:
        print(f"warning: left out {dropped.field} {dropped.value!r}: {dropped.reason}", file=sys.stderr)
    # Bytes straight to stdout: the XML is UTF-8 whatever the terminal's encoding.
    sys.stdout.flush()
    sys.stdout.buffer.write(xml + b"\n")
    sys.stdout.buffer.flush()
    return 0


def _preview_employment(args: argparse.Namespace) -> int:
    """Print the ORCID employment XML for each staff association of a Pure person (either shape)."""
    from datetime import UTC, datetime

    from orcid_sync.orbit.staff import MalformedPerson, staff_from_pure
    from orcid_sync.orcid.employment import EmploymentNotSendable, employment_to_xml
    from orcid_sync.sync.employment_mapping import DTU, employment_from_association

    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
        staff = staff_from_pure(data)
        employer = DTU.model_copy(update={"ror": args.ror}) if args.ror else DTU
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(EXIT_BAD_INPUT, f"cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}")
    except json.JSONDecodeError as exc:
        return _fail(EXIT_BAD_INPUT, f"{args.file} is not JSON: {exc}")
    except MalformedPerson as exc:
        return _fail(EXIT_BAD_INPUT, str(exc))
    for why in staff.unreadable:
        print(f"warning: left out {why}", file=sys.stderr)
    today = datetime.now(UTC).date()
    documents: list[bytes] = []
    for association in staff.associations:
        if association.start is not None and not association.started_by(today):
            print(f"note: association {association.id} starts on {association.start}", file=sys.stderr)
            continue
        try:
            employment = employment_from_association(association, employer, staff.portal_url)
            documents.append(employment_to_xml(employment))
        except EmploymentNotSendable as exc:
            print(f"warning: association {association.id} not sent: {exc.reason}", file=sys.stderr)
    if not documents:
        return _fail(EXIT_NOT_SENDABLE, "not sent to ORCID: the person has no staff association ORCID takes")
    sys.stdout.flush()
    sys.stdout.buffer.write(b"\n".join(documents) + b"\n")
    sys.stdout.buffer.flush()
    return 0


def _plan(args: argparse.Namespace) -> int:
    """Print what a full sync of one researcher would do now, with reasons; write nothing."""
    from orcid_sync.config import Settings, SettingsError
    from orcid_sync.sync.factory import build_sync_service
    from orcid_sync.sync.preview import describe
    from orcid_sync.sync.service import NoActiveConsent

    try:
        settings = Settings.from_env(_function_environment(args.function) if args.function else None)
        preview = build_sync_service(settings).preview(args.person, restore=args.restore)
    except SettingsError as exc:
        return _fail(EXIT_BAD_INPUT, f"{exc} (run with the sync worker's environment, or give --function)")
    except NoActiveConsent as exc:
        return _fail(EXIT_NOT_CONNECTED, str(exc))
    for line in describe(args.person, preview):
        print(line)
    return 0


def _function_environment(name: str) -> dict[str, str]:
    """A deployed function's environment variables (needs lambda:GetFunctionConfiguration)."""
    import boto3

    configuration = boto3.client("lambda").get_function_configuration(FunctionName=name)
    return dict(configuration.get("Environment", {}).get("Variables", {}))


def _fail(code: int, message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="orcid-sync", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check-orcid-id", help="verify an ORCID iD's checksum and print it in canonical form"
    )
    check.add_argument("orcid_id")
    check.set_defaults(run=_check_orcid_id)
    preview = commands.add_parser(
        "preview-work",
        help="print the ORCID work XML for a Pure research output (JSON file, either Pure API shape)",
        description="Exit 0 with the XML on stdout; 2 when the input is unreadable or not a research "
        "output; 3 when the output may not go to ORCID (the reason is printed on stderr).",
    )
    preview.add_argument("file", help="a Pure research output as JSON")
    preview.add_argument(
        "--person", help="the researcher's Orbit person uuid (default: first internal author)"
    )
    preview.add_argument("--orcid", help="the researcher's ORCID iD, written as contributor-orcid")
    preview.set_defaults(run=_preview_work)
    employment = commands.add_parser(
        "preview-employment",
        help="print the ORCID employment XML for a Pure person's staff associations (either Pure API shape)",
        description="One employment:employment document per staff association that has started, as the "
        "sync writes it. Exit 0 with the XML on stdout; 2 when the input is unreadable or not a person; "
        "3 when no association may go to ORCID (the reasons are printed on stderr). The newer Pure API "
        "names units by reference only: their names need Orbit, so this command leaves them out.",
    )
    employment.add_argument("file", help="a Pure person as JSON")
    employment.add_argument("--ror", help="the employer's ROR id (default: DTU's, https://ror.org/04qtj9h94)")
    employment.set_defaults(run=_preview_employment)
    _add_plan(commands)
    add_ops_parser(commands)
    return parser


def _add_plan(commands: Any) -> None:
    plan = commands.add_parser(
        "plan",
        help="print what a full sync of one researcher would do now (a dry run: writes nothing)",
        description="Reads Orbit, the work links and the researcher's ORCID record and prints each "
        "create, update, adopt, delete and leave with its reason; writes nothing to ORCID or to our "
        "tables. Uses the sync worker's environment variables (the local stack sets them), or those of "
        "the deployed function named by --function. Exit 4 when PERSON has no active consent. "
        "Example: orcid-sync plan 3f1c…e2 --function orcid-sync-SyncWorkerFunction-AbC123",
    )
    plan.add_argument("person", help="the researcher's Orbit person uuid")
    plan.add_argument("--restore", action="store_true", help="plan as a restore would (removed works back)")
    plan.add_argument("--function", help="the deployed sync worker's function name, to read its settings")
    plan.set_defaults(run=_plan)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
