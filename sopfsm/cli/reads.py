"""``sopfsm reads``: who read which call's full record (personal data included), and when.

Every read of a full record by ``qa`` or a ``supervisor`` is kept in the store
(:func:`sopfsm.service.personal.record_read`); this lists them, newest first, as
``GET /v1/personal-reads`` does for a supervisor or admin over HTTP.
"""

from __future__ import annotations

import argparse
from typing import Any

from sopfsm.cli._common import print_json
from sopfsm.cli.exit import ExitCode

MAX_READS = 10_000


def add_commands(commands: Any) -> None:
    reads = commands.add_parser(
        "reads", help="list the recorded reads of personal data (who, which call, when)"
    )
    reads.add_argument("--store", required=True, metavar="URL", help="the call store")
    reads.add_argument("--call", metavar="ID", help="only the reads of this call")
    reads.add_argument("--agent", metavar="A", help="only the reads by this agent")
    reads.add_argument(
        "--limit",
        type=_limit,
        default=100,
        metavar="N",
        help=f"at most N reads, newest first (1 to {MAX_READS:,}; default: 100)",
    )
    reads.add_argument("--json", action="store_true", help="as JSON, as the HTTP API lists them")
    reads.set_defaults(handler=_reads)


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"N must be a whole number, not {text!r}") from None
    if not 1 <= value <= MAX_READS:
        raise argparse.ArgumentTypeError(f"N must be 1 to {MAX_READS}, not {value}")
    return value


def _reads(args: argparse.Namespace) -> int:
    from sopfsm.store import open_store

    store = open_store(args.store)
    try:
        found = store.reads(args.call, args.limit, args.agent)
    finally:
        store.close()
    rows = [
        {"agent": r.agent, "role": r.role, "call": r.call_id, "at": r.at.isoformat()} for r in found
    ]
    if args.json:
        print_json({"reads": rows})
        return ExitCode.OK
    if not rows:
        print("no recorded reads")
        return ExitCode.OK
    width = max(len(r["agent"]) for r in rows)
    for row in rows:
        print(f"{row['at']}  {row['agent']:<{width}}  {row['role']:<10}  {row['call']}")
    return ExitCode.OK
