"""The deliverer: takes due report revisions from the outbox and POSTs them to APKT.

One loop per process (``sopfsm deliver``, or a thread of ``sopfsm serve --deliver-to``):
claim what is due (a lease; on PostgreSQL row locks with ``SKIP LOCKED``, so deliverers
on several servers never hold the same revision), send each (a few at once), settle each
with what came of it (:mod:`sopfsm.delivery.policy`). Nothing is marked delivered
before the receiver's 2xx, so a deliverer killed at any moment loses nothing: its leases
run out and the revisions are sent again (at least once; the receiver deduplicates by
``Idempotency-Key``). On SQLite one deliverer runs at a time (a lock file beside the
store); on PostgreSQL any number.

The service wakes its deliverer when a change commits a report revision
(:meth:`Deliverer.wake`), so a report leaves within milliseconds of its answer; a
deliverer of its own process polls (``poll``, one second by default).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import json
import logging
import random
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from sopfsm.delivery.endpoint import check_endpoint, shown
from sopfsm.delivery.policy import RetryPolicy, retried, retry_after
from sopfsm.delivery.signature import sign
from sopfsm.delivery.view import headline
from sopfsm.errors import MissingDependency, StoreError
from sopfsm.signing import SigningKey
from sopfsm.store.base import CallStore, Delivery, Settlement

try:
    import httpx
except ImportError:  # pragma: no cover - the serve extra is missing
    raise MissingDependency("httpx", "serve") from None

log = logging.getLogger("sopfsm.delivery")
KEPT_ANSWER = 1000  # characters of a receiver's refusal kept with a dead delivery
READ_LIMIT = 16_384  # bytes of a receiver's answer read at most


@attrs.frozen
class DeliveryOptions:
    """How a deliverer works: its polling, timeouts and retries (the defaults are the
    documented ones)."""

    poll: float = 1.0  # seconds between looks at the outbox when nothing woke it
    timeout: float = 10.0  # seconds for each of connect, send and each read of an answer
    concurrency: int = 4  # revisions sent at once
    policy: RetryPolicy = attrs.field(factory=RetryPolicy)

    @property
    def attempt_limit(self) -> float:
        """Seconds one attempt may take in all, from resolving the endpoint's name to the
        end of its answer: each step is also cut off at ``timeout``, but an answer dripped
        a byte at a time could otherwise hold an attempt for ever."""
        return 3 * self.timeout

    @property
    def lease(self) -> dt.timedelta:
        """How long a claim keeps other deliverers off a revision: beyond the longest an
        attempt can take, so no revision is in flight twice, yet short enough that a
        killed deliverer's revisions are sent again soon."""
        return dt.timedelta(seconds=self.attempt_limit + self.timeout + 10)


class Deliverer:
    """Sends the reports in ``store``'s outbox to ``endpoint``, signed by ``keys[0]``."""

    def __init__(
        self,
        store: CallStore,
        endpoint: str,
        keys: tuple[SigningKey, ...],
        options: DeliveryOptions = DeliveryOptions(),
        *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        rng: random.Random | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.endpoint = check_endpoint(endpoint)
        if not keys:
            raise ValueError("a deliverer needs a signing key")
        self.store = store
        self.key = keys[0]
        self.options = options
        self._clock = clock
        self._rng = rng or random.Random()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._transport = transport
        # Made once: making one for each attempt's client costs milliseconds.
        self._tls = httpx.create_ssl_context()
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=options.concurrency, thread_name_prefix="sopfsm-deliver"
        )

    # -- running -----------------------------------------------------------------------

    def wake(self) -> None:
        """Look at the outbox now: a report revision was just committed."""
        self._wake.set()

    def stop(self) -> None:
        """End :meth:`run` after the attempts in flight (each bounded by the timeout)."""
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        """Deliver until :meth:`stop`; on SQLite only while holding the store's one
        deliverer lock (another process holding it is waited for)."""
        with _exclusive(self.store) as held:
            while not self._stop.is_set():
                if not held():
                    self._stop.wait(self.options.poll)
                    continue
                try:
                    busy = self.run_once() == self.options.concurrency
                except StoreError as error:
                    log.error("delivery paused: %s", error)
                    busy = False
                except Exception as error:
                    # The loop outlives any one bug. The error is named by its type and
                    # place only: its message may quote a document.
                    where = traceback.extract_tb(error.__traceback__)[-1]
                    log.error(
                        "delivery paused by %s at %s:%d; trying again",
                        type(error).__name__, Path(where.filename).name, where.lineno or 0,
                    )  # fmt: skip
                    busy = False
                if not busy:
                    self._wake.wait(self.options.poll)
                    self._wake.clear()

    def drain(self) -> int | None:
        """Deliver what is due now, until nothing is (``sopfsm deliver --once``); the
        attempts made, or None if another deliverer holds this SQLite store."""
        with _exclusive(self.store) as held:
            if not held():
                return None
            sent = 0
            while (n := self.run_once()) > 0:
                sent += n
            return sent

    def run_once(self) -> int:
        """Claim what is due now, send it, settle it; the number of revisions sent."""
        claimed = self.store.claim(self._clock(), self.options.lease, self.options.concurrency)
        if claimed:
            list(self._pool.map(self.deliver, claimed))
        return len(claimed)

    def close(self) -> None:
        self.stop()
        self._pool.shutdown(wait=True)

    # -- one attempt -------------------------------------------------------------------

    def deliver(self, delivery: Delivery) -> Settlement:
        """Send ``delivery`` once and keep what came of it; the settlement."""
        result = self.attempt(delivery)
        if not self.store.settle(delivery, result):
            log.warning(
                "report %s revision %d: another deliverer claimed it meanwhile; its result "
                "stands", delivery.report_id, delivery.revision,
            )  # fmt: skip
        return result

    def attempt(self, delivery: Delivery) -> Settlement:
        """POST ``delivery`` to the endpoint and judge the answer (nothing is kept)."""
        body = payload_bytes(delivery)
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": delivery.idempotency_key,
            **sign(body, self.key),
        }
        attempts = delivery.attempts + 1
        started = time.perf_counter()
        got = self._send(body, headers)
        if isinstance(got, str):
            return self._failed(delivery, attempts, None, got, None)
        status, answer, location = got.status, got.text, got.location
        elapsed = time.perf_counter() - started
        now = self._clock()
        if 200 <= status < 300:
            log.info(
                "report %s revision %d delivered: %d in %.0f ms (attempt %d)",
                delivery.report_id, delivery.revision, status, elapsed * 1e3, attempts,
            )  # fmt: skip
            return Settlement("delivered", now, attempts, status=status)
        if 300 <= status < 400:
            where = shown(location) if location else "nowhere"
            why = f"redirected to {where}; not followed: reports go to the configured endpoint only"
            return self._dead(delivery, attempts, status, why)
        if retried(status):
            wait_hint = retry_after(got.retry_after, now)
            return self._failed(delivery, attempts, status, f"{status}: {answer}", wait_hint)
        return self._dead(delivery, attempts, status, f"refused with {status}: {answer}")

    def _send(self, body: bytes, headers: dict[str, str]) -> _Answer | str:
        """The receiver's answer, or why none came whole: the attempt is cut off at
        ``attempt_limit``, so that it ends before its lease does."""
        limit = self.options.attempt_limit
        try:
            return asyncio.run(asyncio.wait_for(self._post(body, headers), limit))
        except (TimeoutError, httpx.TimeoutException):
            return f"no whole answer within {self.options.timeout:g} s a step, {limit:g} s in all"
        except httpx.HTTPError as error:  # refused, reset, closed mid-answer, bad protocol
            return _transport(error)
        except Exception as error:  # whatever a receiver's bytes provoke
            return f"the answer could not be read ({type(error).__name__})"

    async def _post(self, body: bytes, headers: dict[str, str]) -> _Answer:
        # No redirect followed and no proxy or .netrc from the environment: reports go to
        # the configured endpoint and nowhere else.
        async with (
            httpx.AsyncClient(
                timeout=self.options.timeout,
                follow_redirects=False,
                trust_env=False,
                verify=self._tls,
                transport=self._transport,
                headers={"User-Agent": "sopfsm-deliverer"},
            ) as client,
            client.stream("POST", self.endpoint, content=body, headers=headers) as response,
        ):
            return _Answer(
                response.status_code,
                await _read_some(response),
                response.headers.get("Retry-After"),
                response.headers.get("Location"),
            )

    def _failed(
        self,
        delivery: Delivery,
        attempts: int,
        status: int | None,
        why: str,
        wait_hint: float | None,
    ) -> Settlement:
        policy = self.options.policy
        if policy.exhausted(attempts):
            why = f"gave up after {attempts} attempts: {why}"
            return self._dead(delivery, attempts, status, why)
        now = self._clock()
        delay = policy.delay(attempts, wait_hint, self._rng)
        log.warning(
            "report %s revision %d not delivered (%s); attempt %d of %d in %.1f s",
            delivery.report_id, delivery.revision, headline(why), attempts + 1,
            policy.attempts, delay,
        )  # fmt: skip
        return Settlement(
            "pending", now, attempts, next_at=now + dt.timedelta(seconds=delay), status=status,
            error=why[:KEPT_ANSWER],
        )  # fmt: skip

    def _dead(self, delivery: Delivery, attempts: int, status: int | None, why: str) -> Settlement:
        log.error(
            "report %s revision %d dead after %d attempt(s): %s",
            delivery.report_id, delivery.revision, attempts, headline(why),
        )  # fmt: skip
        return Settlement("dead", self._clock(), attempts, status=status, error=why[:KEPT_ANSWER])


def payload_bytes(delivery: Delivery) -> bytes:
    """The exact bytes sent (and signed): the document with its revision, compact JSON."""
    return json.dumps(
        delivery.payload(), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode("utf-8")


@attrs.frozen
class _Answer:
    """What a receiver answered: its status, the start of its body, two of its headers."""

    status: int
    text: str
    retry_after: str | None
    location: str | None


async def _read_some(response: httpx.Response) -> str:
    """The start of the receiver's answer, as text: kept with a refusal, never trusted."""
    read = b""
    try:
        async for chunk in response.aiter_raw():
            read += chunk
            if len(read) >= READ_LIMIT:
                break
    except httpx.StreamConsumed:  # an answer already read whole (an in-process transport)
        read = response.content
    text = read[:READ_LIMIT].decode("utf-8", "replace").strip()
    return " ".join(text.split())[:KEPT_ANSWER] or "(no body)"


def _transport(error: httpx.HTTPError) -> str:
    kind = type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect ({kind})"
    return f"connection failed ({kind})"


@contextlib.contextmanager
def _exclusive(store: CallStore) -> Iterator[Callable[[], bool]]:
    """Whether this deliverer may run now: on SQLite only while it holds the lock file
    beside the store (one deliverer per SQLite store); elsewhere always."""
    from sopfsm.store.sqlite import SqliteStore

    if not isinstance(store, SqliteStore):
        yield lambda: True
        return
    import fcntl

    lock_path = Path(f"{store.path}.deliver.lock")
    handle: IO[Any] | None = None
    said = ""

    def held() -> bool:
        # Opened and locked in the loop, so that a lock file that cannot be had (a folder
        # in its place, another user's file) pauses delivery, saying why, and never ends it.
        nonlocal handle, said
        if handle is not None:
            return True
        try:
            opened = lock_path.open("a+")
        except OSError as error:
            why = f"cannot open {lock_path} ({type(error).__name__}); delivery paused"
            if why != said:
                log.error("%s", why)
                said = why
            return False
        try:
            fcntl.flock(opened, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by another deliverer (or locks refused): wait and look again
            opened.close()
            return False
        handle = opened
        log.info("this deliverer holds %s: it alone delivers from that store", lock_path)
        return True

    try:
        yield held
    finally:
        if handle is not None:
            handle.close()  # releases the lock
