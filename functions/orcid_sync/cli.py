"""The `orcid-sync` command: operator tools that run the same code as the Lambdas."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from orcid_sync.orcid.ids import InvalidOrcidId, normalize_orcid_id


def _check_orcid_id(args: argparse.Namespace) -> int:
    try:
        print(normalize_orcid_id(args.orcid_id))
    except InvalidOrcidId as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="orcid-sync", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check-orcid-id", help="verify an ORCID iD's checksum and print it in canonical form"
    )
    check.add_argument("orcid_id")
    check.set_defaults(run=_check_orcid_id)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
