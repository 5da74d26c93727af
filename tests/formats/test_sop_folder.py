"""A folder of SOP files (``--sops DIR`` or SOPFSM_SOPS): it adds versions and SOPs to
the bundled catalogue, and is refused whole, exit 2, when a file is broken or two
files conflict, each problem located and the other files named as not loaded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sopfsm.catalogue import clear_added_versions, sop_versions
from sopfsm.cli import main

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "docs" / "examples"
UPDATE = EXAMPLES / "lebih-tagih-illustrative-update.yaml"
TOKEN = EXAMPLES / "token-tidak-masuk.yaml"


@pytest.fixture(autouse=True)
def _bundled_only() -> Iterator[None]:
    clear_added_versions()
    yield
    clear_added_versions()


def _folder(tmp_path: Path, *files: Path) -> Path:
    folder = tmp_path / "sops"
    folder.mkdir()
    for file in files:
        (folder / file.name).write_bytes(file.read_bytes())
    return folder


def test_a_folder_adds_a_version_and_a_sop_for_the_command_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, UPDATE, TOKEN)
    assert main(["--sops", str(folder), "diff", "lebih-tagih@2020-04-10", "lebih-tagih"]) == 1
    assert "+++ lebih-tagih 2026-12-01" in capsys.readouterr().out
    answers = ["--answer", "token_entered=no", "--answer", "token_accepted=yes"]
    assert main(["--sops", str(folder), "run", "token-tidak-masuk", "--json", *answers]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"]["code"] == "APKT_ISSUE_CLOSED"
    assert [v.version for v in sop_versions("lebih-tagih")] == ["2020-04-10"]  # afterwards


def test_the_environment_variable_names_the_folder_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOPFSM_SOPS", str(_folder(tmp_path, UPDATE)))
    assert main(["diff", "lebih-tagih@2020-04-10", "lebih-tagih@2026-12-01"]) == 1
    assert "+++ lebih-tagih 2026-12-01" in capsys.readouterr().out


def test_a_broken_file_refuses_the_folder_located_naming_the_files_not_loaded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, UPDATE, TOKEN)
    broken = folder / "broken.yaml"
    broken.write_text(UPDATE.read_text("utf-8").replace("version: '2026-12-01'", "version: v2"))
    assert main(["--sops", str(folder), "list"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    head, *problems = captured.err.splitlines()
    assert head == (
        f"sopfsm: error: SOP folder {folder} refused (1 problem); not loaded: "
        f"{folder / UPDATE.name}, {folder / TOKEN.name}"
    )
    line = next(n for n, t in enumerate(broken.read_text().splitlines(), 1) if "version:" in t)
    assert problems == [
        f"{broken}:{line}:10: version: expected a date YYYY-MM-DD, like 2020-04-10, not 'v2'"
    ]


def test_two_files_of_one_id_and_version_are_refused_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, UPDATE)
    (folder / "copy.yaml").write_bytes(UPDATE.read_bytes())
    assert main(["--sops", str(folder), "list"]) == 2
    err = capsys.readouterr().err
    assert (
        f"{folder / 'copy.yaml'} and {folder / UPDATE.name} both claim SOP 'lebih-tagih' "
        "version 2026-12-01" in err
    )


def test_a_version_before_the_one_it_replaces_is_refused_naming_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path)
    early = folder / "early.yaml"
    text = UPDATE.read_text("utf-8")
    early.write_text(
        text.replace("version: '2026-12-01'\n", "version: '2026-12-01'\neffective: 2019-12-31\n")
    )
    assert main(["--sops", str(folder), "list"]) == 2
    err = capsys.readouterr().err
    assert (
        f"{early}: SOP 'lebih-tagih' version 2026-12-01 takes effect 2019-12-31T00:00:00+09:00"
        in err
    )
    assert "not after version 2020-04-10 (bundled)" in err


def test_a_folder_that_is_not_there_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--sops", str(tmp_path / "absent"), "list"]) == 2
    assert "cannot read the folder" in capsys.readouterr().err
