"""The service as an ASGI app, built by :func:`create_app` (nothing is built at import).

``/v1`` is the API (:mod:`sopfsm.service.api`); ``/healthz`` (liveness), ``/readyz``
(readiness, which asks the store), ``/metrics`` (:mod:`sopfsm.service.metrics`) and
``/openapi.json`` need no token; the browser screens (:mod:`sopfsm.service.pages`) and
``/static`` sit beside them. Every request gets a request id and one log line
(:mod:`sopfsm.service.logs`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sopfsm.errors import ServiceConfigError, SopfsmError, StoreError
from sopfsm.service import (
    api,
    delivery_api,
    metrics,
    practice_api,
    problems,
    record_api,
    retention,
    session,
    stored_calls,
)
from sopfsm.service.auth import TokenFile, Tokens, load_secret
from sopfsm.service.config import ServiceConfig
from sopfsm.service.headers import SecurityHeaders
from sopfsm.service.logs import RequestLog
from sopfsm.service.openapi import description
from sopfsm.service.pages import page_routes
from sopfsm.store.base import CallStore

if TYPE_CHECKING:
    from sopfsm.delivery import Deliverer

STATIC = Path(__file__).parent / "static"


def create_app(config: ServiceConfig, store: CallStore, *, owns_store: bool = False) -> Starlette:
    """The service on ``store``; with ``owns_store`` it closes the store on shutdown.

    Raises :class:`ServiceConfigError` for a token file it cannot use, or for a host
    off loopback without one (dev mode is loopback only).
    """
    tokens = _tokens(config)
    _check_transport(config)
    _serve_sops(config)
    deliverer = _deliverer(config, store)
    openapi = description()

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> Response:
        try:
            await run_in_threadpool(store.check)
        except StoreError as error:
            return problems.problem(503, problems.error_body(error))
        return JSONResponse({"status": "ready", "store": store.where})

    async def openapi_json(_request: Request) -> Response:
        return Response(openapi, media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        retention = None
        if config.retain_days is not None:
            retention = asyncio.create_task(_retain(store, config.retain_days))
        delivering = None
        if deliverer is not None:
            delivering = threading.Thread(target=deliverer.run, name="sopfsm-deliverer")
            delivering.start()
        yield
        if retention is not None:
            retention.cancel()
        if deliverer is not None and delivering is not None:
            # Attempts in flight end within the deliverer's timeout; what they did not
            # settle is sent again by the next deliverer once its lease runs out.
            await run_in_threadpool(deliverer.close)
            await run_in_threadpool(delivering.join)
        if owns_store:
            await run_in_threadpool(store.close)

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/openapi.json", openapi_json, methods=["GET"]),
            Route("/metrics", metrics.metrics, methods=["GET"]),
            Mount(
                "/v1",
                routes=[
                    *api.routes(),
                    *record_api.routes(),
                    *practice_api.api_routes(),
                    *delivery_api.routes(),
                ],
            ),
            Mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static"),
            *page_routes(),
            *practice_api.page_routes(),
            *session.page_routes(),
        ],
        exception_handlers={
            SopfsmError: problems.on_sopfsm_error,
            problems.HttpProblem: problems.on_http_problem,
            HTTPException: problems.on_starlette_http,
        },
        lifespan=lifespan,
        middleware=[Middleware(RequestLog), Middleware(SecurityHeaders)],
    )
    app.state.config = config
    app.state.store = store
    app.state.tokens = tokens
    app.state.live_calls = stored_calls.LiveCalls()
    app.state.deliverer = deliverer
    app.state.reported = deliverer.wake if deliverer is not None else None
    app.state.signing_key = load_secret(config.secret_file) if config.secret_file else None
    # Sessions signed with the service's secret survive a restart and are good on every
    # worker; without one, each process signs its own and a restart signs everyone out.
    key = app.state.signing_key
    app.state.session_secret = key.secret if key is not None else session.new_secret()
    return app


PURGE_EVERY = 24 * 60 * 60.0


async def _retain(store: CallStore, days: int) -> None:
    """Purge the personal data of calls that ended more than ``days`` ago, now and daily."""
    log = logging.getLogger("sopfsm.service")
    while True:
        now = dt.datetime.now(dt.UTC)
        try:
            changed = await run_in_threadpool(
                retention.purge, store, now - dt.timedelta(days=days), now
            )
            log.info("personal data removed from %d call(s) ended over %d days ago", changed, days)
        except SopfsmError as error:
            log.error("purge of personal data failed: %s", error)
        await asyncio.sleep(PURGE_EVERY)


def _deliverer(config: ServiceConfig, store: CallStore) -> Deliverer | None:
    """The deliverer of APKT reports this process runs, if ``deliver_to`` is set: it
    sends what the store's outbox holds, woken by each change that makes a report."""
    if config.deliver_to is None:
        return None
    from sopfsm.delivery import Deliverer, check_endpoint, read_keys

    endpoint = check_endpoint(config.deliver_to, "--deliver-to")
    if config.delivery_keys is None:
        raise ServiceConfigError(
            "--delivery-keys",
            "reports are signed: give --delivery-keys FILE (lines `NAME SECRET`), or "
            "--dev, which makes a key for the session",
        )
    return Deliverer(store, endpoint, read_keys(config.delivery_keys))


def _serve_sops(config: ServiceConfig) -> None:
    """Add the SOP folder's versions to the catalogue, or refuse the folder whole
    (:class:`SopFolderError` naming each problem and the files left unloaded). A version
    already added from the same file (the CLI's ``--sops``, an app built again in one
    process) is not added twice."""
    if config.sops is None:
        return
    from sopfsm.catalogue import add_versions, added_versions
    from sopfsm.formats.folder import load_sop_folder

    held = added_versions()
    entries = [entry for entry in load_sop_folder(config.sops) if entry not in held]
    if entries:
        add_versions(entries, folder=str(config.sops))


def _check_transport(config: ServiceConfig) -> None:
    """Bearer tokens and session cookies cross the network only encrypted: off loopback
    the service serves TLS itself, or is told it sits behind a proxy that does."""
    if (config.tls_cert is None) != (config.tls_key is None):
        raise ServiceConfigError("--tls-cert/--tls-key", "give both the certificate and its key")
    if config.loopback or config.tls_cert is not None or config.behind_proxy:
        return
    raise ServiceConfigError(
        "--host",
        f"{config.host} is off loopback and tokens would cross the network in clear: give "
        "--tls-cert FILE --tls-key FILE, or --behind-proxy when a TLS proxy serves it",
    )


def _tokens(config: ServiceConfig) -> Tokens | TokenFile:
    if config.tokens_file is not None:
        return TokenFile(config.tokens_file)
    if config.dev and config.loopback:
        return Tokens(dev=True)
    if config.dev:
        raise ServiceConfigError(
            "--dev",
            f"dev mode accepts any token, so it listens on loopback only, not {config.host}",
        )
    raise ServiceConfigError(
        "--tokens",
        "no token file: give --tokens FILE (or SOPFSM_TOKENS_FILE), or --dev on loopback",
    )
