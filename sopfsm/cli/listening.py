"""The sockets ``sopfsm serve`` listens on, bound before it says where it listens.

An address that cannot be bound (in use, or not this machine's) is refused with one line
and exit status 2, before the service opens its store or prints its banner.

With ``--workers N``, uvicorn's workers would share the one socket their parent binds
and take new connections from its one queue. A worker's event loop, woken for a
connection, accepts every connection waiting (asyncio accepts up to the backlog at
once), so a burst of connections (a proxy opening its pool, the screens of a call floor
reconnecting after a restart) lands on one worker while the others wait for work:
measured with 16 connections opened together on 2 workers, one worker took nine answers
in ten. On Linux each worker listens instead on a socket of its own, bound to the same
address with ``SO_REUSEPORT``, and the kernel spreads new connections over the workers
by a hash of each connection's addresses. A connection still waiting in the queue of a
worker that dies is reset, not handed to another worker; its client connects again.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

from sopfsm.errors import ServiceConfigError

SPREADS = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bind(host: str, port: int, *, spread: bool = False) -> socket.socket:
    """A socket bound to ``host`` and ``port``, not yet listening (uvicorn listens on it);
    with ``spread``, one that workers' sockets can join (:func:`for_each_worker`). Refused
    with :class:`ServiceConfigError` if the address cannot be bound: any socket bound to
    it already, one of this service's workers included, keeps a new server out."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if spread:
        _bound(family, host, port).close()  # refused if anyone holds the address
    held = _bound(family, host, port, spread=spread)
    held.set_inheritable(True)
    return held


def for_each_worker(held: socket.socket) -> list[Any]:
    """What to give uvicorn as the workers' sockets: in place of ``held`` (bound by
    :func:`bind` with ``spread``, so a port 0 is chosen once for all), a stand-in that
    uvicorn passes to each worker it starts, unpickled there as a socket of the worker's
    own bound to the same address."""
    host, port = held.getsockname()[:2]
    return [_OwnSocket(held.family, host, port)]


class _OwnSocket:
    """A worker's listening socket, made in the worker: uvicorn starts its workers with
    multiprocessing's *spawn* and pickles their sockets to them, so each worker, and each
    worker started later in place of one that died, binds a socket of its own."""

    def __init__(self, family: socket.AddressFamily, host: str, port: int) -> None:
        self.family, self.host, self.port = family, host, port

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_listening_own, (self.family, self.host, self.port))


def _listening_own(family: socket.AddressFamily, host: str, port: int) -> socket.socket:
    return _bound(family, host, port, spread=True)


def _bound(
    family: socket.AddressFamily, host: str, port: int, *, spread: bool = False
) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        # A server stopped a moment ago leaves connections in TIME_WAIT on its port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if spread:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        raise ServiceConfigError(
            "--port", f"cannot listen on {where}: {error.strerror or error}"
        ) from None
    return sock
