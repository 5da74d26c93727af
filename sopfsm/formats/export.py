"""The export formats by name, and the folder of every bundled SOP in every format."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Final

from sopfsm.model import SopSpec


def _yaml(sop: SopSpec) -> str:
    from sopfsm.formats.yaml import sop_to_yaml

    return sop_to_yaml(sop)


def _scxml(sop: SopSpec) -> str:
    from sopfsm.formats.scxml import sop_to_scxml

    return sop_to_scxml(sop)


def _statechart_json(sop: SopSpec) -> str:
    from sopfsm.formats.statechart_json import sop_to_statechart_json

    return sop_to_statechart_json(sop)


# name -> (writer, file suffix)
EXPORTERS: Final[Mapping[str, tuple[Callable[[SopSpec], str], str]]] = {
    "yaml": (_yaml, ".yaml"),
    "scxml": (_scxml, ".scxml"),
    "statechart-json": (_statechart_json, ".json"),
}


def export_sop(sop: SopSpec, format: str) -> str:
    """``sop`` in the export ``format`` (a name of :data:`EXPORTERS`)."""
    writer, _ = EXPORTERS[format]
    return writer(sop)


def export_files(sops: Iterable[SopSpec], folder: Path) -> list[Path]:
    """Write each SOP in every format to ``folder`` (``ID.yaml``, ``ID.scxml``, ``ID.json``)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sop in sops:
        for writer, suffix in EXPORTERS.values():
            path = folder / f"{sop.sop_id}{suffix}"
            path.write_bytes(writer(sop).encode("utf-8"))
            written.append(path)
    return written
