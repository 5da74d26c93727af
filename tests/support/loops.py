"""An event loop running in a thread of its own, as the service's loop runs: what a
store does for a loop's writes can be driven from a test's plain code."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")


@contextlib.contextmanager
def running_loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="test-loop", daemon=True)
    thread.start()
    try:
        yield loop
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        end(loop)


def end(loop: asyncio.AbstractEventLoop) -> None:
    """Close a stopped ``loop`` as asyncio.run ends one: what is left is cancelled and let
    run to its end."""
    left = asyncio.all_tasks(loop)
    for task in left:
        task.cancel()

    async def ended() -> None:
        await asyncio.gather(*left, return_exceptions=True)

    loop.run_until_complete(ended())
    loop.close()


def on_loop(loop: asyncio.AbstractEventLoop, work: Callable[[], T]) -> T:
    """What ``work`` returns (or raises) when called in a step of ``loop``."""

    async def step() -> T:
        return work()

    return asyncio.run_coroutine_threadsafe(step(), loop).result(timeout=60)
