"""A store's future awaited on the event loop: each waiter gets its own write's result or
error, however many are settled together from the writer's thread, and a request that
gives up cancels its write."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import pytest

from sopfsm.errors import StaleRevision
from sopfsm.service import awaited


def test_many_futures_settled_together_from_a_thread_each_reach_their_waiter() -> None:
    futures: list[concurrent.futures.Future[int]] = [
        concurrent.futures.Future() for _ in range(200)
    ]

    def writer() -> None:  # settles them in runs, as a writer settles one commit's jobs
        for n, future in enumerate(futures):
            if n % 7 == 3:
                future.set_exception(StaleRevision("c", n, n + 1))
            else:
                future.set_result(n)

    async def main() -> list[object]:
        waiting = [asyncio.ensure_future(awaited.result(f)) for f in futures]
        await asyncio.sleep(0)  # every waiter is watching before the writer starts
        threading.Thread(target=writer).start()
        return await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 10)

    got = asyncio.run(main())
    for n, outcome in enumerate(got):
        if n % 7 == 3:
            assert isinstance(outcome, StaleRevision) and outcome.given == n
        else:
            assert outcome == n


def test_a_settled_future_is_read_at_once() -> None:
    done: concurrent.futures.Future[str] = concurrent.futures.Future()
    done.set_result("kept")
    assert asyncio.run(awaited.result(done)) == "kept"


def test_a_waiter_that_gives_up_cancels_a_write_not_yet_begun() -> None:
    pending: concurrent.futures.Future[int] = concurrent.futures.Future()

    async def main() -> None:
        waiting = asyncio.ensure_future(awaited.result(pending))
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    asyncio.run(main())
    assert pending.cancelled()
    assert not pending.set_running_or_notify_cancel()  # the writer skips it


def test_a_future_settled_after_its_loop_closed_troubles_no_one() -> None:
    late: concurrent.futures.Future[int] = concurrent.futures.Future()

    async def main() -> None:
        waiting = asyncio.ensure_future(awaited.result(late))
        await asyncio.sleep(0)
        waiting.cancel()
        late.set_running_or_notify_cancel()  # already begun: the cancel cannot stop it
        await asyncio.gather(waiting, return_exceptions=True)

    asyncio.run(main())
    late.set_result(1)  # from the writer, with the loop gone: no error escapes
