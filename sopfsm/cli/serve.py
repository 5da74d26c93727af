"""``sopfsm serve``: the call service over HTTP (needs the ``serve`` extra).

It opens the store (creating and migrating it, refusing one of an unknown schema),
refuses a host off loopback without tokens, prints where it listens and where its store
is, and hands over to uvicorn. With ``--workers N`` each uvicorn worker process opens
its own store from the same settings.
"""

from __future__ import annotations

import argparse
import json
import os
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
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from sopfsm.service.config import ServiceConfig, from_environment
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
            retain_days=args.retain_days,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            behind_proxy=args.behind_proxy,
        )
    )
    import uvicorn

    app = _app(config)  # refuses bad settings and an unknown schema before listening
    where = app.state.store.where
    scheme = "https" if config.tls_cert else "http"
    print(
        f"sopfsm serve: listening on {scheme}://{_hostport(config.host, config.port)}", flush=True
    )
    print(f"sopfsm serve: call store {where}", flush=True)
    key = app.state.signing_key
    if key is None:
        print("sopfsm serve: saved calls are not signed (give --secret FILE)", flush=True)
    else:
        print(f"sopfsm serve: saved calls signed with key {key.id}", flush=True)
    if config.dev:
        print("sopfsm serve: dev mode: any bearer token is accepted as its agent id", flush=True)
    tls: dict[str, Any] = {"proxy_headers": config.behind_proxy}
    if config.tls_cert is not None:
        tls.update(ssl_certfile=str(config.tls_cert), ssl_keyfile=str(config.tls_key))
    if config.workers == 1:
        uvicorn.run(app, host=config.host, port=config.port, log_level="warning", **tls)
    else:
        app.state.store.close()
        os.environ[CONFIG_ENV] = _dump(config)
        uvicorn.run(
            "sopfsm.cli.serve:worker_app",
            factory=True,
            host=config.host,
            port=config.port,
            workers=config.workers,
            log_level="warning",
            **tls,
        )
    return ExitCode.OK


def _app(config: Any) -> Any:
    from sopfsm.service.app import create_app
    from sopfsm.store import open_store

    store = open_store(config.store)
    try:
        return create_app(config, store, owns_store=True)
    except BaseException:
        store.close()
        raise


def worker_app() -> Any:
    """The app of one uvicorn worker process, from the settings ``serve`` passed on."""
    from sopfsm.service.config import ServiceConfig

    data = json.loads(os.environ[CONFIG_ENV])
    for key in ("tokens_file", "secret_file", "tls_cert", "tls_key"):
        data[key] = Path(data[key]) if data[key] else None
    return _app(ServiceConfig(**data))


def _dump(config: Any) -> str:
    import attrs

    return json.dumps(
        {k: str(v) if isinstance(v, Path) else v for k, v in attrs.asdict(config).items()}
    )


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
