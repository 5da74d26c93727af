"""What ``sopfsm diff`` costs on a large SOP: a synthetic SOP of 2,000 question steps
(about 10^418 answer paths) against an edited copy, and against itself.

    python benchmarks/diff.py      # writes its section of benchmarks/RESULTS.md

The edited copy changes three things in the middle of the chain: a branch retargeted, a
script added and an outcome changed. It is the declared view (SopSpec) with those
edits; its machine class is not rebuilt, since the diff reads only the declared view.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

import attrs

from sopfsm.declare import Script, ScriptKind
from sopfsm.diff import diff_sops
from sopfsm.model import SopSpec, spec_of
from sopfsm.provenance import clause
from sopfsm.synthetic import synthetic_sop
from sopfsm.text import Text

HERE = Path(__file__).parent
HEADING = "## The diff"
SIZE = 2_000
TARGET_S = 5.0


def edited(sop: SopSpec) -> SopSpec:
    middle = SIZE // 2
    source, far = f"q{middle:05d}", f"q{middle + 3:05d}"
    branches = tuple(
        attrs.evolve(b, target=far)
        if b.source == source and b.target != far and b.branch and b.branch.values == (True,)
        else b
        for b in sop.branches
    )
    script = Script(Text("Teks baru", "A new text"), clause("1b"), ScriptKind.SAID)
    steps = tuple(
        attrs.evolve(s, says=(script,)) if s.id == f"q{middle + 500:05d}"
        else attrs.evolve(s, outcome="APKT_ISSUE_CLOSED") if s.outcome == "APKT_TO_UNIT"
        else s
        for s in sop.steps
    )  # fmt: skip
    return attrs.evolve(sop, steps=steps, branches=branches)


def seconds(old: SopSpec, new: SopSpec, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = diff_sops(old, new)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def section() -> str:
    sop = spec_of(synthetic_sop(SIZE))
    changed_copy = edited(sop)
    edit_time, diff = seconds(sop, changed_copy)
    self_time, same = seconds(sop, sop)
    assert not diff.same  # type: ignore[attr-defined]
    assert same.same  # type: ignore[attr-defined]
    counts = diff.path_counts  # type: ignore[attr-defined]
    total = sum(counts.values())
    verdict = "met" if edit_time < TARGET_S else "**not met**"
    shares = ", ".join(f"{counts[s] / total:.1%} {s}" for s in counts)
    return "\n".join(
        [
            HEADING,
            "",
            "Written by `python benchmarks/diff.py`. A synthetic SOP of "
            f"{SIZE:,} yes/no question steps (`sopfsm.synthetic`, {len(str(total))}-digit "
            "numbers of answer paths) against a copy with a branch retargeted, a script added "
            "and an outcome changed in the middle; median of 5 runs. The paths are counted "
            "by walking both SOPs together, pair of steps by pair of steps, never listed.",
            "",
            "| target | measured | verdict |",
            "| --- | --- | --- |",
            f"| the diff of a {SIZE:,}-step SOP against an edited copy takes under "
            f"{TARGET_S:.0f} s | {edit_time * 1e3:.0f} ms | {verdict} |",
            "",
            "| comparison | time | paths by status |",
            "| --- | --- | --- |",
            f"| against the edited copy | {edit_time * 1e3:.0f} ms | {shares} |",
            f"| against itself | {self_time * 1e3:.0f} ms | all unchanged |",
            "",
        ]
    )


def write(text: str, results: Path = HERE / "RESULTS.md") -> None:
    """Put ``text`` in place of this module's section of RESULTS.md (before QA's section,
    which its own script keeps last; appended if there is none)."""
    current = results.read_text("utf-8")
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |^<!-- |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current)
    elif "<!-- qa:start -->" in current:
        updated = current.replace("<!-- qa:start -->", text + "\n<!-- qa:start -->", 1)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    results.write_text(updated, encoding="utf-8")


def main() -> None:
    text = section()
    write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
