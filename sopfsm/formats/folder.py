"""A folder of SOP files that adds versions to the bundled catalogue, or overrides them.

An operator points the CLI at one with ``--sops DIR`` or the environment variable
:data:`SOPS_ENV`. The folder is taken whole or not at all: a broken file is reported at
its mistakes, with the other files named as not loaded, so that a half-read folder never
answers calls.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from sopfsm.errors import SopFileError, SopFolderError
from sopfsm.formats.load import READERS, load_sop
from sopfsm.model import SopSpec

SOPS_ENV: Final = "SOPFSM_SOPS"


def sop_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The SOP files of ``folder`` (by suffix), in name order."""
    path = Path(folder)
    try:
        entries = sorted(path.iterdir())
    except OSError as error:
        reason = error.strerror or str(error)
        raise SopFolderError(
            str(folder), [f"{folder}: cannot read the folder: {reason}"], []
        ) from None
    return [p for p in entries if p.suffix.lower() in READERS and p.is_file()]


def load_sop_folder(folder: str | os.PathLike[str]) -> list[tuple[SopSpec, str]]:
    """Every SOP of ``folder`` with its file; :class:`SopFolderError` listing each
    mistake of each broken file, and naming the files left unloaded because of them.
    :func:`sopfsm.catalogue.add_versions` takes what it returns (and refuses conflicts)."""
    loaded: list[tuple[SopSpec, str]] = []
    problems: list[str] = []
    broken: set[Path] = set()
    files = sop_files(folder)
    for file in files:
        try:
            loaded.append((load_sop(file), str(file)))
        except SopFileError as error:
            problems += [str(problem) for problem in error.problems]
            broken.add(file)
    if problems:
        raise SopFolderError(str(folder), problems, [str(f) for f in files if f not in broken])
    return loaded
