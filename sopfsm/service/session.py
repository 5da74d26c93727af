"""The screen's sign-in: a token exchanged once for a session cookie.

The cookie (``sopfsm_session``) is ``HttpOnly`` (no script reads it), ``SameSite=Strict``
(no other site's page sends it) and ``Secure`` when served over TLS; it holds the agent,
the role, when it was issued and a fingerprint of the token's entry in the tokens file,
signed (HMAC-SHA256) with the service's secret. It never holds the token. Each request
checks the signature, the age (:data:`MAX_AGE`) and that the tokens file still has that
entry, so a revoked token ends its sessions too; a cookie signed by another server's
secret is refused. A state-changing request by cookie must also come from the service's
own pages: its ``Origin`` (or, without one, ``Sec-Fetch-Site``) must be this service.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from starlette.requests import Request

from sopfsm.service.auth import DEV_ROLE, Identity, TokenEntry, Tokens, Unauthorized

COOKIE = "sopfsm_session"
MAX_AGE = 12 * 60 * 60
"""Seconds a session lasts: one working shift."""
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class CrossSite(Exception):
    """A state-changing request by cookie that did not come from the service's pages."""


def new_secret() -> bytes:
    """A secret for one process's sessions, when the service is given none."""
    return secrets.token_bytes(32)


def fingerprint(entry: TokenEntry | None) -> str:
    if entry is None:
        return DEV_ROLE
    return hashlib.sha256((entry.salt or b"") + entry.digest).hexdigest()[:32]


def _current(tokens: Any) -> Tokens:
    current: Tokens = tokens.current() if hasattr(tokens, "current") else tokens
    return current


def _entry(tokens: Tokens, agent: str) -> TokenEntry | None:
    return next((e for e in tokens.entries if e.agent == agent), None)


def cookie_for(
    tokens: Any, token: str, secret: bytes, now: float | None = None
) -> tuple[Identity, str]:
    """The identity ``token`` names and the cookie value of its session, or
    :class:`Unauthorized`."""
    current = _current(tokens)
    identity = current.identify_token(token)
    entry = None if current.dev else _entry(current, identity.agent)
    payload = {
        "a": identity.agent,
        "r": identity.role,
        "f": fingerprint(entry),
        "t": int(time.time() if now is None else now),
    }
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
    return identity, f"{body.decode()}.{_sign(secret, body)}"


def _sign(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, b"sopfsm-session:" + body, hashlib.sha256).hexdigest()


def identity_of_cookie(
    tokens: Any, value: str, secret: bytes, now: float | None = None
) -> Identity:
    """Who a session cookie names, or :class:`Unauthorized` (forged, expired, revoked)."""
    body, _, signature = value.partition(".")
    if not hmac.compare_digest(_sign(secret, body.encode()), signature):
        raise Unauthorized("the session is not this service's; sign in again")
    try:
        payload = json.loads(base64.urlsafe_b64decode(body.encode()))
        agent, role, print_, issued = payload["a"], payload["r"], payload["f"], payload["t"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise Unauthorized("the session is not this service's; sign in again") from None
    if (time.time() if now is None else now) - issued > MAX_AGE:
        raise Unauthorized("the session has ended; sign in again")
    current = _current(tokens)
    if current.dev:
        return Identity(agent, DEV_ROLE)
    entry = _entry(current, agent)
    if entry is None or entry.role != role or fingerprint(entry) != print_:
        raise Unauthorized("the token of this session is revoked; sign in again")
    return Identity(agent, role)


def check_same_origin(request: Request) -> None:
    """:class:`CrossSite` unless a state-changing request comes from this service's pages."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin is not None:
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin != own:
            raise CrossSite(f"a request from {origin}, not from this service's pages")
        return
    if request.headers.get("sec-fetch-site") != "same-origin":
        raise CrossSite("a state-changing request without Origin, not from this service's pages")


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


# -- the sign-in page --------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Masuk · sopfsm</title>
<link rel="stylesheet" href="/static/sopfsm.css">
</head>
<body data-page="signin" data-ready="true">
<main id="main" class="panel signin">
  <h1>Masuk ke Layar Panggilan CSO <span lang="en">· Sign in</span></h1>
  <form method="post" action="/signin" data-signin-form>
    <label for="token">Token Anda <span lang="en">(your token)</span></label>
    <input id="token" name="token" type="password" autocomplete="current-password"
      data-token required autofocus>
    {next}<button type="submit">Masuk <span lang="en">· Sign in</span></button>
  </form>
  {notice}
  <p class="hint">Token diberikan admin (<code>sopfsm tokens add</code>); ID agen dan peran
  Anda tampil setelah masuk. <span lang="en">An admin gives you a token; your agent id and
  role show once you are in.</span></p>
</main>
</body>
</html>
"""

_UNKNOWN = (
    '<p class="refusal" role="alert" data-signin-refusal>Token tidak dikenal: periksa lagi, '
    'atau minta token baru ke admin. <span lang="en">The token is not known: check it, or '
    "ask an admin for a new one.</span></p>"
)
_CROSS_SITE = (
    '<p class="refusal" role="alert" data-signin-refusal>Masuk hanya dari halaman ini. '
    '<span lang="en">Sign in from this page only.</span></p>'
)


NEXT_PAGES = ("/", "/practice")
"""Where the sign-in page may send a browser back to (``?next=``): the service's own
screens, by exact path, so that no link can make it an open redirect."""


def _next_page(given: str | None) -> str:
    return given if given in NEXT_PAGES else "/"


def _page(notice: str, next_page: str) -> str:
    hidden = (
        "" if next_page == "/" else f'<input type="hidden" name="next" value="{next_page}">\n    '
    )
    return _PAGE.replace("{notice}", notice).replace("{next}", hidden)


def page_routes() -> list[Any]:
    from starlette.routing import Route

    return [
        Route("/signin", signin, methods=["GET", "POST"]),
        Route("/signout", signout, methods=["POST"]),
    ]


async def signin(request: Request) -> Any:
    from urllib.parse import parse_qs

    from starlette.responses import HTMLResponse, RedirectResponse

    if request.method == "GET":
        return HTMLResponse(_page("", _next_page(request.query_params.get("next"))))
    try:
        check_same_origin(request)
    except CrossSite:
        return HTMLResponse(_page(_CROSS_SITE, "/"), status_code=403)
    body = await request.body()
    fields = parse_qs(body.decode("utf-8", "replace")[:4096])
    token = (fields.get("token") or [""])[0].strip()
    next_page = _next_page((fields.get("next") or ["/"])[0])
    try:
        if not token:
            raise Unauthorized("no token")
        _identity, value = cookie_for(
            request.app.state.tokens, token, request.app.state.session_secret
        )
    except Unauthorized:
        return HTMLResponse(_page(_UNKNOWN, next_page), status_code=401)
    response = RedirectResponse(next_page, status_code=303)
    response.set_cookie(
        COOKIE, value, max_age=MAX_AGE, path="/", httponly=True, samesite="strict",
        secure=secure(request),
    )  # fmt: skip
    return response


async def signout(request: Request) -> Any:
    from starlette.responses import HTMLResponse, RedirectResponse

    try:
        check_same_origin(request)
    except CrossSite:
        return HTMLResponse(_page(_CROSS_SITE, "/"), status_code=403)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=secure(request)
    )
    return response
