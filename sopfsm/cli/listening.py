"""The sockets ``sopfsm serve`` listens on, bound before it says where it listens.

An address that cannot be bound (in use, not this machine's, a port out of range) is
refused with one line and exit status 2 before the service prints its banner. With one
worker the socket listens at once, so nothing can take the port between the banner and
the first request.

With ``--workers N``, uvicorn's workers would share the one socket their parent binds
and take new connections from its one queue. A keep-alive connection stays with the
worker that accepted it, and a worker busy when a burst of connections arrived (a proxy
filling its pool, the screens of a call floor reconnecting) got none of them: measured
with 16 connections opened together on 2 workers, one worker took nine answers in ten.
On Linux each worker listens instead on a socket of its own, bound to the same address
with ``SO_REUSEPORT``, and the kernel spreads new connections over the workers by a hash
of each connection's addresses. A connection still waiting in the queue of a worker that
dies is reset, not handed to another worker; its client connects again.

Who may share the port: the parent first binds it with a plain socket, refused if any
socket holds it; it then keeps it with a socket bound with ``SO_REUSEPORT`` alone, never
listening, which keeps out every later plain bind (another ``sopfsm serve`` included)
while its workers start. A program of the same user that binds with ``SO_REUSEPORT``
itself could still join: that is what the option is for.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from typing import Any

from sopfsm.errors import ServiceConfigError

SPREADS = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")
BACKLOG = 2048  # uvicorn's


def bind(host: str, port: int, *, spread: bool = False) -> list[socket.socket]:
    """Sockets bound to ``port`` on every address ``host`` names (a name may stand for an
    IPv4 and an IPv6 address, as ``localhost`` often does): listening, or with ``spread``,
    held for the workers' sockets (:func:`for_each_worker`) and never listening
    themselves. Refused with :class:`ServiceConfigError` if an address cannot be bound:
    any socket bound to it already, one of this service's workers included, keeps a new
    server out."""
    if not 0 <= port <= 65535:
        raise ServiceConfigError("--port", f"{port} is not a port: give 0 to 65535")
    held: list[socket.socket] = []
    try:
        for family, address in _addresses(host, port):
            if held:  # a port 0 is chosen once, for every address
                port = held[0].getsockname()[1]
            held.append(_held(family, address, port, spread=spread))
    except BaseException:
        for sock in held:
            sock.close()
        raise
    return held


def _held(family: socket.AddressFamily, host: str, port: int, *, spread: bool) -> socket.socket:
    if port:
        _bound(family, host, port, reuse=True).close()  # refused if anyone holds it
    # Held for workers, without SO_REUSEADDR: a plain bind passes a socket that has it
    # and is not listening. On Linux the one worker's socket has SO_REUSEPORT too, so
    # that its connections left in TIME_WAIT let a server with workers bind at once.
    held = _bound(family, host, port, reuse=not spread, share=SPREADS)
    if not spread:
        try:
            held.listen(BACKLOG)
        except OSError as error:
            held.close()
            raise _refused(host, port, error) from None
    return held


def _addresses(host: str, port: int) -> list[tuple[socket.AddressFamily, str]]:
    """The addresses to listen on: ``host`` itself if it is one (or empty: every
    interface), else each address it resolves to, once."""
    try:
        return [(socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET,
                 host)]  # fmt: skip
    except ValueError:
        if not host:
            return [(socket.AF_INET, host)]
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as error:
        raise ServiceConfigError("--host", f"cannot resolve {host!r}: {error}") from None
    addresses: list[tuple[socket.AddressFamily, str]] = []
    for family, _type, _proto, _name, address in found:
        if family in (socket.AF_INET, socket.AF_INET6) and (family, address[0]) not in addresses:
            addresses.append((family, str(address[0])))
    if not addresses:
        raise ServiceConfigError("--host", f"{host!r} names no IPv4 or IPv6 address")
    return addresses


def for_each_worker(held: list[socket.socket]) -> list[Any]:
    """What to give uvicorn as the workers' sockets: in place of each of ``held`` (bound
    by :func:`bind` with ``spread``, so a port 0 is chosen once for all), a stand-in that
    uvicorn passes to each worker it starts, unpickled there as a socket of the worker's
    own bound to the same address."""
    return [_OwnSocket(sock.family, *sock.getsockname()[:2]) for sock in held]


class _OwnSocket:
    """A worker's listening socket, made in the worker: uvicorn starts its workers with
    multiprocessing's *spawn* and pickles their sockets to them, so each worker, and each
    worker started later in place of one that died, binds a socket of its own."""

    def __init__(self, family: socket.AddressFamily, host: str, port: int) -> None:
        self.family, self.host, self.port = family, host, port

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_listening_own, (self.family, self.host, self.port))


def _listening_own(family: socket.AddressFamily, host: str, port: int) -> socket.socket:
    """In a worker as it starts: its socket, or, if it cannot have one, the worker ends
    with uvicorn's status for a worker that failed to start, which stops the service
    rather than starting the worker again and again."""
    try:
        return _bound(family, host, port, reuse=True, share=True)
    except ServiceConfigError as error:
        from uvicorn.config import STARTUP_FAILURE

        print(f"sopfsm serve: a worker cannot listen: {error}", file=sys.stderr, flush=True)
        raise SystemExit(STARTUP_FAILURE) from None


def _bound(
    family: socket.AddressFamily, host: str, port: int, *, reuse: bool, share: bool = False
) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if reuse:  # a server stopped a moment ago leaves connections in TIME_WAIT
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if share:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise _refused(host, port, error) from None
    return sock


def _refused(host: str, port: int, error: OSError) -> ServiceConfigError:
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return ServiceConfigError("--port", f"cannot listen on {where}: {error.strerror or error}")
