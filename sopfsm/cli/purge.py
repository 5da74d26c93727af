"""``sopfsm purge``: remove the personal data of calls that ended long enough ago.

What QA needs stays: the answers' classes, the path, outcome, clause, agent and times
(:func:`sopfsm.service.retention.purge`).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from sopfsm.cli.exit import ExitCode


def add_commands(commands: Any) -> None:
    purge = commands.add_parser(
        "purge", help="remove the personal data of calls that ended more than DAYS ago"
    )
    purge.add_argument(
        "--older-than", type=_days, required=True, metavar="DAYS", help="whole days (>= 0)"
    )
    purge.add_argument("--store", required=True, metavar="URL", help="the call store")
    purge.set_defaults(handler=_purge)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"DAYS must be a whole number, not {text!r}") from None
    if days < 0:
        raise argparse.ArgumentTypeError(f"DAYS must be 0 or more, not {days}")
    return days


def _purge(args: argparse.Namespace) -> int:
    from sopfsm.service.retention import purge
    from sopfsm.store import open_store

    store = open_store(args.store)
    try:
        now = dt.datetime.now(dt.UTC)
        changed = purge(store, now - dt.timedelta(days=args.older_than), now)
        print(f"sopfsm purge: personal data removed from {changed} call(s) in {store.where}")
    finally:
        store.close()
    return ExitCode.OK
