"""Four ways to run one SOP, driven alike: the Python declaration, the SOP loaded from
its YAML file, and the SCXML and statechart JSON exports loaded by python-statemachine.

A loaded export knows only what its document says: before sending ``answer``, its driver
checks and coerces the raw answer by the question type the document names for the state
(as a call platform must), and sends nothing for a refused answer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from statemachine.io import load

from sopfsm.call import Call, start
from sopfsm.errors import InvalidAnswer, Rejected
from sopfsm.formats import scxml, statechart_json
from sopfsm.formats.kinds import QUESTION_TYPES
from sopfsm.model import SopSpec


class Engine(Protocol):
    @property
    def step(self) -> str: ...

    def answer(self, raw: object) -> None: ...


class PythonCall:
    """A guided call: refuses an invalid answer, and stays where it was."""

    def __init__(self, sop: SopSpec) -> None:
        self.call: Call = start(sop)

    @property
    def step(self) -> str:
        return self.call.path[-1]

    def answer(self, raw: object) -> None:
        pending = self.call.pending
        if pending is None:
            return
        with contextlib.suppress(InvalidAnswer):  # refused: the call is unchanged
            self.call.answer(pending.id, raw)


class LoadedMachine:
    """An instance of a class ``statemachine.io.load`` built from an exported document."""

    def __init__(self, machine: type[Any], asks: Mapping[str, tuple[str, str]]) -> None:
        # One instance per call, of a class loaded once per document: the datamodel of a
        # loaded class is set up for its first instance only, and nothing here reads it.
        self.machine = machine()
        self.asks = asks

    @property
    def step(self) -> str:
        (state,) = self.machine.configuration
        return str(state.id)

    def answer(self, raw: object) -> None:
        if self.step not in self.asks:
            return  # a final state: the call has ended
        _, type_name = self.asks[self.step]
        try:
            value = QUESTION_TYPES[type_name].coerce(raw)
        except Rejected:
            return
        self.machine.send("answer", value=value)


def loaded_engines(sop: SopSpec) -> dict[str, Callable[[], Engine]]:
    """For ``sop``: a factory of a fresh call per engine (each document loaded once)."""
    from sopfsm.formats.yaml import read_yaml, sop_to_yaml

    from_yaml = read_yaml(sop_to_yaml(sop), f"{sop.sop_id}.yaml")
    scxml_text = scxml.sop_to_scxml(sop)
    json_text = statechart_json.sop_to_statechart_json(sop)
    scxml_machine = _strict(load(scxml_text, format="scxml"))
    json_machine = _strict(load(json_text, format="json", validate=True))
    scxml_asks = scxml.question_types(scxml_text)
    json_asks = statechart_json.question_types(json_text)
    return {
        "python": lambda: PythonCall(sop),
        "yaml": lambda: PythonCall(from_yaml),
        "scxml": lambda: LoadedMachine(scxml_machine, scxml_asks),
        "statechart-json": lambda: LoadedMachine(json_machine, json_asks),
    }


def _strict(machine: type[Any]) -> type[Any]:
    """A loaded class is a lenient StateChart: an answer no ``cond`` takes, or a ``cond``
    that raises, would be silently ignored. Driven here only with accepted answers, any
    of them must take a transition, so both raise."""
    machine.allow_event_without_transition = False
    machine.catch_errors_as_events = False
    return machine
