"""A stand-in for the APKT adapter: a small ASGI app that records every request it gets
and answers as told, well or badly, so the deliverer meets real HTTP on loopback."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import threading
import time
from collections.abc import Callable
from typing import Any

import attrs

from sopfsm.delivery import verify
from sopfsm.errors import BadSignature

# What the receiver does with one request.
OK = "ok"  # 200 with a small JSON body
GARBAGE = "garbage"  # 200 with bytes that are no JSON and no UTF-8
FAIL = "fail"  # 503
HANG = "hang"  # no answer for a long while
CLOSE = "close"  # a status line, then the connection drops mid-body
REDIRECT = "redirect"  # 307 to another path of this receiver
GONE = "gone"  # 410 with a reason
SLOW_DOWN = "slow_down"  # 429 with a Retry-After of a year
PAUSE = "pause"  # 429 with a Retry-After of one second
SLOW = "slow"  # 200 after a fifth of a second
DRIP = "drip"  # 200, then its body a byte every tenth of a second
BEHAVIOURS = (OK, GARBAGE, FAIL, HANG, CLOSE, REDIRECT, GONE, SLOW_DOWN, PAUSE, SLOW, DRIP)


@attrs.frozen
class Received:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes
    answered: str  # the behaviour it met
    signed_by: str | None  # the key that signed it, None if the signature did not verify
    started: float  # time.monotonic() when the request came
    ended: float  # and when its answer was finished (or given up)

    @property
    def document(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded

    @property
    def key(self) -> str:
        return self.headers["idempotency-key"]


class Receiver:
    """The ASGI app. ``choose`` picks the behaviour of each request (all OK by default);
    ``keys`` are the secrets it checks signatures with."""

    def __init__(
        self,
        keys: dict[str, bytes],
        choose: Callable[[int], str] | None = None,
        hang_seconds: float = 30.0,
    ) -> None:
        self.keys = keys
        self.choose = choose or (lambda _n: OK)
        self.hang_seconds = hang_seconds
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._count = 0
        self.in_flight: dict[str, int] = {}  # idempotency key -> requests being answered now
        self.overlaps: list[str] = []  # keys seen in flight twice at one moment

    def delivered(self) -> dict[str, Received]:
        """The last request answered 2xx for each idempotency key."""
        return {r.key: r for r in self.received if r.answered in (OK, GARBAGE, SLOW)}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                kind = (await receive())["type"]
                await send({"type": f"{kind}.complete"})
                if kind == "lifespan.shutdown":
                    return
        started = time.monotonic()
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the sender died mid-body: no request came, as HTTP sees it
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        with self._lock:
            number = self._count
            self._count += 1
        behaviour = OK if scope["path"] != "/apkt" else self.choose(number)
        try:
            signed_by: str | None = verify(body, headers, self.keys)
        except BadSignature:
            signed_by = None
        key = headers.get("idempotency-key", "")
        with self._lock:
            self.in_flight[key] = self.in_flight.get(key, 0) + 1
            if self.in_flight[key] > 1:
                self.overlaps.append(key)
        try:
            await self._answer(behaviour, send)
        finally:
            with self._lock:
                self.in_flight[key] -= 1
                self.received.append(
                    Received(scope["path"], headers, body, behaviour, signed_by, started,
                             time.monotonic())
                )  # fmt: skip

    async def _answer(self, behaviour: str, send: Any) -> None:
        if behaviour == HANG:
            await asyncio.sleep(self.hang_seconds)
            return
        if behaviour == SLOW:
            await asyncio.sleep(0.2)
            behaviour = OK
        if behaviour == DRIP:
            await send(_start(200, [(b"content-length", b"50")]))
            for _ in range(49):
                await send({"type": "http.response.body", "body": b" ", "more_body": True})
                await asyncio.sleep(0.1)
            await send({"type": "http.response.body", "body": b" "})
            return
        if behaviour == CLOSE:
            await send(_start(200, [(b"content-length", b"1000")]))
            await send({"type": "http.response.body", "body": b'{"partial":', "more_body": True})
            raise ConnectionAbortedError("the receiver drops the connection mid-body")
        status, extra, payload = {
            OK: (200, [], b'{"ticket":"T-1"}'),
            GARBAGE: (200, [], hashlib.sha256(b"x").digest() + b"\xff\xfe<html"),
            FAIL: (503, [], b"busy"),
            REDIRECT: (307, [(b"location", b"/elsewhere")], b""),
            GONE: (410, [], b'{"error":"this endpoint is retired"}'),
            SLOW_DOWN: (429, [(b"retry-after", b"31536000")], b"slow down"),
            PAUSE: (429, [(b"retry-after", b"1")], b"a moment"),
        }[behaviour]
        await send(_start(status, [(b"content-length", str(len(payload)).encode()), *extra]))
        await send({"type": "http.response.body", "body": payload})


def _start(status: int, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {"type": "http.response.start", "status": status, "headers": headers}


def share(rng: random.Random, shares: dict[str, float]) -> Callable[[int], str]:
    """A chooser that answers each request with a behaviour drawn by ``shares``
    (the rest OK)."""
    lock = threading.Lock()

    def choose(_number: int) -> str:
        with lock:
            draw = rng.random()
        for behaviour, part in shares.items():
            if draw < part:
                return behaviour
            draw -= part
        return OK

    return choose
