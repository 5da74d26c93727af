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


def get_sop(sop_id: str) -> SopSpec:
    """The bundled SOP ``sop_id``, or :class:`UnknownSop` naming the known ones.

    Only the catalogue: an id that arrives in data (a recorded or saved call, a request)
    is never a file path, whatever it holds. An operator's own argument that may name a
    SOP file goes through :func:`sopfsm.formats.load.sop_from_argument`.
    """
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


def all_sops() -> tuple[SopSpec, ...]:
    """Every bundled SOP: the front door, then the clauses in order."""
    return tuple(get_sop(sop_id) for sop_id in _CLASSES)
