"""The ``sopfsm`` command against a hostile user: whatever fails that is not an audit
finding exits 2 with one line on stderr; Ctrl-C exits 130; a closed pipe is silent."""

from __future__ import annotations

import ast
import contextlib
import io
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopfsm.cli import main
from sopfsm.cli.exit import ExitCode

CLI = Path(__file__).parents[2] / "sopfsm" / "cli"
_names = itertools.count()


def _sopfsm(*argv: str, **how: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "sopfsm", *argv],
        capture_output="stdout" not in how,
        stderr=subprocess.PIPE if "stdout" in how else None,
        text=True,
        check=False,
        timeout=120,
        **how,
    )


def _in_process(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as usage:  # argparse's one-line usage error (a name like "-:-")
            code = int(usage.code or 0)
    return code, err.getvalue()


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if not line.startswith("Fontconfig")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# -- audit module:attr -------------------------------------------------------------------------

ATTRIBUTES = [
    '"lebih-tagih"',  # the id of a bundled SOP, as a string: not a Sop class
    "42",
    "None",
    "[1, 2]",
    "lambda: 1",
    "int",
    "type('NotASop', (), {})",
    "__import__('statemachine').StateMachine",
]
RAISING = [
    "raise ValueError('bad\\nvalue')",
    "raise SystemExit(1)",
    "raise ImportError('missing')",
    "import no_such_module_anywhere",
    "1 / 0",
    "def f(:\n    pass",  # a SyntaxError
    "\tx = 1\n  y = 2",  # an IndentationError
    "import sys\nsys.setrecursionlimit(1 << 30) if False else None\nraise RecursionError()",
]


@st.composite
def bad_machine_names(draw: st.DrawFn) -> tuple[str, str]:
    """A module's source and a module:attr naming something in it that is not a Sop class."""
    kind = draw(st.sampled_from(["attribute", "raises", "syntax", "name"]))
    module = f"hostile_{next(_names)}"
    if kind == "attribute":
        return f"THING = {draw(st.sampled_from(ATTRIBUTES))}\n", f"{module}:THING"
    if kind == "raises":
        return draw(st.sampled_from(RAISING)) + "\n", f"{module}:Anything"
    if kind == "syntax":
        source = draw(st.text(min_size=1, max_size=30).filter(_does_not_compile))
        return source, f"{module}:X"
    name = draw(
        st.sampled_from([":X", f".{module}:X", f"..{module}:X", f"{module}:", f"{module}.:X"])
        | st.text(max_size=12).map(lambda t: f"{t}:{t}")
    )
    return "", name


def _does_not_compile(source: str) -> bool:
    try:
        compile(source, "<generated>", "exec")
    except (SyntaxError, ValueError):
        return True
    return False


@settings(max_examples=40, deadline=None)
@given(case=bad_machine_names())
def test_audit_of_anything_but_a_sop_class_exits_2_with_one_line(case: tuple[str, str]) -> None:
    source, name = case
    with tempfile.TemporaryDirectory() as folder:
        module = name.partition(":")[0]
        if module.isidentifier():
            Path(folder, f"{module}.py").write_text(source, encoding="utf-8", errors="replace")
        sys.path.insert(0, folder)
        try:
            code, stderr = _in_process(["audit", name])
        finally:
            sys.path.remove(folder)
            sys.modules.pop(module, None)
    assert code == ExitCode.BAD_INPUT
    line = _one_line(stderr)
    assert line.startswith("sopfsm: error: ")
    assert len(line) < 400


def test_audit_of_a_string_naming_a_bundled_sop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "strings.py").write_text('LEBIH = "lebih-tagih"\n', encoding="utf-8")
    done = _sopfsm(
        "audit", "strings:LEBIH", cwd=tmp_path, env={**os.environ, "PYTHONPATH": _path(tmp_path)}
    )
    assert done.returncode == 2
    assert "not a Sop class" in _one_line(done.stderr)


def _path(*extra: Path) -> str:
    return os.pathsep.join([*map(str, extra), str(Path(__file__).parents[2])])


# -- streams -------------------------------------------------------------------------------

COMMANDS = [["list", "--json"], ["audit", "lebih-tagih"]]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_a_reader_that_went_away_is_silent(argv: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # as `| head -c10` does once it has its ten bytes
    try:
        done = _sopfsm(*argv, stdout=write)
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == ExitCode.BROKEN_PIPE


def test_sopfsm_list_piped_to_head_prints_ten_bytes_and_nothing_else() -> None:
    done = subprocess.run(
        f"{sys.executable} -m sopfsm audit --markdown | head -c10",
        shell=True, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert len(done.stdout) == 10
    assert done.stderr == ""


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_a_full_disk_says_so_in_one_line(argv: list[str]) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = _sopfsm(*argv, stdout=full)
    assert done.returncode == ExitCode.BAD_INPUT
    line = _one_line(done.stderr)
    assert "No space left on device" in line and "None" not in line


@pytest.mark.parametrize(
    ("shell", "message"),
    [
        ("run lebih-tagih <&-", "standard input is closed"),
        ("list >&-", "standard output is closed"),
        ("run lebih-tagih >&-", "standard output is closed"),
    ],
)
def test_a_closed_stdin_or_stdout_exits_2_with_one_line(shell: str, message: str) -> None:
    done = subprocess.run(
        f"{sys.executable} -m sopfsm {shell}",
        shell=True, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == ExitCode.BAD_INPUT
    assert message in _one_line(done.stderr)


def _blocked_reading_stdin(pid: int) -> bool:
    """Whether the process sleeps inside a read of its stdin. Only then does a SIGINT
    interrupt the read: one that lands between the prompt's write and the read stays
    pending until the read returns, as in a terminal until the next Enter."""
    proc = Path("/proc", str(pid))
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        syscall = (proc / "syscall").read_text().split()
    except OSError:
        pytest.skip("needs /proc to see that the process waits for its answer")
    if state != "S" or not syscall:
        return False
    if os.uname().machine == "x86_64":  # read(2) is syscall 0 there; its first argument the fd
        return syscall[:2] == ["0", "0x0"]
    return "pipe_read" in (proc / "wchan").read_text()


def test_ctrl_c_during_a_call_exits_130_with_one_line() -> None:
    # stdin stays open and is never written: the only way out of the read is the signal.
    # A shell starts a background job (`pytest &`) with SIGINT ignored, and Python keeps an
    # ignored SIGINT ignored: the child gets the default back, as a terminal would give it.
    child = subprocess.Popen(
        [sys.executable, "-m", "sopfsm", "run", "lebih-tagih"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )  # fmt: skip
    try:
        assert child.stdout is not None
        assert child.stderr is not None
        prompt = ""
        while not prompt.endswith("> "):
            character = child.stdout.read(1)
            assert character, f"no prompt before the output ended: {prompt!r}"
            prompt += character
        deadline = time.monotonic() + 120
        while not _blocked_reading_stdin(child.pid):
            assert time.monotonic() < deadline, "never waited for the answer"
            time.sleep(0.01)
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=120) == ExitCode.INTERRUPTED
        assert _one_line(child.stderr.read()) == "sopfsm: interrupted"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdin, child.stdout, child.stderr):
            if stream is not None:
                stream.close()


@given(data=st.binary(min_size=1, max_size=40))
@settings(max_examples=3, deadline=None)
def test_an_answer_that_is_not_utf8_is_refused_like_any_wrong_answer(data: bytes) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sopfsm", "run", "lebih-tagih", "--lang", "en"],
        input=b"\xff\xfe" + data + b"\n", capture_output=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == ExitCode.ANSWER_NEEDED  # asked again, then the input ended
    assert b"refused" in done.stdout
    assert done.stderr == b""


@pytest.mark.parametrize("argv", [["render", "--out", ""], ["booklet", "--out", " "]])
def test_an_empty_out_is_refused(argv: list[str], tmp_path: Path) -> None:
    done = _sopfsm(*argv, cwd=tmp_path)
    assert done.returncode == ExitCode.BAD_INPUT
    assert "--out needs a path" in _one_line(done.stderr)
    assert list(tmp_path.iterdir()) == []


def test_every_exit_code_comes_from_exit_py() -> None:
    """No command returns or exits with a bare number: each code means one thing."""
    for module in CLI.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant):
                assert not isinstance(node.value.value, int), f"{module.name}:{node.lineno}"
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {"exit", "_exit"}:
                numbers = [a for a in node.args if isinstance(a, ast.Constant)]
                assert not any(isinstance(a.value, int) for a in numbers), module.name
