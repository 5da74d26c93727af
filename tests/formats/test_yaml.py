"""Whatever bytes a SOP file holds, reading it ends in a located SopFileError or a SOP:
never another exception, a hang, or memory that grows with aliases."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sopfsm.cli import main
from sopfsm.errors import SopFileError, SopfsmError
from sopfsm.formats.load import load_sop
from sopfsm.formats.yaml import MAX_DEPTH, read_yaml

# Nine levels of nine aliases: 387 million strings once expanded, 500 bytes as written.
BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]\n"
    for before, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def _refusal(text: str) -> tuple[int, int, str]:
    with pytest.raises(SopFileError) as refused:
        read_yaml(text, "hostile.yaml")
    (problem,) = refused.value.problems
    assert problem.file == "hostile.yaml"
    return problem.line, problem.column, problem.message


def test_an_alias_bomb_is_refused_where_it_grows_before_anything_is_expanded() -> None:
    started = time.perf_counter()
    line, column, message = _refusal(BILLION_LAUGHS)
    assert time.perf_counter() - started < 0.5
    assert "values once aliases expand" in message
    assert (line, column) > (1, 1)


def test_an_alias_bomb_file_makes_the_cli_exit_2_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    assert main(["audit", str(path)]) == 2
    assert f"{path}:" in capsys.readouterr().err


def test_an_alias_to_the_value_holding_it_is_refused() -> None:
    assert _refusal("a: &a [1, *a]\n")[2] == "an alias refers to the value holding it"


def test_too_many_aliases_and_too_deep_nesting_are_refused() -> None:
    many = "a: &a x\nb: [" + ", ".join(["*a"] * 1001) + "]\n"
    assert "more than 1000 aliases" in _refusal(many)[2]
    deep = "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    assert "nested deeper than" in _refusal(deep)[2]
    # Aliases that nest within their limits still nest too deep once expanded.
    chained = "a0: &a0 [x]\n" + "".join(
        f"a{i}: &a{i} [[[[[[[[*a{i - 1}]]]]]]]]\n" for i in range(1, 6)
    )
    assert "nested deeper than" in _refusal(chained)[2]


@pytest.mark.parametrize(
    ("text", "column", "says"),
    [
        ("a: \x00\n", 4, "not valid YAML"),
        ("a: !!python/name:os.system x\n", 4, "tag !!python/name:os.system is not accepted"),
        ("a: !custom x\n", 4, "tag !custom is not accepted"),
        ("<<: {a: 1}\n", 1, "the merge key << is not accepted"),
        ("a: " + "9" * 5000 + "\n", 4, "is not a valid !!int"),
        ("a: !!int 0xZZ\n", 4, "'0xZZ' is not a valid !!int"),
        ("a: !!float abc\n", 4, "'abc' is not a valid !!float"),
        ("a: !!bool maybe\n", 4, "'maybe' is not a valid !!bool"),
        ("a: !!timestamp 2020-99-99\n", 4, "tag !!timestamp is not accepted"),
    ],
)
def test_a_hostile_value_is_a_located_sop_file_error(text: str, column: int, says: str) -> None:
    line, at, message = _refusal(text)
    assert (line, at) == (1, column)
    assert says in message


def test_a_file_that_is_not_utf8_is_refused_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: x\ntitle: café\n".encode("latin-1"))
    with pytest.raises(SopFileError) as refused:
        load_sop(path)
    (problem,) = refused.value.problems
    assert (problem.line, problem.column) == (2, 11)
    assert "0xE9 is not UTF-8" in problem.message


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_sop_file_linked_to_an_endless_device_is_refused_not_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "zero.yaml"
    path.symlink_to("/dev/zero")
    with pytest.raises(SopFileError, match="larger than"):
        load_sop(path)


def test_every_hostile_file_exits_2_from_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number, text in enumerate(["a: \x00\n", "a: !!python/name:os.system x\n", "<<: {}\n"]):
        path = tmp_path / f"h{number}.yaml"
        path.write_text(text, encoding="utf-8")
        for command in (["audit"], ["show"], ["export"]):
            assert main([*command, str(path)]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert f"{path}:1:" in err


def test_a_sop_file_error_is_a_sopfsm_error_and_a_value_error() -> None:
    assert issubclass(SopFileError, SopfsmError)
    assert issubclass(SopFileError, ValueError)
