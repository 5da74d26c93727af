"""Load a SOP file by its suffix: the one table of the syntaxes a SOP file may use."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from sopfsm.errors import SopFileError, SopFileProblem
from sopfsm.model import SopSpec


def _read_yaml(text: str, file: str) -> SopSpec:
    from sopfsm.formats.yaml import read_yaml

    return read_yaml(text, file)


READERS: Final[Mapping[str, Callable[[str, str], SopSpec]]] = {
    ".yaml": _read_yaml,
    ".yml": _read_yaml,
}

# A file read once per content: a CLI command or a call does not parse it twice.
_cache: dict[tuple[str, int, int], SopSpec] = {}


def load_sop(path: str | os.PathLike[str]) -> SopSpec:
    """The SOP in the file ``path``; :class:`SopFileError` locating each mistake.

    The suffix picks the reader (:data:`READERS`); a missing or unreadable file, or a
    suffix no reader takes, is a :class:`SopFileError` too.
    """
    file = os.fspath(path)
    reader = READERS.get(Path(file).suffix.lower())
    if reader is None:
        suffixes = ", ".join(READERS)
        raise SopFileError(file, [SopFileProblem(file, 1, 1, f"a SOP file ends in {suffixes}")])
    try:
        status = os.stat(file)
        key = (os.path.abspath(file), status.st_mtime_ns, status.st_size)
        if key in _cache:
            return _cache[key]
        with open(file, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise SopFileError(file, [SopFileProblem(file, 1, 1, f"cannot read: {reason}")]) from None
    spec = _cache[key] = reader(text, file)
    return spec
