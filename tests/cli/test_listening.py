"""Where ``sopfsm serve`` listens: an address it cannot bind is refused in one line before
it says it listens, and its workers share a burst of connections."""

from __future__ import annotations

import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from sopfsm.cli import listening, main
from tests.support.backends import PATIENCE, free_port
from tests.support.servers import ROOT

CONNECTIONS = 64


@pytest.fixture
def taken() -> Iterator[int]:
    """A loopback port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_in_use_is_refused_in_one_line_before_the_service_says_it_listens(
    taken: int, workers: str, tmp_path: Path
) -> None:
    refused = _serve(tmp_path, "--port", str(taken), "--workers", workers)
    assert refused.returncode == 2
    assert "listening on" not in refused.stdout
    assert refused.stderr.strip().splitlines() == [
        f"sopfsm: error: --port: cannot listen on 127.0.0.1:{taken}: Address already in use"
    ]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_held_for_workers_still_starting_is_refused(workers: str, tmp_path: Path) -> None:
    """Between its banner and its first worker listening, a server with workers holds its
    port with a socket that never listens: a second server is refused all the same."""
    (held,) = listening.bind("127.0.0.1", 0, spread=True)
    try:
        port = held.getsockname()[1]
        refused = _serve(tmp_path, "--port", str(port), "--workers", workers)
    finally:
        held.close()
    assert refused.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in refused.stderr


def test_a_worker_that_cannot_listen_ends_as_a_worker_that_failed_to_start(
    taken: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """uvicorn's supervisor starts a worker that ended otherwise again, every half second,
    for ever; one that ends with this status stops the service."""
    from uvicorn.config import STARTUP_FAILURE

    (held,) = listening.bind("127.0.0.1", 0, spread=True)
    with held:
        (own,) = listening.for_each_worker([held])
    own.port = taken  # the address taken meanwhile by another program
    with pytest.raises(SystemExit) as ended:
        pickle.loads(pickle.dumps(own))  # as the worker unpickles its sockets
    assert ended.value.code == STARTUP_FAILURE
    assert f"cannot listen on 127.0.0.1:{taken}" in capsys.readouterr().err


def test_a_host_name_is_listened_on_at_every_address_it_resolves_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As uvicorn does for one worker: ``localhost`` often names 127.0.0.1 and ::1."""

    def resolve(host: str, port: int, *_: object, **__: object) -> list[Any]:
        assert host == "both.example"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),  # named twice
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    held = listening.bind("both.example", 0)
    monkeypatch.undo()
    try:
        assert [sock.family for sock in held] == [socket.AF_INET, socket.AF_INET6]
        port = held[0].getsockname()[1]
        assert held[1].getsockname()[1] == port  # a port 0 chosen once
        for address in ("127.0.0.1", "::1"):
            with socket.create_connection((address, port), timeout=PATIENCE):
                pass  # the kernel completes a handshake only with a listening socket
    finally:
        for sock in held:
            sock.close()


def test_a_host_name_that_names_no_address_is_refused_in_one_line(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text("a-long-enough-token ana\n", encoding="utf-8")
    refused = _serve(
        tmp_path, "--host", "no-such-host.invalid", "--tokens", str(tokens), "--behind-proxy"
    )
    assert refused.returncode == 2
    errors = [line for line in refused.stderr.splitlines() if "error" in line]
    assert errors == [
        "sopfsm: error: --host: cannot resolve 'no-such-host.invalid': "
        "[Errno -2] Name or service not known"
    ]


def test_a_port_out_of_range_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--dev", "--store", "memory:", "--port", "70000"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "sopfsm: error: --port: 70000 is not a port: give 0 to 65535"
    ]


def test_a_second_server_on_the_port_of_one_with_workers_is_refused(tmp_path: Path) -> None:
    port = free_port()
    with _serving(tmp_path, port, workers=2):
        second = _serve(tmp_path / "other", "--port", str(port))
    assert second.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in second.stderr
    assert "listening on" not in second.stdout


@pytest.mark.skipif(not listening.SPREADS, reason="SO_REUSEPORT spreads connections on Linux")
def test_each_worker_takes_its_share_of_connections_even_opened_while_it_is_busy(
    tmp_path: Path,
) -> None:
    """A keep-alive connection stays with the worker that accepted it, so where
    connections land decides where their requests go. With one socket shared, a worker
    busy when a burst arrived (stopped here) got none of it, the other all; each worker
    listening on its own socket is given its share by the kernel, and serves it once
    free."""
    port = free_port()
    with _serving(tmp_path, port, workers=2) as server:
        busy, free = _workers(server.pid, port)
        os.kill(busy, signal.SIGSTOP)
        try:
            _wait_stopped(busy)
            clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(CONNECTIONS)]
            # Every connection taken by the free worker, or waiting for the busy one alone.
            deadline = time.monotonic() + PATIENCE
            while _connections(free, port) + _waiting(busy, free, port) < CONNECTIONS:
                assert time.monotonic() < deadline, "connections neither taken nor waiting"
                time.sleep(0.01)
        finally:
            os.kill(busy, signal.SIGCONT)
        try:
            for client in clients:
                client.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            for client in clients:
                assert client.recv(1024).startswith(b"HTTP/1.1 200")
            held = {pid: _connections(pid, port) for pid in (busy, free)}
        finally:
            for client in clients:
                client.close()
    assert sum(held.values()) == CONNECTIONS
    # Spread by a hash, a worker's share is binomial (64, 1/2): below 12 by chance about
    # once in ten million runs.
    assert min(held.values()) >= 12, held


@pytest.mark.skipif(not listening.SPREADS, reason="SO_REUSEPORT spreads connections on Linux")
def test_a_worker_started_in_place_of_one_that_died_listens_on_a_socket_of_its_own(
    tmp_path: Path,
) -> None:
    port = free_port()
    with _serving(tmp_path, port, workers=2) as server:
        dead, alive = _workers(server.pid, port)
        os.kill(dead, signal.SIGKILL)
        deadline = time.monotonic() + PATIENCE
        while len(now := _workers(server.pid, port)) < 2 or dead in now:
            assert time.monotonic() < deadline, "no worker took the dead one's place"
            time.sleep(0.1)
        assert alive in now
        listening_now = _tcp(port, "0A").keys()
        first, second = (_sockets(pid) & listening_now for pid in now)
        assert first and second and not first & second


@pytest.mark.parametrize(("check", "replaced"), [("2", True), ("30", False)])
def test_a_worker_silent_for_longer_than_the_health_check_allows_is_replaced(
    tmp_path: Path, check: str, replaced: bool
) -> None:
    """uvicorn's supervisor asks each worker every half second whether it lives; one that
    does not answer within ``--worker-check-seconds`` is killed and another started in its
    place. A stopped worker is replaced with a check of 2 seconds, and one stopped for 7
    seconds, longer than the default check allows, is kept with a check of 30 (an
    operator on a loaded machine raises it). A worker replaced is said in the log."""
    port = free_port()
    with _serving(tmp_path, port, 2, "--worker-check-seconds", check) as server:
        silent, _ = _workers(server.pid, port)
        os.kill(silent, signal.SIGSTOP)
        try:
            if replaced:
                deadline = time.monotonic() + PATIENCE
                while len(now := _workers(server.pid, port)) < 2 or silent in now:
                    assert time.monotonic() < deadline, "the silent worker was kept"
                    time.sleep(0.1)
            else:
                time.sleep(7)
        finally:
            _continue(silent)
        time.sleep(1)
        assert (silent in _workers(server.pid, port)) is not replaced
    # The supervisor says so in the server's log.
    said = f"Child process [{silent}] died" in (tmp_path / "serve.log").read_text()
    assert said is replaced


def _continue(pid: int) -> None:
    with suppress(ProcessLookupError):  # killed, where it should have been
        os.kill(pid, signal.SIGCONT)


def _serve(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``sopfsm serve`` in a process of its own (with workers, serve names their metrics
    folder in its environment, which must not outlive a test), on a store in ``folder``;
    in dev mode unless given tokens."""
    folder.mkdir(exist_ok=True)
    dev = [] if "--tokens" in args else ["--dev"]
    return subprocess.run(
        [sys.executable, "-m", "sopfsm", "serve", *dev,
         "--store", f"sqlite:///{folder / 'calls.db'}", *args],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=PATIENCE,
    )  # fmt: skip


@contextmanager
def _serving(
    tmp_path: Path, port: int, workers: int, *args: str
) -> Iterator[subprocess.Popen[str]]:
    """A server with ``workers`` on ``port``, once every worker listens; what it says on
    standard error goes to ``serve.log`` in ``tmp_path``."""
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sopfsm", "serve", "--dev", "--port", str(port),
             "--workers", str(workers), "--store", f"sqlite:///{tmp_path / 'calls.db'}",
             *args],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL, stderr=log, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + PATIENCE
            while _listening(port) < (workers if listening.SPREADS else 1):
                assert process.poll() is None, "the server stopped"
                assert time.monotonic() < deadline, "the server did not listen"
                time.sleep(0.1)
            yield process
        finally:
            process.terminate()
            process.wait(PATIENCE)


def _tcp(port: int, state: str) -> dict[str, int]:
    """The sockets on local ``port`` in ``state`` (01 established, 0A listening), from the
    kernel's table: each one's inode, and its receive queue (for a listening socket, the
    connections waiting to be accepted)."""
    found = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            found[fields[9]] = int(fields[4].split(":")[1], 16)
    return found


def _waiting(pid: int, other: int, port: int) -> int:
    """Connections waiting on the listening sockets of ``pid`` that ``other`` does not share."""
    own = _sockets(pid) - _sockets(other)
    return sum(queued for inode, queued in _tcp(port, "0A").items() if inode in own)


def _listening(port: int) -> int:
    return len(_tcp(port, "0A"))


def _workers(pid: int, port: int) -> list[int]:
    """The worker processes of the server ``pid``: its children listening on ``port``."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children if _sockets(int(child)) & _tcp(port, "0A").keys()]


def _wait_stopped(pid: int) -> None:
    """Once ``pid`` has stopped: a signal is delivered when the process is next scheduled."""
    deadline = time.monotonic() + PATIENCE
    while "T (stopped)" not in Path(f"/proc/{pid}/status").read_text():
        assert time.monotonic() < deadline, "the worker did not stop"
        time.sleep(0.01)


def _sockets(pid: int) -> set[str]:
    """The inodes of the sockets the process ``pid`` holds."""
    inodes: set[str] = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # the process has ended meanwhile
        return inodes
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _connections(pid: int, port: int) -> int:
    """How many established connections to ``port`` the process ``pid`` holds."""
    return len(_sockets(pid) & _tcp(port, "01").keys())
