"""Calls driven to their end from a table of answers, and what the CSO is told on them."""

from __future__ import annotations

from collections.abc import Mapping

import sopfsm


def run_through(sop_id: str, answers: Mapping[str, object]) -> sopfsm.Call:
    """A call of ``sop_id`` answered from ``answers`` until nothing is pending."""
    call = sopfsm.start(sop_id)
    while call.pending is not None:
        call.answer(call.pending.id, answers[call.pending.id])
    return call


def said_scripts(call: sopfsm.Call) -> list[sopfsm.Script]:
    """The scripts the CSO says aloud on ``call`` (not notes, not actions)."""
    return [s for s in call.said if s.kind == "said"]


def said_text(call: sopfsm.Call) -> str:
    """Every script of ``call`` in Indonesian, as one text to search."""
    return " ".join(s.text.id for s in call.said)
