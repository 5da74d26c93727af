"""The writer threads' queue: writes taken a batch at a time, committed together."""

from __future__ import annotations

import concurrent.futures
import queue
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

J = TypeVar("J")


def batches(
    jobs: queue.Queue[J | None], limit: int, future: Callable[[J], concurrent.futures.Future[Any]]
) -> Iterator[list[J]]:
    """The writes waiting in ``jobs``, up to ``limit`` at a time, until a stop mark
    (None), which ends the batch it falls in. A write whose waiter gave up (a request
    cancelled its ``future``) is left out, and a batch of such writes alone is not
    yielded; the others can no longer be cancelled, so settling each one cannot fail."""
    while (first := jobs.get()) is not None:
        batch = [first]
        while len(batch) < limit:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:
                jobs.put(None)  # finish this batch, then stop
                break
            batch.append(job)
        kept = [job for job in batch if future(job).set_running_or_notify_cancel()]
        if kept:
            yield kept
