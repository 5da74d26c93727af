"""``sopfsm serve``: the call service over HTTP (needs the ``serve`` extra).

It opens the store (creating and migrating it, refusing one of an unknown schema),
refuses a host off loopback without tokens, binds its port (:mod:`sopfsm.cli.listening`),
prints where it listens and where its store is, and hands over to uvicorn. With
``--workers N`` each uvicorn worker process listens on a socket of its own (on Linux),
opens its own store from the same settings, and writes its metrics where ``/metrics`` in
any worker finds them (``$PROMETHEUS_MULTIPROC_DIR``, a fresh folder unless given). SIGTERM
stops listening, lets requests in flight finish for up to ``--shutdown-seconds``, closes
the store (the last commits are written) and exits 0. Each request is one JSON line on
standard error (:mod:`sopfsm.service.logs`).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
from pathlib import Path
from typing import Any

from sopfsm.cli.exit import ExitCode

CONFIG_ENV = "SOPFSM_SERVE_CONFIG"  # how the settings reach uvicorn's worker processes


def add_commands(commands: Any) -> None:
    serve = commands.add_parser("serve", help="the call service over HTTP, with a call store")
    serve.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8123, help="port (default: 8123)")
    serve.add_argument("--workers", type=int, default=1, help="server processes (default: 1)")
    serve.add_argument(
        "--store",
        default=None,
        metavar="URL",
        help="sqlite:///PATH, postgresql://USER@HOST/DB or memory: "
        "(default: sqlite, sopfsm-calls.db in the working directory)",
    )
    serve.add_argument(
        "--tokens",
        type=Path,
        default=None,
        metavar="FILE",
        help="`TOKEN AGENT_ID` lines (default: $SOPFSM_TOKENS_FILE); required off loopback",
    )
    serve.add_argument(
        "--secret",
        type=Path,
        default=None,
        metavar="FILE",
        help="key that signs saved calls (default: $SOPFSM_SECRET_FILE)",
    )
    serve.add_argument(
        "--shutdown-seconds",
        type=int,
        default=None,
        metavar="S",
        help="on SIGTERM, how long requests in flight may take to finish (default: 20)",
    )
    serve.add_argument(
        "--worker-check-seconds",
        type=int,
        default=None,
        metavar="S",
        help="with workers: how long a worker may take to answer a health check before it "
        "is replaced, 1 to 3600 (default: 5); a stop may wait this long first",
    )
    serve.add_argument(
        "--dev", action="store_true", help="loopback only: any bearer token, used as the agent id"
    )
    serve.add_argument(
        "--tls-cert", type=Path, default=None, metavar="FILE", help="serve HTTPS: PEM certificate"
    )
    serve.add_argument(
        "--tls-key", type=Path, default=None, metavar="FILE", help="serve HTTPS: PEM private key"
    )
    serve.add_argument(
        "--behind-proxy",
        action="store_true",
        help="off loopback without TLS: a TLS proxy in front serves HTTPS",
    )
    serve.add_argument(
        "--retain-days",
        type=int,
        default=None,
        metavar="DAYS",
        help="purge personal data of calls ended more than DAYS ago, at start and daily",
    )
    serve.add_argument(
        "--deliver-to",
        default=None,
        metavar="URL",
        help="POST each call's APKT report to this http(s) endpoint (default: "
        "$SOPFSM_DELIVER_TO; unset: reports wait for `sopfsm deliver`)",
    )
    serve.add_argument(
        "--delivery-keys",
        type=Path,
        default=None,
        metavar="FILE",
        help="`NAME SECRET` lines; the first signs deliveries (default: $SOPFSM_DELIVERY_KEYS;"
        " with --dev, a key made for the session)",
    )
    serve.add_argument(
        "--sops",
        type=Path,
        default=None,
        metavar="DIR",
        help="a folder of SOP files whose versions are served added to the bundled SOPs or "
        "overriding them (default: sopfsm --sops DIR, or $SOPFSM_SOPS)",
    )
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from sopfsm.service.config import (
        SHUTDOWN_SECONDS,
        WORKER_CHECK_LIMIT,
        WORKER_CHECK_SECONDS,
        ServiceConfig,
        from_environment,
    )
    from sopfsm.store import DEFAULT_SQLITE

    store_url = args.store or f"sqlite:///{Path.cwd() / DEFAULT_SQLITE}"
    config = from_environment(
        ServiceConfig(
            host=args.host,
            port=args.port,
            workers=max(1, args.workers),
            store=store_url,
            tokens_file=args.tokens,
            dev=args.dev,
            secret_file=args.secret,
            shutdown_seconds=SHUTDOWN_SECONDS
            if args.shutdown_seconds is None
            else max(0, args.shutdown_seconds),
            worker_check_seconds=WORKER_CHECK_SECONDS
            if args.worker_check_seconds is None
            else args.worker_check_seconds,
            retain_days=args.retain_days,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            behind_proxy=args.behind_proxy,
            deliver_to=args.deliver_to,
            delivery_keys=args.delivery_keys,
            sops=args.sops or _path(getattr(args, "sop_folder", None)),
        )
    )
    if not 1 <= config.worker_check_seconds <= WORKER_CHECK_LIMIT:
        from sopfsm.errors import ServiceConfigError

        raise ServiceConfigError(
            "--worker-check-seconds",
            f"{config.worker_check_seconds} is out of range: a worker's health check may "
            f"wait 1 to {WORKER_CHECK_LIMIT} seconds (default: {WORKER_CHECK_SECONDS})",
        )
    config = _dev_delivery_key(config)
    if config.workers > 1 and store_url.startswith("memory:"):
        from sopfsm.errors import ServiceConfigError

        raise ServiceConfigError(
            "--workers",
            f"{config.workers} workers cannot share a memory: store (each process would "
            "keep calls of its own); use --workers 1, or sqlite:///PATH or postgresql://...",
        )
    if config.workers > 1:
        _metrics_folder()  # before prometheus_client is imported: it reads it at import
    # uvicorn drains on SIGTERM, then raises the signal again through the handler it found:
    # a stop asked for and carried out is a clean exit (0), not death by signal.
    signal.signal(signal.SIGTERM, _drained)
    from sopfsm.cli import listening

    app = _app(config)  # refuses bad settings and an unknown schema before listening
    spread = config.workers > 1 and listening.SPREADS
    try:
        held = listening.bind(config.host, config.port, spread=spread)
    except BaseException:
        app.state.store.close()
        raise
    try:
        port = held[0].getsockname()[1]
        _tell(config, app, port)
        _run(config, app, port, listening.for_each_worker(held) if spread else held)
    finally:
        for sock in held:
            sock.close()
    return ExitCode.OK


def _tell(config: Any, app: Any, port: int) -> None:
    """What the service is about to do, where, and with what, on standard output."""
    scheme = "https" if config.tls_cert else "http"
    print(f"sopfsm serve: listening on {scheme}://{_hostport(config.host, port)}", flush=True)
    print(f"sopfsm serve: call store {app.state.store.where}", flush=True)
    _tell_sops(config)
    key = app.state.signing_key
    if key is None:
        print("sopfsm serve: saved calls are not signed (give --secret FILE)", flush=True)
    else:
        print(f"sopfsm serve: saved calls signed with key {key.id}", flush=True)
    if config.dev:
        print("sopfsm serve: dev mode: any bearer token is accepted as its agent id", flush=True)
    _tell_delivery(app)


def _run(config: Any, app: Any, port: int, sockets: list[Any]) -> None:
    """uvicorn serving ``app`` on ``sockets`` (:mod:`sopfsm.cli.listening`), or with
    workers, each worker its own app."""
    import uvicorn

    settings: dict[str, Any] = {
        "host": config.host,
        "port": port,
        "log_level": "warning",
        "timeout_graceful_shutdown": config.shutdown_seconds,
        "proxy_headers": config.behind_proxy,
    }
    if config.tls_cert is not None:
        settings.update(ssl_certfile=str(config.tls_cert), ssl_keyfile=str(config.tls_key))
    if config.workers == 1:
        global _SERVER  # noqa: PLW0603 - the SIGTERM handler stops the one server there is
        _SERVER = uvicorn.Server(uvicorn.Config(app, **settings))
        _SERVER.run(sockets=sockets)
        return
    from uvicorn.supervisors import Multiprocess

    app.state.store.close()
    os.environ[CONFIG_ENV] = _dump(config)
    workers = uvicorn.Config(
        "sopfsm.cli.serve:worker_app",
        factory=True,
        workers=config.workers,
        timeout_worker_healthcheck=config.worker_check_seconds,
        **settings,
    )
    import logging

    # The supervisor's few lines (a worker that died or stopped answering and was
    # replaced, a stop asked for) are what an operator of workers must see; uvicorn says
    # them at INFO, below the warnings its servers are kept to.
    logging.getLogger("uvicorn.error").setLevel(logging.INFO)
    Multiprocess(workers, sockets=sockets).run()


def _dev_delivery_key(config: Any) -> Any:
    """With --dev and --deliver-to but no keys, a key made for this session (written to a
    file every worker reads), so that a newcomer can try delivery at once."""
    if config.deliver_to is None or config.delivery_keys is not None or not config.dev:
        return config
    import attrs

    from sopfsm.delivery import dev_key

    _key, path = dev_key()
    return attrs.evolve(config, delivery_keys=path)


def _tell_sops(config: Any) -> None:
    if config.sops is None:
        return
    from sopfsm.catalogue import added_versions

    served = sorted(f"{spec.sop_id}@{spec.version}" for spec, _ in added_versions())
    print(
        f"sopfsm serve: SOP folder {config.sops}: {', '.join(served) or 'no SOP files'}",
        flush=True,
    )


def _tell_delivery(app: Any) -> None:
    deliverer = app.state.deliverer
    if deliverer is None:
        print("sopfsm serve: APKT reports wait in the store (give --deliver-to URL)", flush=True)
        return
    from sopfsm.delivery.endpoint import shown

    keys = app.state.config.delivery_keys
    print(
        f"sopfsm serve: APKT reports delivered to {shown(deliverer.endpoint)}, signed with key "
        f"{deliverer.key.id} (keys file {keys})",
        flush=True,
    )


_SERVER: Any = None  # the uvicorn server of a one-process service, once made


def _drained(_signal: int, _frame: object) -> None:
    """SIGTERM: once uvicorn has drained its requests and closed the store, exit as asked;
    before uvicorn has taken the signal over (while starting), stop all the same."""
    if _SERVER is not None:
        _SERVER.should_exit = True  # before it serves, it starts and stops at once
        return
    raise SystemExit(ExitCode.OK)


def _metrics_folder() -> None:
    """The folder the workers write their metrics to: the one given, emptied, or a new one."""
    import tempfile

    from sopfsm.service.config import MULTIPROC_ENV  # metrics would import prometheus_client

    given = os.environ.get(MULTIPROC_ENV)
    if not given:
        os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="sopfsm-metrics-")
        return
    folder = Path(given)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # a previous run's figures would be added in
        stale.unlink()


def _app(config: Any) -> Any:
    from sopfsm.service.app import create_app
    from sopfsm.service.logs import configure
    from sopfsm.store import open_store

    configure()

    store = open_store(config.store)
    try:
        app = create_app(config, store, owns_store=True)
    except BaseException:
        store.close()
        raise
    quiet_collector()
    return app


GC_THRESHOLDS = (100_000, 50, 100)


def quiet_collector() -> None:
    """Move what the server holds from the start (the SOPs, their compiled tables, the app)
    out of the cyclic garbage collector's reach, and run its youngest pass every 100,000
    allocations, not every 700: the collector's passes over every call a process holds
    stalled answers for tens of milliseconds, half the p99 latency measured by
    ``benchmarks/service.py``. Young cycles are still collected; the server makes few."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def worker_app() -> Any:
    """The app of one uvicorn worker process, from the settings ``serve`` passed on."""
    from sopfsm.service.config import ServiceConfig

    data = json.loads(os.environ[CONFIG_ENV])
    for key in ("tokens_file", "secret_file", "tls_cert", "tls_key", "delivery_keys", "sops"):
        data[key] = Path(data[key]) if data[key] else None
    return _app(ServiceConfig(**data))


def _dump(config: Any) -> str:
    import attrs

    return json.dumps(
        {k: str(v) if isinstance(v, Path) else v for k, v in attrs.asdict(config).items()}
    )


def _path(text: str | None) -> Path | None:
    return Path(text) if text else None


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
