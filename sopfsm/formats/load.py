"""Load a SOP file by its suffix: the one table of the syntaxes a SOP file may use."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from sopfsm.catalogue import get_sop, sop_ids
from sopfsm.errors import SopFileError, SopFileProblem
from sopfsm.model import SopSpec


def _read_yaml(text: str, file: str) -> SopSpec:
    from sopfsm.formats.yaml import read_yaml

    return read_yaml(text, file)


READERS: Final[Mapping[str, Callable[[str, str], SopSpec]]] = {
    ".yaml": _read_yaml,
    ".yml": _read_yaml,
}

MAX_BYTES: Final = 16_000_000
"""The largest SOP file read: a 10,000-step SOP is about 3 MB."""

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
        with open(file, "rb") as handle:
            # Bounded: a symlink to /dev/zero or a huge file is refused, not read whole.
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        raise SopFileError(file, [SopFileProblem(file, 1, 1, f"cannot read: {reason}")]) from None
    if len(raw) > MAX_BYTES:
        problem = SopFileProblem(file, 1, 1, f"cannot read: larger than {MAX_BYTES:,} bytes")
        raise SopFileError(file, [problem])
    spec = _cache[key] = reader(_decoded(raw, file), file)
    return spec


def _decoded(raw: bytes, file: str) -> str:
    """``raw`` as UTF-8 text; a byte that is not UTF-8 is refused where it stands."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        message = f"cannot read: byte 0x{raw[error.start]:02X} is not UTF-8; a SOP file is UTF-8"
        raise SopFileError(file, [SopFileProblem(file, line, column, message)]) from None


def sop_from_argument(argument: str) -> SopSpec:
    """The SOP an operator names on the command line: a catalogue id, or a SOP file.

    A path (with a suffix or a folder; catalogue ids have neither) loads that file, or
    refuses it with :class:`~sopfsm.errors.SopFileError` locating each mistake. Never
    call this with an id read from data: use :func:`sopfsm.catalogue.get_sop`.
    """
    if argument not in sop_ids() and any(c in argument for c in "./\\"):
        return load_sop(argument)
    return get_sop(argument)
