"""``sopfsm deliver`` sends the APKT reports waiting in a store; ``sopfsm deliveries``
shows them and retries one by hand (both need the ``serve`` extra).

``deliver`` runs until SIGTERM or Ctrl-C (finishing the attempts in flight), or, with
``--once``, sends what is due now and exits. Several ``deliver`` processes may share one
PostgreSQL store; on SQLite a second one waits for the first to stop.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from sopfsm.cli.exit import ExitCode

# As sopfsm.service.config names them; not imported from there, since the CLI loads the
# service only to serve (tests/test_public_api.py).
DELIVER_TO_ENV = "SOPFSM_DELIVER_TO"
DELIVERY_KEYS_ENV = "SOPFSM_DELIVERY_KEYS"


def add_commands(commands: Any) -> None:
    deliver = commands.add_parser(
        "deliver", help="POST the APKT reports waiting in a call store to the APKT endpoint"
    )
    deliver.add_argument("--store", required=True, metavar="URL", help="the call store")
    deliver.add_argument(
        "--to",
        default=None,
        metavar="URL",
        help=f"the APKT endpoint, http(s)://HOST/PATH (default: ${DELIVER_TO_ENV})",
    )
    deliver.add_argument(
        "--keys",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"`NAME SECRET` lines; the first signs (default: ${DELIVERY_KEYS_ENV})",
    )
    deliver.add_argument(
        "--once", action="store_true", help="send what is due now, then exit (for cron or tests)"
    )
    deliver.add_argument(
        "--poll", type=_seconds, default=1.0, metavar="S", help="seconds between looks (1)"
    )
    deliver.add_argument(
        "--timeout", type=_seconds, default=10.0, metavar="S", help="seconds per attempt (10)"
    )
    deliver.set_defaults(handler=_deliver)

    deliveries = commands.add_parser(
        "deliveries", help="list the APKT report deliveries of a call store, or retry one"
    )
    deliveries.add_argument("--store", required=True, metavar="URL", help="the call store")
    deliveries.add_argument(
        "--state", choices=("pending", "delivered", "dead"), default=None, help="only these"
    )
    deliveries.add_argument("--limit", type=_limit, default=50, metavar="N", help="1-500 (50)")
    deliveries.add_argument(
        "--retry", type=_delivery_id, default=None, metavar="ID", help="make delivery ID due now"
    )
    deliveries.add_argument("--json", action="store_true", help="one JSON object a line")
    deliveries.set_defaults(handler=_deliveries)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.01 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"S must be seconds from 0.01 to 3600, not {text!r}")
    return value


def _limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 500:
        raise argparse.ArgumentTypeError(f"N must be a whole number from 1 to 500, not {text!r}")
    return int(text)


def _delivery_id(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) < 2**63:
        raise argparse.ArgumentTypeError(f"ID must be a delivery id (1 or more), not {text!r}")
    return int(text)


def _deliver(args: argparse.Namespace) -> int:
    from sopfsm.delivery import Deliverer, DeliveryOptions, check_endpoint, read_keys
    from sopfsm.errors import DeliveryConfigError
    from sopfsm.store import open_store

    endpoint = args.to or os.environ.get(DELIVER_TO_ENV)
    if not endpoint:
        raise DeliveryConfigError("--to", f"give the APKT endpoint (or ${DELIVER_TO_ENV})")
    check_endpoint(endpoint)
    keys_file = args.keys or (Path(k) if (k := os.environ.get(DELIVERY_KEYS_ENV)) else None)
    if keys_file is None:
        raise DeliveryConfigError("--keys", f"give the keys file (or ${DELIVERY_KEYS_ENV})")
    keys = read_keys(keys_file)
    store = open_store(args.store)
    deliverer = Deliverer(
        store, endpoint, keys, DeliveryOptions(poll=args.poll, timeout=args.timeout)
    )
    try:
        if args.once:
            sent = deliverer.drain()
            if sent is None:
                print(
                    f"sopfsm deliver: another deliverer is sending from {store.where}; "
                    "on SQLite one at a time",
                    file=sys.stderr,
                )
                return ExitCode.BAD_INPUT
            print(f"sopfsm deliver: {sent} attempt(s) made; see `sopfsm deliveries`")
            return ExitCode.OK
        from sopfsm.delivery.endpoint import shown

        print(
            f"sopfsm deliver: from {store.where} to {shown(endpoint)}, signed with key "
            f"{deliverer.key.id}",
            flush=True,
        )
        for stop in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop, lambda _signal, _frame: deliverer.stop())
        deliverer.run()
    finally:
        deliverer.close()
        store.close()
    return ExitCode.OK


def _deliveries(args: argparse.Namespace) -> int:
    from sopfsm.call import utc_now
    from sopfsm.delivery.view import delivery_body
    from sopfsm.store import open_store

    store = open_store(args.store, read_only=args.retry is None)
    try:
        if args.retry is not None:
            again = store.retry(args.retry, utc_now())
            print(f"sopfsm deliveries: delivery {again.id} ({again.idempotency_key}) is due now")
            return ExitCode.OK
        found = store.deliveries(args.state, None, args.limit)
    finally:
        store.close()
    for delivery in found:
        body = delivery_body(delivery)
        if args.json:
            print(json.dumps(body, ensure_ascii=False))
            continue
        why = f"  {body['last_error']}" if body["last_error"] else ""
        print(
            f"{body['id']:>6}  {body['state']:<9} {body['idempotency_key']}  "
            f"{body['kind']:<10} attempts {body['attempts']}{why}"
        )
    return ExitCode.OK
