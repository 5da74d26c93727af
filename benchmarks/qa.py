"""QA's check of recorded calls: the compiled walk per call beside python-statemachine and
the dict-table floor, and ``sopfsm check-calls`` end to end on a million simulated calls.

    python benchmarks/qa.py            # a few minutes on 2 cores; writes its RESULTS.md section

The end-to-end runs go through the real command line in a subprocess; peak memory is the
largest sum of resident memory over the process and its workers, sampled every 20 ms.
The machine is shared, so the load average is recorded beside every figure.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sopfsm
from sopfsm import Value
from sopfsm.compiled import CompiledSop, compiled
from sopfsm.model import SopSpec
from sopfsm.qa.read import RecordedCall
from sopfsm.qa.verdict import judge

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from run import bare_machine, dict_table, longest_path  # noqa: E402

WALK_TARGET = 10.0  # the compiled walk within 10x of the dict table
MILLION = 1_000_000
SECONDS_TARGET = 30.0  # a million calls with 2 jobs
MEMORY_TARGET_MB = 200.0
YEAR = 13_000_000  # PLN 123 takes about 36,000 calls a day
START, END = "<!-- qa:start -->", "<!-- qa:end -->"
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


# -- per call -----------------------------------------------------------------------------


def cpu_median(work: Callable[[], object], repeat: int = 25, budget: float = 0.05) -> float:
    """Median CPU seconds per call of ``work``: on a shared machine, time spent waiting for
    a core is not the work's cost, so the process's CPU clock is used, not the wall clock."""
    timer = timeit.Timer(work, timer=time.process_time)
    number, _ = timer.autorange()
    number = max(1, int(number * budget / 0.2))
    return statistics.median(t / number for t in timer.repeat(repeat=repeat, number=number))


def _walk(sop: CompiledSop, answers: list[tuple[str, Value]]) -> str:
    """The compiled walk alone: coerce each answer, take its branch, reach the outcome."""
    step = sop.initial
    given = dict(answers)
    while step.outcome is None:
        question, coerce = step.question, step.coerce
        assert question is not None
        assert coerce is not None
        step = sop.steps[step.branch(coerce(given[question.id]))[0]]
    return step.outcome


def per_call() -> list[dict[str, Any]]:
    rows = []
    for spec in sopfsm.all_sops():
        answers = longest_path(spec)
        table_sop = compiled(spec.sop_id)
        bare = bare_machine(spec)
        table = dict_table(spec)
        initial = spec.initial.id
        recorded = _recorded(spec, answers)
        assert judge(recorded).conforms

        def with_walk(sop: CompiledSop = table_sop, answers: list[Any] = answers) -> str:
            return _walk(sop, answers)

        def with_judge(recorded: RecordedCall = recorded) -> object:
            return judge(recorded)

        def with_machine(spec: SopSpec = spec, answers: list[Any] = answers) -> object:
            call = sopfsm.start(spec)
            for question, value in answers:
                call.answer(question, value)
            return call.outcome

        def with_bare(bare: Any = bare, answers: list[Any] = answers) -> object:
            machine = bare()
            for _, value in answers:
                machine.send("answer", value=value)
            return machine.current_state_value

        def with_table(
            table: dict[str, dict[Value, str]] = table,
            initial: str = initial,
            answers: list[Any] = answers,
        ) -> str:
            state = initial
            for _, value in answers:
                state = table[state].get(value) or table[state]["*"]
            return state

        rows.append(
            {
                "sop": spec.sop_id,
                "answers": len(answers),
                "walk": cpu_median(with_walk),
                "judge": cpu_median(with_judge),
                "machine": cpu_median(with_machine, repeat=9),
                "bare": cpu_median(with_bare, repeat=9),
                "table": cpu_median(with_table),
            }
        )
    return rows


def _recorded(spec: SopSpec, answers: list[tuple[str, Value]]) -> RecordedCall:
    call = sopfsm.start(spec)
    for question, value in answers:
        call.answer(question, value)
    assert call.outcome is not None
    return RecordedCall(
        "bench", 1, "C1", spec.sop_id, spec.version, "CSO-001", "2020-05-01T08:00:00Z",
        tuple(answers), call.outcome.code, dict(call.outcome.data),
    )  # fmt: skip


# -- end to end ---------------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _tree(pid: int) -> dict[int, tuple[int, int]]:
    """(resident bytes, CPU clock ticks) of ``pid`` and every descendant (the forkserver
    and the pool workers)."""
    children: dict[int, list[int]] = {}
    seen: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            pages = int(Path(f"/proc/{entry}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        # After the command's name: state, ppid, ..., utime and stime are the 12th and 13th.
        seen[int(entry)] = (pages * PAGE, int(fields[11]) + int(fields[12]))
    tree, stack = {}, [pid]
    while stack:
        current = stack.pop()
        if current in seen:
            tree[current] = seen[current]
        stack += children.get(current, [])
    return tree


def run_check(path: Path, jobs: int) -> dict[str, Any]:
    load = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "sopfsm", "check-calls", str(path), "--jobs", str(jobs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    peak = 0
    ticks: dict[int, int] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.02):
            tree = _tree(process.pid)
            peak = max(peak, sum(rss for rss, _ in tree.values()))
            for pid, (_, used) in tree.items():
                ticks[pid] = max(ticks.get(pid, 0), used)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    assert process.returncode == 1, err.decode()
    first = out.decode().splitlines()[0]
    calls = int(first.split()[0])
    cpu = sum(ticks.values()) / TICKS
    reader_cpu = ticks.get(process.pid, 0) / TICKS
    return {
        "cpu": cpu,
        # What the run would take with its cores to itself: the reading process cannot go
        # faster than its own CPU time, nor the whole run faster than its CPU over the cores.
        "idle_seconds": max(reader_cpu, cpu / min(jobs, CORES)),
        "file": path.name,
        "size_mb": path.stat().st_size / 1e6,
        "jobs": jobs,
        "calls": calls,
        "seconds": seconds,
        "per_second": calls / seconds,
        "peak_mb": peak / 1e6,
        "load": (load + os.getloadavg()[0]) / 2,
    }


def end_to_end(folder: Path) -> list[dict[str, Any]]:
    files = {}
    for fmt, calls in (("jsonl", 100_000), ("jsonl", MILLION), ("csv", MILLION)):
        path = folder / f"calls-{calls}.{fmt}"
        args = ["simulate", "--calls", str(calls), "--seed", "1", "--format", fmt]
        subprocess.run(
            [sys.executable, "-m", "sopfsm", *args, "--out", str(path)], check=True, env=_env()
        )
        files[fmt, calls] = path
    rows = [run_check(files["jsonl", 100_000], 1)]
    for fmt in ("jsonl", "csv"):
        for jobs in (1, 2):
            rows.append(run_check(files[fmt, MILLION], jobs))
    return rows


# -- the report ---------------------------------------------------------------------------


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def section(calls: list[dict[str, Any]], runs: list[dict[str, Any]]) -> str:
    worst_walk = max(r["walk"] / r["table"] for r in calls)
    million = [r for r in runs if r["calls"] == MILLION]
    two = min((r for r in million if r["jobs"] == 2), key=lambda r: r["seconds"])
    two_idle = max(r["idle_seconds"] for r in million if r["jobs"] == 2)
    peak = max(r["peak_mb"] for r in runs)
    fastest = max(r["per_second"] for r in million)
    fastest_idle = max(r["calls"] / r["idle_seconds"] for r in million)
    lines = [
        START,
        "## QA: checking recorded calls",
        "",
        f"Written by `python benchmarks/qa.py` on {time.strftime('%Y-%m-%d %H:%M')} UTC. The "
        f"machine's {CORES} cores are shared with other developers' test runs, so each figure "
        "comes with what contention does not distort: per call, CPU time (not wall time); end "
        "to end, the wall time measured, the load average (1 minute) during the run (above "
        f"{CORES} the check had less than its cores), the CPU time of all its processes, and "
        "from it an estimate of the wall time on idle cores: the larger of the reading "
        "process's CPU time and the total CPU time over the cores used (a lower bound: it "
        "assumes the work spreads evenly and nothing else runs).",
        "",
        "| target | measured | verdict |",
        "| --- | --- | --- |",
        f"| the compiled walk within {WALK_TARGET:.0f}x of the dict-table floor on the same SOP "
        f"| worst SOP {worst_walk:.1f}x (CPU time) | {_verdict(worst_walk <= WALK_TARGET)} |",
        f"| a million calls in under {SECONDS_TARGET:.0f} s with 2 jobs "
        f"| {two['seconds']:.1f} s measured at load {two['load']:.1f}; "
        f"{two_idle:.1f} s estimated on idle cores "
        f"| {_verdict(two['seconds'] < SECONDS_TARGET)} as measured; "
        f"{_verdict(two_idle < SECONDS_TARGET)} by the estimate |",
        f"| peak memory under {MEMORY_TARGET_MB:.0f} MB whatever the file size "
        f"| at most {peak:.0f} MB (all processes together) "
        f"| {_verdict(peak < MEMORY_TARGET_MB)} |",
        "",
        "### Per call",
        "",
        "The answers of each SOP's longest path, already coerced; median CPU time per call. "
        "*walk*: the compiled tables (coerce each answer, take its branch, reach the "
        "outcome); *verdict*: the check's whole judgement of a recorded call (walk, extra "
        "answers, outcome, carried data); *sopfsm call*: the guided call on "
        "python-statemachine; *bare*: a bare python-statemachine machine; *table*: a dict "
        "transition table, the floor (as in the guided-call table above, without the JSON).",
        "",
        "| SOP | answers | walk | verdict | sopfsm call | bare machine | table | walk / table "
        "| machine / walk |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| `{r['sop']}` | {r['answers']} | {_us(r['walk'])} | {_us(r['judge'])} "
        f"| {_us(r['machine'])} | {_us(r['bare'])} | {_us(r['table'])} "
        f"| {r['walk'] / r['table']:.1f}x | {r['machine'] / r['walk']:.0f}x |"
        for r in calls
    ]
    lines += [
        "",
        "### `sopfsm check-calls` end to end",
        "",
        "Simulated calls (`sopfsm simulate --seed 1`, 10% deviating), read, judged and "
        "summarised by the real command in a subprocess, progress bar off (not a terminal). "
        "Peak memory is the largest sum of resident memory over the command and its worker "
        "processes, sampled every 20 ms.",
        "",
        "| file | size | jobs | calls | wall time | calls/s | load | CPU, all processes "
        "| est. on idle cores | peak memory |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| `{r['file']}` | {r['size_mb']:.0f} MB | {r['jobs']} | {r['calls']:,} "
        f"| {r['seconds']:.1f} s | {r['per_second']:,.0f} | {r['load']:.1f} | {r['cpu']:.1f} s "
        f"| {r['idle_seconds']:.1f} s | {r['peak_mb']:.0f} MB |"
        for r in runs
    ]
    lines += [
        "",
        f"**A year of PLN 123** ({YEAR:,} calls, about 36,000 a day): at the fastest rate "
        f"measured here, {fastest:,.0f} calls/s, the check takes {YEAR / fastest / 60:.0f} "
        f"minutes; on idle cores, by the estimate ({fastest_idle:,.0f} calls/s), "
        f"{YEAR / fastest_idle / 60:.0f} minutes. Replaying the same calls through the "
        "guided-call machine would take "
        f"{YEAR * statistics.median(r['machine'] for r in calls) / 3600:.1f} hours of CPU "
        "(median SOP), before any parsing.",
        END,
    ]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    """Put this section into RESULTS.md, replacing the one already there."""
    path = HERE / "RESULTS.md"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        current = before + text + after
    else:
        current = current.rstrip("\n") + "\n\n" + text
    path.write_text(current, encoding="utf-8")


def main() -> None:
    calls = per_call()
    with tempfile.TemporaryDirectory() as folder:
        runs = end_to_end(Path(folder))
    text = section(calls, runs)
    write_section(text)
    print(text)


if __name__ == "__main__":
    main()
