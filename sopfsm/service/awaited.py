"""The store's futures, awaited on the service's event loop.

A store's writer thread settles the writes of one commit together. ``asyncio.wrap_future``
would wake the loop once per write (a lock, a callback queued and a byte written to the
loop's self-pipe, each in the writer's thread, holding the interpreter lock the loop
needs); here the writes settled while the loop is busy are handed over with one wake-up.
A write settled on the loop itself (PostgreSQL commits the loop's writes on the loop)
needs no wake-up: its waiter is done at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import weakref
from typing import TypeVar

T = TypeVar("T")

_HANDOVERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Handover] = (
    weakref.WeakKeyDictionary()
)
_HANDOVERS_LOCK = threading.Lock()


async def result(future: concurrent.futures.Future[T]) -> T:
    """What ``future`` holds, once settled: its result, or its error raised. A request
    cancelled while it waits cancels the future (a write not yet begun is not made)."""
    if not future.done():
        waiter = _handover(asyncio.get_running_loop()).watch(future)
        try:
            await waiter
        except asyncio.CancelledError:
            future.cancel()
            raise
    return future.result()


def _handover(loop: asyncio.AbstractEventLoop) -> _Handover:
    found = _HANDOVERS.get(loop)
    if found is None:
        with _HANDOVERS_LOCK:
            found = _HANDOVERS.setdefault(loop, _Handover(loop))
    return found


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # a thread with no loop running
        return None


class _Handover:
    """The futures settled since the loop last looked, handed to it with one wake-up."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._lock = threading.Lock()
        self._settled: list[asyncio.Future[None]] = []

    def watch(self, future: concurrent.futures.Future[T]) -> asyncio.Future[None]:
        waiter: asyncio.Future[None] = self._loop.create_future()
        future.add_done_callback(lambda _: self._settle(waiter))
        return waiter

    def _settle(self, waiter: asyncio.Future[None]) -> None:
        if _running_loop() is self._loop:
            if not waiter.done():  # a cancelled request's waiter is done already
                waiter.set_result(None)
            return
        # In the thread that settled the future: the first of a run wakes the loop, the
        # others join the list the loop is about to take.
        with self._lock:
            self._settled.append(waiter)
            first = len(self._settled) == 1
        if first:
            with contextlib.suppress(RuntimeError):  # a closed loop: no one waits any more
                self._loop.call_soon_threadsafe(self._hand_over)

    def _hand_over(self) -> None:
        with self._lock:
            settled, self._settled = self._settled, []
        for waiter in settled:
            if not waiter.done():  # a cancelled request's waiter is done already
                waiter.set_result(None)
