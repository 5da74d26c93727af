"""The bundled SOPs by id: the names call software and QA depend on."""

from __future__ import annotations

from statemachine import StateMachine

from sopfsm.errors import UnknownSop
from sopfsm.sops.gangguan_persil import GangguanPersil
from sopfsm.sops.lebih_tagih import LebihTagih
from sopfsm.sops.niaga_overdue import NiagaOverdue
from sopfsm.sops.ps_bereavement import PsBereavement
from sopfsm.sops.ps_welding import PsWelding
from sopfsm.sops.turun_daya import TurunDaya
from sopfsm.spec import SopSpec, spec_of

_MACHINES: dict[str, type[StateMachine]] = {
    m.sop_id: m
    for m in (NiagaOverdue, PsWelding, PsBereavement, TurunDaya, LebihTagih, GangguanPersil)
}


def sop_ids() -> tuple[str, ...]:
    """The ids of the bundled SOPs, in the document's clause order."""
    return tuple(_MACHINES)


def get_sop(sop_id: str) -> SopSpec:
    """The bundled SOP ``sop_id``, or :class:`UnknownSop` naming the known ones."""
    try:
        machine = _MACHINES[sop_id]
    except KeyError:
        raise UnknownSop(sop_id, sop_ids()) from None
    return spec_of(machine)


def all_sops() -> tuple[SopSpec, ...]:
    """Every bundled SOP, in clause order."""
    return tuple(spec_of(m) for m in _MACHINES.values())
