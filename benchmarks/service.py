"""The call service under load: answers per second, latency and the server processes'
CPU time per answer at 16 concurrent clients, on SQLite and PostgreSQL, with 1 and 2
workers and with 2 servers on one PostgreSQL store, beside a trivial endpoint of the same
servers in the same run; the issue's targets with a verdict each; a profile where one is
missed; and its section of benchmarks/RESULTS.md.

    python benchmarks/service.py        # about nine minutes on 2 cores; loopback only

Each server is a real ``sopfsm serve`` process; each client is an asyncio task of this
process with its own keep-alive connection, speaking plain HTTP/1.1, spread evenly over
the servers. Answering is timed from request to response: read the body, check the
token, load the call (walked on the compiled SOP, unless this process holds it at that
revision already), apply the answer, commit it durably, and answer with the call. The
calls are started before the round; a second answering round starts each call when the
last ends, as a CSO's screen does, and is shown beside the first. The
trivial endpoint is ``/healthz``: the same server, routing and JSON, no store. The
machine's cores are shared with the load generator (and, often, with other work): the
CPU time the server processes spent per answer depends far less than wall time on how
the cores are shared. It does depend on it some: a process that stops for another to
run pays for the switch and for its caches filled again, so each setup's row says how
busy the cores were and how often a server thread stopped per answer. The instructions
the servers run per answer in their own code do not depend on how the cores are shared:
where valgrind is installed, the servers of 1 and 2 workers on each store run again
under callgrind, which counts them (:mod:`callgrind`), and the workers' target is judged
on that count; the ratio in CPU seconds is shown beside it.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import os
import pstats
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import callgrind
import httpx
import orjson

HERE = Path(__file__).parent
ROOT = HERE.parent
CLIENTS = 16
SECONDS = 2.0
ROUNDS = 5
TARGET_SQLITE = 3.0  # answer / trivial, time per request
TARGET_POSTGRES = 4.0
TARGET_STORES = 1.0  # PostgreSQL answers/s over SQLite's
TARGET_WORKERS = 1.2  # CPU per answer, 2 workers over 1
TARGET_P99 = 0.025
TICK = os.sysconf("SC_CLK_TCK")
TOKEN = "bench-token"
POSTGRES = os.environ.get("SOPFSM_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
ANSWERS: dict[str, str] = {
    "target_tariff": "subsidi",
    "nik": "3171-0101-0190-0001",
    "nik_eligible": "tidak",
    "asks_about_eligibility": "ya",
    "accepts_explanation": "tidak",
    "meter_reading": "12.345",
    "urgent": "ya",
    "access_restricted": "tidak",
    "region_scheme": "1",
}
SOP = "turun-daya"  # the longest calls: four answers each
# Calls each client starts before an answering round: more than it answers in one, even
# served twice as fast as the average (at 3,000 answers/s, 94 calls of four answers on
# average; the clients of one worker can be served faster than those of another), and
# fewer than a server holds (LiveCalls' 4,096 over 16 clients).
PREPARED = 200
# Under callgrind a server answers some 40 times a second: rounds of that many seconds count
# a few hundred answers, and the counts of two runs differ by less than 1%.
COUNTED = 8.0
COUNTED_PREPARED = 20


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams, JSON by orjson: a load
    generator far lighter than a full client, so that the server, not the clients
    (which share its cores), is what is measured."""

    def __init__(self, url: str) -> None:
        self.host, port = url.removeprefix("http://").split(":")
        self.port = int(port)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        data = b"" if body is None else orjson.dumps(body)
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(data)}\r\n"
            + ("Content-Type: application/json\r\n" if body is not None else "")
            + "\r\n"
        )
        self.writer.write(head.encode() + data)
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return status, orjson.loads(payload) if payload else None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(
    store: str, folder: Path, workers: int = 1, servers: int = 1, counted: bool = False
) -> Iterator[Servers]:
    """``servers`` real ``sopfsm serve`` processes of ``workers`` each, once they answer;
    ``counted``, under callgrind (:mod:`callgrind`), whose servers' work is counted in
    instructions rather than CPU seconds."""
    tokens = folder / "tokens"
    tokens.write_text(f"{TOKEN} bench\n", encoding="utf-8")
    counts = Path(tempfile.mkdtemp(dir=folder)) if counted else None
    processes, urls = [], []
    for _ in range(servers):
        port = free_port()
        program = [sys.executable, "-m", "sopfsm", "serve", "--store", store, "--tokens",
                   str(tokens), "--port", str(port), "--workers", str(workers)]  # fmt: skip
        if counts is not None:
            # Starting a worker takes callgrind half a minute; uvicorn's supervisor would
            # replace one silent for 5 seconds, again and again.
            program = callgrind.command([*program, "--worker-check-seconds", "600"], counts)
        processes.append(
            subprocess.Popen(
                program,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,  # one JSON line per request: not measured here
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, process in zip(urls, processes, strict=True):
            _wait_ready(url, process, 600 if counted else 60)
        counter = None if counts is None else callgrind.Counter(counts)
        yield Servers(urls, [p.pid for p in processes], counter)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(120)


def _wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=60).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the server of {url} ended with status {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server of {url} was not ready within {seconds:.0f} s")
        time.sleep(0.1)


class Servers:
    """The servers' URLs, and the work their process trees have done so far: CPU seconds,
    or instructions where a :class:`callgrind.Counter` counts them."""

    def __init__(
        self, urls: list[str], pids: list[int], counter: callgrind.Counter | None = None
    ) -> None:
        self.urls, self.pids, self.counter = urls, pids, counter

    def cpu(self) -> float:
        if self.counter is not None:
            return float(self.counter([found for pid in self.pids for found in _tree(pid)]))
        return sum(_cpu_tree(pid) for pid in self.pids)

    def switches(self) -> int:
        """Times the servers' threads have stopped for another to run (waiting for work,
        or taken off the core), so far."""
        return sum(_switches_tree(pid) for pid in self.pids)


def _postgres_cpu() -> float:
    """User and system CPU seconds of the PostgreSQL server's processes on this machine
    (0 if none can be read): the cores it takes from the service and the clients."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, _, rest = text.partition("(")[2].rpartition(")")
        if name == "postgres":
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def _tree(pid: int) -> list[int]:
    """``pid`` and its live descendants (the workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *(found for child in children for found in _tree(int(child)))]


def _cpu_tree(pid: int) -> float:
    """User and system CPU seconds of ``pid`` and its live descendants."""
    total = 0.0
    for process in _tree(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rpartition(")")[2].split()
        except OSError:  # ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    return total


def _switches_tree(pid: int) -> int:
    """Context switches, voluntary and not, of every thread of ``pid`` and its live
    descendants."""
    total = 0
    for process in _tree(pid):
        for status in Path(f"/proc/{process}/task").glob("*/status"):
            try:
                lines = status.read_text().splitlines()
            except OSError:  # ended meanwhile
                continue
            total += sum(int(line.split()[1]) for line in lines if "ctxt_switches:" in line)
    return total


class Work:
    """What one client does in a round: :meth:`prepare` before the timed window (neither
    its time nor the servers' CPU counted), then requests timed one by one."""

    started = 0  # calls started within the timed window, for lack of prepared ones

    async def prepare(self, connection: Connection) -> None:
        """Nothing to prepare, by default."""

    async def __call__(self, connection: Connection) -> float:
        raise NotImplementedError


async def _run(
    make_work: Callable[[], Work], servers: Servers, seconds: float = SECONDS
) -> dict[str, float]:
    """Latencies from ``CLIENTS`` connections spread over the servers for ``seconds``,
    and the servers' CPU time (or instructions) per request."""
    latencies: list[float] = []

    async def client(
        url: str, work: Work, go: asyncio.Event, stop: list[float], prepare: bool
    ) -> None:
        connection = Connection(url)
        try:
            try:
                if prepare:
                    await work.prepare(connection)
            finally:  # a client that fails to prepare must not leave the round waiting
                prepared.release()
            await go.wait()
            while time.perf_counter() < stop[0]:
                latencies.append(await work(connection))
        finally:
            connection.close()

    async def round_(
        works: list[Work], seconds: float, prepare: bool = True
    ) -> tuple[float, float, float, float, int]:
        """The round's wall time, the CPU time of the servers, the database and the
        clients (this process), and the servers' context switches, counted from when
        every client has prepared."""
        go, stop = asyncio.Event(), [0.0]
        clients = [asyncio.create_task(client(url, work, go, stop, prepare))
                   for url, work in zip(urls, works, strict=True)]  # fmt: skip
        for _ in works:
            await prepared.acquire()
        cpu, database, own = servers.cpu(), _postgres_cpu(), time.process_time()
        switches = servers.switches()
        started = time.perf_counter()
        stop[0] = started + seconds
        go.set()
        await asyncio.gather(*clients)
        elapsed = time.perf_counter() - started
        return (elapsed, servers.cpu() - cpu, _postgres_cpu() - database,
                time.process_time() - own, servers.switches() - switches)  # fmt: skip

    prepared = asyncio.Semaphore(0)
    urls = [servers.urls[n % len(servers.urls)] for n in range(CLIENTS)]
    # Warm up: the connections, caches, the SOP tables, uvicorn's workers.
    await round_([make_work() for _ in urls], 0.3, prepare=False)
    latencies.clear()
    works = [make_work() for _ in urls]
    elapsed, used, database, clients, switched = await round_(works, seconds)
    latencies.sort()
    return {
        "per_second": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "requests": len(latencies),
        "cpu": used / len(latencies),
        "database_cpu": database / len(latencies),
        # How many of the cores the servers, the database and the clients kept busy.
        "busy": (used + database + clients) / elapsed,
        "switches": switched / len(latencies),
        "started": sum(w.started for w in works),
    }


class _Trivial(Work):
    async def __call__(self, connection: Connection) -> float:
        started = time.perf_counter()
        status, _ = await connection.request("GET", "/healthz")
        elapsed = time.perf_counter() - started
        assert status == 200
        return elapsed


class _Answering(Work):
    """Each call answered until its outcome, then the next. ``calls`` calls are started
    before the window, so that the window times answers alone; a client that runs out
    starts more within it (counted in ``started``). With ``calls=0`` every call is
    started within the window: a start for every four answers, its cost counted in."""

    def __init__(self, calls: int) -> None:
        self.calls: list[dict[str, Any]] = []
        self.count = calls

    async def _start(self, connection: Connection) -> dict[str, Any]:
        status, call = await connection.request("POST", "/v1/calls", {"sop": SOP})
        assert status == 201, call
        return call  # type: ignore[no-any-return]

    async def prepare(self, connection: Connection) -> None:
        self.calls = [await self._start(connection) for _ in range(self.count)]

    async def __call__(self, connection: Connection) -> float:
        call = self.calls.pop() if self.calls else None
        while call is None or call["pending"] is None:
            call = await self._start(connection)
            self.started += 1
        body = {"question": call["pending"], "value": ANSWERS[call["pending"]],
                "revision": call["revision"]}  # fmt: skip
        started = time.perf_counter()
        status, moved = await connection.request("POST", f"/v1/calls/{call['id']}/answers", body)
        elapsed = time.perf_counter() - started
        assert status == 200, moved
        if moved["pending"] is not None:
            self.calls.append(moved)
        return elapsed


def measure_setups(setups: dict[str, tuple[str, int, int]], folder: Path) -> dict[str, Any]:
    """Each setup's medians over ``ROUNDS`` rounds of each kind, the setups' servers all
    started first and their rounds taken in turn: this machine's speed drifts over
    minutes (one server's answers, the same instructions each, have cost from 0.50 to
    0.67 ms of CPU in different runs), and setups measured one after the other would
    compare two speeds of it rather than two setups. A server waiting for its turn is
    idle."""
    with ExitStack() as stack:
        running = {
            name: stack.enter_context(serving(store, folder, workers, servers))
            for name, (store, workers, servers) in setups.items()
        }
        rounds: dict[str, list[tuple[dict[str, float], ...]]] = {name: [] for name in running}
        for _ in range(ROUNDS):
            for name, servers in running.items():
                rounds[name].append((
                    asyncio.run(_run(_Trivial, servers)),
                    asyncio.run(_run(lambda: _Answering(PREPARED), servers)),
                    asyncio.run(_run(lambda: _Answering(0), servers)),
                ))  # fmt: skip
    return {
        name: {
            kind: _median_round([r[n] for r in taken])
            for n, kind in enumerate(("trivial", "answer", "mixed"))
        }
        for name, taken in rounds.items()
    }


def count_setup(store: str, folder: Path, workers: int) -> dict[str, float]:
    """The instructions the servers run per answer, counted by callgrind, with the
    answers counted (a round of its own, after one that warms the servers up)."""
    with serving(store, folder, workers, counted=True) as running:
        answered = asyncio.run(_run(lambda: _Answering(COUNTED_PREPARED), running, COUNTED))
    return {"instructions": answered["cpu"], "answers": answered["requests"]}


def count(folder: Path) -> dict[str, dict[str, float]]:
    """:func:`count_setup` for each of ``COUNTED_SETUPS``, after the setups measured in
    CPU seconds (which they would slow), each on a store of its own."""
    counted = {}
    for name, kind, workers, _ in SETUPS:
        if name not in COUNTED_SETUPS:
            continue
        postgres = _postgres_store() if kind == "postgres" else None
        if kind == "postgres" and postgres is None:
            continue
        store = _store(kind, workers, folder, postgres, "counted")
        try:
            counted[name] = count_setup(store, folder, workers)
        finally:
            if postgres is not None:
                postgres[1]()
    return counted


def _median_round(rounds: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}


def _postgres_store() -> tuple[str, Callable[[], None]] | None:
    try:
        import psycopg

        psycopg.connect(POSTGRES, connect_timeout=3).close()
    except Exception:
        return None
    schema = f"sopfsm_bench_{uuid.uuid4().hex[:8]}"

    def drop() -> None:
        with psycopg.connect(POSTGRES, autocommit=True) as db:
            db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    separator = "&" if "?" in POSTGRES else "?"
    return f"{POSTGRES}{separator}schema={schema}", drop


def profile(folder: Path, calls: int = 160) -> dict[str, Any]:
    """Where the server's own work per answer goes, HTTP aside: calls started and answered
    to their outcome through the service's event-loop functions on SQLite by as many
    concurrent tasks as the benchmark has clients, each body written as the API writes
    it. The CPU time of the process (the store's writer thread included) per answer, and
    cProfile's functions of the event loop's thread by their own time; ``poll`` is the
    loop waiting, off the CPU."""
    from sopfsm.service import stored_calls
    from sopfsm.store import open_store

    store = open_store(f"sqlite:///{folder / 'profile.db'}")
    live = stored_calls.LiveCalls()  # as the service holds the calls it answered last

    async def client(count: int) -> int:
        answered = 0
        for _ in range(count):
            stored, call = await stored_calls.start_on_loop(store, SOP, {}, "bench", live)
            orjson.dumps(stored_calls.call_body(stored, call, "id"))
            while (pending := call.pending) is not None:
                stored, call = await stored_calls.answer_on_loop(
                    store, stored.id, pending.id, ANSWERS[pending.id],
                    revision=stored.revision, agent="bench", live=live,
                )  # fmt: skip
                orjson.dumps(stored_calls.call_body(stored, call, "id"))
                answered += 1
        return answered

    def answer_calls(count: int) -> int:
        async def clients() -> list[int]:
            return await asyncio.gather(*(client(count // CLIENTS) for _ in range(CLIENTS)))

        return sum(asyncio.run(clients()))

    try:
        answer_calls(CLIENTS)  # warm: the SOP tables, the store's statements
        cpu = time.process_time()
        answered = answer_calls(calls)
        cpu = (time.process_time() - cpu) / answered
        profiler = cProfile.Profile()
        profiler.runcall(answer_calls, calls)
    finally:
        store.close()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(14)
    lines = [line for line in out.getvalue().splitlines() if re.match(r"\s+\d", line)]
    shown = "\n".join(line.replace(str(ROOT) + "/", "").replace(sys.prefix, "<venv>")
                      for line in lines)  # fmt: skip
    return {"cpu": cpu, "stats": shown}


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


SETUPS = [  # (name, store, workers, servers)
    ("SQLite, 1 worker", "sqlite", 1, 1),
    ("SQLite, 2 workers", "sqlite", 2, 1),
    ("PostgreSQL, 1 worker", "postgres", 1, 1),
    ("PostgreSQL, 2 workers", "postgres", 2, 1),
    ("PostgreSQL, 2 servers", "postgres", 1, 2),
    ("memory, 1 worker (control)", "memory", 1, 1),
]
COUNTED_SETUPS = ("SQLite, 1 worker", "SQLite, 2 workers", "PostgreSQL, 1 worker",
                  "PostgreSQL, 2 workers")  # fmt: skip


def _store(
    kind: str, workers: int, folder: Path, postgres: tuple[str, Any] | None, prefix: str
) -> str:
    """The store URL of a setup: PostgreSQL's schema, a SQLite file of ``prefix`` in
    ``folder`` for each number of workers, or the store that keeps nothing."""
    if kind == "postgres":
        assert postgres is not None
        return postgres[0]
    if kind == "sqlite":
        return f"sqlite:///{folder / f'{prefix}-{workers}.db'}"
    return "memory:"


def measure() -> dict[str, Any]:
    results: dict[str, Any] = {"load_before": _load(), "setups": {}}
    with tempfile.TemporaryDirectory() as folder:
        postgres = _postgres_store()
        setups = {
            name: (_store(kind, workers, Path(folder), postgres, "calls"), workers, servers)
            for name, kind, workers, servers in SETUPS
            if kind != "postgres" or postgres is not None
        }
        try:
            results["setups"] = measure_setups(setups, Path(folder))
        finally:
            if postgres is not None:
                postgres[1]()
        results["load_after"] = _load()
        if callgrind.available():
            results["counted"] = count(Path(folder))
        results["profile"] = profile(Path(folder))
    return results


def _workers(results: dict[str, Any], store: str) -> tuple[float | None, float | None]:
    """2 workers over 1 on ``store``: instructions per answer (None where not counted)
    and CPU seconds per answer (None where either setup did not run)."""
    one, two = f"{store}, 1 worker", f"{store}, 2 workers"
    counted, setups = results.get("counted", {}), results["setups"]
    work = (counted[two]["instructions"] / counted[one]["instructions"]
            if one in counted and two in counted else None)  # fmt: skip
    cpu = (setups[two]["answer"]["cpu"] / setups[one]["answer"]["cpu"]
           if one in setups and two in setups else None)  # fmt: skip
    return work, cpu


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The issue's targets: (figure and target, measured, met)."""
    setups = results["setups"]
    rows: list[tuple[str, str, bool]] = []

    def ratio(name: str) -> float:
        r = setups[name]
        return float(r["trivial"]["per_second"] / r["answer"]["per_second"])

    sqlite, postgres = "SQLite, 1 worker", "PostgreSQL, 1 worker"
    measured = ratio(sqlite)
    rows.append((f"answer / trivial endpoint, time per request, {CLIENTS} clients, SQLite, "
                 f"durable: <= {TARGET_SQLITE:.0f}x", f"{measured:.2f}x",
                 measured <= TARGET_SQLITE))  # fmt: skip
    if postgres in setups:
        measured = ratio(postgres)
        rows.append((f"the same on PostgreSQL: <= {TARGET_POSTGRES:.0f}x", f"{measured:.2f}x",
                     measured <= TARGET_POSTGRES))  # fmt: skip
        stores = setups[postgres]["answer"]["per_second"] / setups[sqlite]["answer"]["per_second"]
        rows.append((f"answers/s at {CLIENTS} clients, PostgreSQL / SQLite: >= "
                     f"{TARGET_STORES:.1f}", f"{stores:.2f}", stores >= TARGET_STORES))  # fmt: skip
    for store in ("SQLite", "PostgreSQL"):
        work, cpu = _workers(results, store)
        if work is not None:
            rows.append((f"server work per answer, 2 workers / 1 worker ({store}), in "
                         f"instructions: <= {TARGET_WORKERS}", f"{work:.2f}",
                         work <= TARGET_WORKERS))  # fmt: skip
        elif cpu is not None:  # no callgrind here: CPU seconds it is
            rows.append((f"server CPU per answer, 2 workers / 1 worker ({store}), in CPU "
                         f"seconds: <= {TARGET_WORKERS}", f"{cpu:.2f}",
                         cpu <= TARGET_WORKERS))  # fmt: skip
    for name in (sqlite, postgres):
        if name in setups:
            p99 = setups[name]["answer"]["p99"]
            rows.append((f"p99 at {CLIENTS} clients, {name.split(',')[0]}: <= "
                         f"{TARGET_P99 * 1e3:.0f} ms", f"{p99 * 1e3:.1f} ms",
                         p99 <= TARGET_P99))  # fmt: skip
    return rows


def shown(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The workers' ratio in CPU seconds where the target is judged on instructions:
    (figure, measured, what it says), shown beside the verdicts, not judged."""
    rows = []
    for store in ("SQLite", "PostgreSQL"):
        work, cpu = _workers(results, store)
        if work is None or cpu is None:
            continue
        rows.append((f"the same in CPU seconds ({store}), on 2 cores shared by the servers, "
                     "the database and the clients", f"{cpu:.2f}",
                     f"{'within' if cpu <= TARGET_WORKERS else 'above'} {TARGET_WORKERS} "
                     "here; shown, not judged (below)"))  # fmt: skip
    return rows


def _machine(before: str, after: str) -> str:
    """How busy the machine was, said plainly: a loaded run's absolute figures are low."""
    load = f"load average {before} before, {after} after, on 2 cores"
    if float(before.split(maxsplit=1)[0]) > 1.0:
        return (
            f"**The machine was loaded** by other work during the run ({load}), so absolute "
            "rates and latencies are low; the ratios and the CPU time per request hold better."
        )
    return f"The machine was otherwise idle ({load}; the load generator runs on it too)."


def section(results: dict[str, Any]) -> str:
    rows = targets(results)
    lines = [
        "## The call service",
        "",
        f"Written by `python benchmarks/service.py` on {time.strftime('%Y-%m-%d')}, in one "
        "run: every figure below was measured side by side, so compare them with each other, "
        "not with another run's. "
        f"{_machine(results['load_before'], results['load_after'])} Real `sopfsm serve` "
        "processes on loopback; "
        f"{CLIENTS} clients, each an asyncio task with its own keep-alive connection, spread "
        f"evenly over the servers, each request waiting for the one before; {SECONDS:.1f} s "
        f"per round, medians of {ROUNDS} rounds of each endpoint, the setups' servers all "
        "running and their rounds taken in turn (the machine's speed drifts over minutes). "
        "An answer is "
        "timed from request to response: token, body, the call loaded (walked on the "
        "compiled SOP) unless the process holds it, the answer applied and committed "
        "durably (SQLite WAL `synchronous=FULL`; PostgreSQL `synchronous_commit=on`; both "
        "commit the answers waiting together, SQLite in its writer thread, PostgreSQL in "
        "one statement sent by the server's event loop), the call sent back. Each client "
        "starts its calls before an answering round (neither their time nor the servers' "
        "CPU counted), so that the round times answers alone; *with "
        "starts* is a round of its own in which each client starts its next call when one "
        "ends, a start for every four answers, the starts' cost counted in the answers' "
        "time (as this section measured until 2026-12-05). The trivial endpoint is "
        "`/healthz` on the same servers, in the same run. CPU is the user and system time "
        "of the server processes (workers included) per request; database CPU is the "
        "PostgreSQL server's, on the same 2 cores. *Cores busy* is the CPU time of the "
        "servers, the database and the clients over the round's wall time (2: every core, "
        "all the time); *switches* are the times a server thread stopped for another to "
        "run (waiting for work, or taken off its core), per answer.",
        "",
        "| target | measured | verdict |",
        "| --- | --- | --- |",
        *(f"| {t} | {m} | {'met' if ok else '**not met**'} |" for t, m, ok in rows),
        *(f"| {t} | {m} | {said} |" for t, m, said in shown(results)),
        "",
        "| setup | answers/s | p50 | p99 | server CPU per answer | database CPU per answer "
        "| cores busy | switches per answer "
        "| trivial req/s | trivial p99 | CPU per trivial | time per request, answer / trivial "
        "| with starts: answers/s | with starts: answer / trivial |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in results["setups"].items():
        a, t, mixed = r["answer"], r["trivial"], r["mixed"]["per_second"]
        lines.append(
            f"| {name} | {a['per_second']:.0f} | {a['p50'] * 1e3:.1f} ms "
            f"| {a['p99'] * 1e3:.1f} ms | {a['cpu'] * 1e3:.2f} ms "
            + (f"| {a['database_cpu'] * 1e3:.2f} ms " if "PostgreSQL" in name else "| - ")
            + f"| {a['busy']:.2f} | {a['switches']:.2f} "
            f"| {t['per_second']:.0f} "
            f"| {t['p99'] * 1e3:.1f} ms | {t['cpu'] * 1e3:.2f} ms "
            f"| {t['per_second'] / a['per_second']:.2f}x "
            f"| {mixed:.0f} | {t['per_second'] / mixed:.2f}x |"
        )
    short = {name: r["answer"]["started"] for name, r in results["setups"].items()
             if r["answer"]["started"]}  # fmt: skip
    if short:
        lines += ["", "Clients ran out of prepared calls and started more within the answering "
                  "window (its cost counted in): " + ", ".join(
                      f"{name}, {n:.0f} calls" for name, n in short.items()) + "."]  # fmt: skip
    if not any(name.startswith("PostgreSQL") for name in results["setups"]):
        lines += ["", f"No PostgreSQL answered at {POSTGRES}; its rows are left out."]
    lines += _counted(results)
    if not all(ok for _, _, ok in rows):
        setups = results["setups"]
        lines += ["", "What dominates, where a target is missed."]
        if "memory, 1 worker (control)" in setups:
            memory = setups["memory, 1 worker (control)"]["answer"]["cpu"]
            sqlite = setups["SQLite, 1 worker"]["answer"]["cpu"]
            trivial = setups["SQLite, 1 worker"]["trivial"]["cpu"]
            lines += [
                "",
                f"CPU per answer: {sqlite * 1e3:.2f} ms on SQLite, {memory * 1e3:.2f} ms with "
                f"the store that keeps nothing, {trivial * 1e3:.2f} ms per trivial request. "
                "One server process is one Python thread busy on one core: an answer's "
                "request costs what a trivial one does in HTTP (uvicorn, h11, Starlette, the "
                "request log), and the answer's own work on top.",
            ]
        postgres = setups.get("PostgreSQL, 1 worker")
        if postgres is not None:
            answer = postgres["answer"]
            lines += [
                "",
                f"On PostgreSQL the server's CPU per answer is {answer['cpu'] * 1e3:.2f} ms, "
                f"and the database's own {answer['database_cpu'] * 1e3:.2f} ms more, on the "
                "same 2 cores as the server and the clients: the database's work per answer "
                "is what SQLite does inside the server process, and it takes cores the server "
                "would otherwise answer with.",
            ]
        lines += [
            "",
            "The server's own work per answer, HTTP aside (the service's event-loop functions "
            f"called by {CLIENTS} concurrent tasks in one process on SQLite): "
            f"{results['profile']['cpu'] * 1e3:.2f} ms of CPU per answer, the store's writer "
            "thread included; cProfile's functions of the loop's thread by their own time "
            "(ncalls, tottime, percall, cumtime, percall, function; `poll` is the loop "
            "waiting for the writer's commits, off the CPU):",
            "",
            "```",
            results["profile"]["stats"],
            "```",
        ]
    return "\n".join(lines) + "\n"


def _counted(results: dict[str, Any]) -> list[str]:
    """The servers' work per answer counted in instructions, and why CPU seconds say more
    with 2 workers where they do."""
    counted, setups = results.get("counted", {}), results["setups"]
    if not counted:
        return ["", "valgrind was not found: the servers' work per answer was not counted in "
                "instructions, and the workers' target is judged in CPU seconds."]  # fmt: skip
    lines = [
        "",
        "**The servers' work per answer, counted.** CPU seconds depend on how the 2 cores are "
        "shared: a process stopped more often to let another run refills its caches each "
        "time, and runs slower. The instructions it runs do not, so the workers' target is "
        "judged on them: after the rounds above, each setup below ran again, on a store of "
        "its own, under valgrind's callgrind (`benchmarks/callgrind.py`), which counts the "
        "instructions of the server processes' own code (workers included; not the kernel's "
        f"work for them), in a round of {COUNTED:.0f} s of answers after one that warms "
        "them up. Under callgrind a server runs some fifty times slower, so its clients and "
        "its database are never what it waits for: what is counted is the servers' own work.",
        "",
        "| setup | instructions per answer | answers counted | CPU per answer (above) |",
        "| --- | --- | --- | --- |",
    ]
    for name, r in counted.items():
        lines.append(f"| {name} | {r['instructions'] / 1e6:.3f} M | {r['answers']:.0f} "
                     f"| {setups[name]['answer']['cpu'] * 1e3:.2f} ms |")  # fmt: skip
    for store in ("SQLite", "PostgreSQL"):
        work, cpu = _workers(results, store)
        if work is None or cpu is None:
            continue
        a, b = setups[f"{store}, 1 worker"]["answer"], setups[f"{store}, 2 workers"]["answer"]
        said = (
            f"{store} with 2 workers: {work:.2f} times the instructions per answer of 1 "
            f"worker, and {cpu:.2f} times its CPU seconds ({b['cpu'] * 1e3:.2f} ms against "
            f"{a['cpu'] * 1e3:.2f} ms)."
        )
        if cpu <= work + 0.05:
            said += " In this round, sharing the cores cost no CPU time beyond the work."
        else:
            said += (
                f" The servers, the database and the clients kept {a['busy']:.2f} of the 2 "
                f"cores busy with 1 worker, {b['busy']:.2f} with 2, and a server thread "
                f"stopped {a['switches']:.2f} times per answer with 1, {b['switches']:.2f} "
                "with 2: each worker stops more often, to wait for a "
                + (
                    "core (the workers, the database and the clients outnumber the cores)"
                    if b["busy"] >= 1.8
                    else "turn (the workers' writers take turns on the one file)"
                )
                + ", and starts again, and an answer pays for the switches and for the "
                "caches another process filled meanwhile. Each worker also serves half the "
                "clients, so it commits fewer answers at once"
                + (
                    " (the database's CPU per answer: "
                    f"{b['database_cpu'] * 1e3:.2f} ms against "
                    f"{a['database_cpu'] * 1e3:.2f} ms)"
                    if store == "PostgreSQL"
                    else ""
                )
                + "."
            )
        lines += ["", said]
    return lines


def write_section(text: str) -> None:
    """Replace the section of RESULTS.md that ``text`` heads (``## ...``), or add it,
    leaving the rest."""
    path = HERE / "RESULTS.md"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    heading = re.escape(text.split("\n", 1)[0])
    pattern = re.compile(rf"^{heading}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current).rstrip("\n") + "\n"
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    path.write_text(updated, encoding="utf-8")


def main() -> None:
    results = measure()
    text = section(results)
    write_section(text)
    print(text)
    for target, measured, ok in targets(results):
        print(f"{'met' if ok else 'NOT MET'}: {target} (measured {measured})")
    for figure, measured, said in shown(results):
        print(f"shown: {figure} (measured {measured}): {said}")


if __name__ == "__main__":
    main()
