"""The service's compiled walk shows exactly what a python-statemachine call shows.

The service answers calls on :class:`sopfsm.compiled.CompiledCall`; the declared machine
stays the definition. Every audit path of every SOP, bundled or loaded from an exported
SOP file, and random answer sequences with refused answers mixed in, give the same body
(:func:`sopfsm.views.call_dict`, both languages) after each answer, and the same refusal.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sopfsm
from sopfsm.audit import audit
from sopfsm.call import Call
from sopfsm.call import start_answered as machine_start_answered
from sopfsm.compiled import CompiledCall, compile_sop, start_answered
from sopfsm.errors import SopfsmError
from sopfsm.formats.export import EXPORTERS, export_sop
from sopfsm.formats.load import load_sop
from sopfsm.model import SopSpec
from sopfsm.strategies import invalid_answers, valid_answers
from sopfsm.text import LANGS
from sopfsm.views import call_dict, sample_of

AT = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)
UNKNOWN = "no_such_question"
BUNDLED: list[tuple[str, str | None]] = [(sop.sop_id, None) for sop in sopfsm.all_sops()]
# The exports load_sop reads back (SCXML and statechart JSON are written, never read).
FILES: list[tuple[str, str | None]] = [(sop.sop_id, "yaml") for sop in sopfsm.all_sops()]


@functools.cache
def _sop(sop_id: str, format: str | None) -> SopSpec:
    """The bundled SOP, or the SOP loaded back from its export in ``format``."""
    sop = sopfsm.get_sop(sop_id)
    if format is None:
        return sop
    _, suffix = EXPORTERS[format]
    path = Path(_folder()) / f"{sop_id}-{format}{suffix}"
    path.write_text(export_sop(sop, format), encoding="utf-8")
    return load_sop(path)


@functools.cache
def _folder() -> str:
    return tempfile.mkdtemp(prefix="sopfsm-compiled-")


def _clock() -> dt.datetime:
    return AT


def _bodies(call: Call | CompiledCall) -> list[dict[str, object]]:
    return [call_dict(call, lang) for lang in LANGS]


def _same_answer(machine: Call, walk: CompiledCall, question_id: object, raw: object) -> None:
    """Answer both; both refuse with the same error, or both show the same body."""
    refused: list[tuple[type, str]] = []
    for call in (machine, walk):
        try:
            if isinstance(call, Call):
                call.answer(question_id, raw)  # type: ignore[arg-type]
            else:
                call.answer(question_id, raw, AT)  # type: ignore[arg-type]
        except SopfsmError as error:
            refused.append((type(error), str(error)))
    assert len(refused) in (0, 2), f"only one refused {question_id!r}={raw!r}: {refused}"
    if refused:
        assert refused[0] == refused[1]
    assert _bodies(walk) == _bodies(machine)


@pytest.mark.parametrize(("sop_id", "format"), BUNDLED + FILES)
def test_every_audit_path_shows_the_same_body_walked_compiled(
    sop_id: str, format: str | None
) -> None:
    sop = _sop(sop_id, format)
    paths = audit(sop, max_paths=100_000).paths
    assert paths, f"{sop_id}: the audit lists no path"
    table = compile_sop(sop)
    for row in paths:
        machine, walk = sopfsm.start(sop, clock=_clock), CompiledCall(table)
        assert _bodies(walk) == _bodies(machine)
        for question_id, label in row.answers:
            question = sop.question(question_id)
            assert question is not None
            _same_answer(machine, walk, question_id, sample_of(question.kind, label))
        assert walk.path == row.steps
        outcome = walk.outcome
        assert (outcome.code if outcome else None) == row.outcome


@st.composite
def attempts(draw: st.DrawFn, sop: SopSpec) -> list[tuple[object, object]]:
    """Answers to any question of the SOP or none, mostly the pending one, some refused."""
    questions = [q.id for q in sop.questions]
    tries: list[tuple[object, object]] = []
    for _ in range(draw(st.integers(0, 10))):
        question_id: object = draw(st.sampled_from([*questions, UNKNOWN, None]))
        question = sop.question(question_id) if isinstance(question_id, str) else None
        if question is None:
            raw: object = draw(st.text(max_size=3))
        elif draw(st.booleans()):
            raw = draw(valid_answers(question))
        else:
            raw = draw(invalid_answers(question))
        tries.append((question_id, raw))
    return tries


def _walk_both(sop: SopSpec, data: st.DataObject) -> None:
    machine, walk = sopfsm.start(sop, clock=_clock), CompiledCall(compile_sop(sop))
    for drawn in data.draw(attempts(sop)):
        pending = machine.pending
        follows = pending is not None and data.draw(st.booleans())
        tried = (pending.id, data.draw(valid_answers(pending))) if pending and follows else drawn
        _same_answer(machine, walk, *tried)


@pytest.mark.parametrize(("sop_id", "format"), BUNDLED)
@given(data=st.data())
def test_any_answers_refused_or_not_show_the_same_body_walked_compiled(
    sop_id: str, format: str | None, data: st.DataObject
) -> None:
    _walk_both(_sop(sop_id, format), data)


@pytest.mark.parametrize(("sop_id", "format"), FILES)
@settings(max_examples=20)
@given(data=st.data())
def test_any_answers_to_a_loaded_sop_file_show_the_same_body_walked_compiled(
    sop_id: str, format: str | None, data: st.DataObject
) -> None:
    _walk_both(_sop(sop_id, format), data)


@pytest.mark.parametrize(("sop_id", "format"), BUNDLED)
@given(data=st.data())
def test_a_call_started_with_answers_shows_the_same_body_walked_compiled(
    sop_id: str, format: str | None, data: st.DataObject
) -> None:
    sop = _sop(sop_id, format)
    names = [q.id for q in sop.questions]
    given_answers = data.draw(
        st.dictionaries(
            st.sampled_from([*names, UNKNOWN]),
            st.one_of(st.text(max_size=4), st.booleans(), st.integers(0, 3)),
            max_size=len(names) + 1,
        )
    )
    outcomes: list[object] = []
    for start in (
        lambda: machine_start_answered(sop, given_answers, clock=_clock),
        lambda: start_answered(compile_sop(sop), given_answers, _clock),
    ):
        try:
            call, unused = start()
            outcomes.append((_bodies(call), unused))
        except SopfsmError as error:
            outcomes.append((type(error), str(error)))
    assert outcomes[0] == outcomes[1]


def test_a_broken_walk_is_caught_by_the_comparison() -> None:
    sop = sopfsm.get_sop("lebih-tagih")
    machine, walk = sopfsm.start(sop, clock=_clock), CompiledCall(compile_sop(sop))
    pending = machine.pending
    assert pending is not None
    machine.answer(pending.id, "ya")
    with pytest.raises(AssertionError):  # the walk was not answered: the bodies differ
        assert _bodies(walk) == _bodies(machine)
