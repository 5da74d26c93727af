"""The service as an ASGI app, built by :func:`create_app` (nothing is built at import).

``/v1`` is the API (:mod:`sopfsm.service.api`); ``/healthz`` (liveness), ``/readyz``
(readiness, which asks the store) and ``/openapi.json`` need no token; the browser
screens (:mod:`sopfsm.service.pages`) and ``/static`` sit beside them.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sopfsm.errors import ServiceConfigError, SopfsmError, StoreError
from sopfsm.service import api, practice_api, problems, record_api, stored_calls
from sopfsm.service.auth import Tokens, load_secret, load_tokens
from sopfsm.service.config import ServiceConfig
from sopfsm.service.openapi import description
from sopfsm.service.pages import page_routes
from sopfsm.store.base import CallStore

STATIC = Path(__file__).parent / "static"


def create_app(config: ServiceConfig, store: CallStore, *, owns_store: bool = False) -> Starlette:
    """The service on ``store``; with ``owns_store`` it closes the store on shutdown.

    Raises :class:`ServiceConfigError` for a token file it cannot use, or for a host
    off loopback without one (dev mode is loopback only).
    """
    tokens = _tokens(config)
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
        yield
        if owns_store:
            await run_in_threadpool(store.close)

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/openapi.json", openapi_json, methods=["GET"]),
            Mount(
                "/v1",
                routes=[*api.routes(), *record_api.routes(), *practice_api.api_routes()],
            ),
            Mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static"),
            *page_routes(),
            *practice_api.page_routes(),
        ],
        exception_handlers={
            SopfsmError: problems.on_sopfsm_error,
            problems.HttpProblem: problems.on_http_problem,
            HTTPException: problems.on_starlette_http,
        },
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.store = store
    app.state.tokens = tokens
    app.state.live_calls = stored_calls.LiveCalls()
    app.state.signing_key = load_secret(config.secret_file) if config.secret_file else None
    return app


def _tokens(config: ServiceConfig) -> Tokens:
    if config.tokens_file is not None:
        return load_tokens(config.tokens_file)
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
