"""The bundled SOPs by id: the names call software and QA depend on.

Each SOP module is imported the first time its SOP is asked for, so ``import sopfsm``
does not pay for building machine classes it may not use. The front door ``triage``
composes the others, so asking for it loads them all.
"""

from __future__ import annotations

import importlib

from sopfsm.errors import UnknownSop
from sopfsm.model import SopSpec, spec_of

FRONT_DOOR = "triage"  # where a call starts when no SOP is named

# The front door, then the clause SOPs in the document's clause order:
# id -> (module in sopfsm.sops, class).
_CLASSES: dict[str, tuple[str, str]] = {
    FRONT_DOOR: ("triage", "Triage"),
    "niaga-overdue": ("niaga_overdue", "NiagaOverdue"),
    "ps-welding": ("ps_welding", "PsWelding"),
    "ps-other": ("ps_other", "PsOther"),
    "ps-bereavement": ("ps_bereavement", "PsBereavement"),
    "unit-request": ("unit_request", "UnitRequest"),
    "turun-daya": ("turun_daya", "TurunDaya"),
    "lebih-tagih": ("lebih_tagih", "LebihTagih"),
    "gangguan-persil": ("gangguan_persil", "GangguanPersil"),
}
_loaded: dict[str, SopSpec] = {}


def sop_ids() -> tuple[str, ...]:
    """The ids of the bundled SOPs: the front door, then the clauses in the document's order."""
    return tuple(_CLASSES)


def get_sop(sop_id: str, *, files: bool = False) -> SopSpec:
    """The bundled SOP ``sop_id``, or :class:`UnknownSop` naming the known ones.

    Only the catalogue: an id that arrives in data (a recorded or saved call, a request)
    is never a file path, whatever it holds. An operator's own argument that may name a
    SOP file goes through :func:`sop_from_argument`. ``files`` is accepted for callers
    that still pass ``files=False``; it changes nothing.
    """
    del files
    if not isinstance(sop_id, str):  # a list or None from outside input is unknown too
        raise UnknownSop(sop_id, sop_ids())
    spec = _loaded.get(sop_id)
    if spec is None:
        try:
            module, name = _CLASSES[sop_id]
        except KeyError:
            raise UnknownSop(sop_id, sop_ids()) from None
        machine = getattr(importlib.import_module(f"sopfsm.sops.{module}"), name)
        spec = _loaded[sop_id] = spec_of(machine)
        if spec.sop_id != sop_id:  # pragma: no cover - a catalogue entry that lies
            raise UnknownSop(sop_id, sop_ids())
    return spec


def sop_from_argument(argument: str) -> SopSpec:
    """The SOP an operator names on the command line: a catalogue id, or a SOP file.

    A path (with a suffix or a folder; catalogue ids have neither) loads that file, or
    refuses it with :class:`~sopfsm.errors.SopFileError` locating each mistake. Never
    call this with an id read from data: use :func:`get_sop`.
    """
    if isinstance(argument, str) and argument not in _CLASSES and _looks_like_path(argument):
        from sopfsm.formats.load import load_sop

        return load_sop(argument)
    return get_sop(argument)


def _looks_like_path(argument: str) -> bool:
    return any(c in argument for c in "./\\")


def all_sops() -> tuple[SopSpec, ...]:
    """Every bundled SOP: the front door, then the clauses in order."""
    return tuple(get_sop(sop_id) for sop_id in _CLASSES)
