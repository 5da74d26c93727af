"""The verdict on one recorded call: its answers replayed through the SOP version it names.

A call conforms, or deviates with one or more :class:`Deviation`, each citing the clause
concerned. A corrected call is judged on its effective answers (as corrected). The
replay follows the SOP's path, taking at each question the answer the call recorded for
it (CRM exports do not keep the order answers were given in), so:

- ``missing_answer``: the path asks a question the call never answered (the replay stops);
- ``invalid_answer``: the question refuses the recorded value, with the reason (stops);
- ``extra_answer``: an answer to a question the SOP does not ask, or, once the path is
  known, one the path never asks, or a second answer to the same question;
- ``unfinished``: no outcome recorded (the replay says which was due, when it got there),
  unless the call was abandoned (a wrap-up code: the line dropped, the customer hung up,
  ...), which the summary counts apart;
- ``outcome_not_allowed``: an outcome this SOP never ends in: another SOP's (citing this
  SOP's clause), or one no SOP has, such as sending the customer to the unit (clause 4);
- ``wrong_outcome``: an allowed outcome that is not where the answers lead;
- ``missing_data``: the right outcome, whose report lacks an answer its step carries (the
  NIK for 5A.2b, the stand APP for 5B);
- ``unknown_sop`` and ``unknown_version`` (the version it names is not in the catalogue,
  or, naming none, no version was in force at its time): nothing else can be judged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, Final

import attrs

from sopfsm.catalogue import catalogue_generation, sop_ids, sop_versions
from sopfsm.compiled import CompiledSop, CompiledStep, compile_sop, compiled
from sopfsm.declare import OUTCOME_CODES
from sopfsm.errors import Rejected, UnknownSop
from sopfsm.model import SopSpec
from sopfsm.qa.read import RecordedCall
from sopfsm.text import Lang, Text
from sopfsm.versions import WIT, effective_moment

CODES: Final = (
    "wrong_outcome",
    "outcome_not_allowed",
    "missing_answer",
    "extra_answer",
    "invalid_answer",
    "missing_data",
    "unfinished",
    "unknown_sop",
    "unknown_version",
)
CONFORMS: Final = "conforms"
DEVIATES: Final = "deviates"
CLAUSE_4: Final = "4"  # no more sending customers to the unit
_MISSING: Final = object()


@attrs.frozen(slots=True)
class Deviation:
    """One way a call departs from its SOP; ``clause`` is the clause (or assumption) concerned."""

    code: str
    clause: str | None
    question: str | None = None
    expected: object = None
    recorded: object = None
    reason: Text | None = None

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        shown: dict[str, Any] = {"code": self.code, "clause": self.clause}
        if self.question is not None:
            shown["question"] = self.question
        if self.expected is not None:
            shown["expected"] = self.expected
        if self.recorded is not None:
            shown["recorded"] = self.recorded
        if self.reason is not None:
            shown["reason"] = self.reason.in_(lang)
        return shown


@attrs.frozen(slots=True)
class Verdict:
    """The judged call: the path its answers take, the outcome they lead to, what deviates."""

    call: RecordedCall
    path: tuple[str, ...]
    expected: str | None
    deviations: tuple[Deviation, ...]

    @property
    def conforms(self) -> bool:
        return not self.deviations

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        call = self.call
        return {
            "call_id": call.call_id,
            "file": call.file,
            "line": call.line,
            "sop": call.sop,
            "agent": call.agent,
            "at": call.at,
            "verdict": CONFORMS if self.conforms else DEVIATES,
            "outcome": call.outcome,
            "expected_outcome": self.expected,
            "path": list(self.path),
            "deviations": [d.to_dict(lang) for d in self.deviations],
            # Shown only when there is something to show, so other calls' lines stay as
            # they were.
            **({"corrections": list(call.corrections)} if call.corrections else {}),
            **({"abandoned": call.abandoned} if call.abandoned else {}),
        }


@functools.cache
def known_outcomes() -> frozenset[str]:
    """Every outcome some catalogue SOP ends in (and the APKT set): recorded on the wrong
    SOP, it breaks that SOP's clause; anything else sends the customer elsewhere, which
    clause 4 forbids."""
    return frozenset(OUTCOME_CODES).union(*(compiled(s).outcomes for s in sop_ids()))


def sop_for(sop_id: str) -> CompiledSop | None:
    try:
        return compiled(sop_id)
    except UnknownSop:
        return None


_compiled_versions: dict[tuple[str, str], tuple[SopSpec, CompiledSop]] = {}


def _compiled_version(spec: SopSpec) -> CompiledSop:
    key = (spec.sop_id, spec.version)
    hit = _compiled_versions.get(key)
    if hit is None or hit[0] is not spec:
        hit = _compiled_versions[key] = (spec, compile_sop(spec))
    return hit[1]


@functools.lru_cache(maxsize=256)
def _timeline(sop_id: str, generation: int) -> tuple[tuple[dt.datetime, SopSpec], ...]:
    """The versions of ``sop_id`` by effective moment (``generation``: the catalogue's)."""
    del generation  # part of the cache key only
    return tuple(sorted(((effective_moment(s), s) for s in sop_versions(sop_id)), key=_first))


def _first(entry: tuple[dt.datetime, SopSpec]) -> dt.datetime:
    return entry[0]


def _version_judged(call: RecordedCall, sop: CompiledSop) -> CompiledSop | Deviation:
    """The version a call is judged against: the one it names, else the one in force at
    its ``at`` (now, when it has none); an ``unknown_version`` deviation when none fits."""
    try:
        timeline = _timeline(call.sop, catalogue_generation())
    except UnknownSop:  # a SOP file named by its path: the one version it has
        timeline = ()
    if not timeline:
        if call.version is not None and call.version != sop.version:
            return Deviation(
                "unknown_version", sop.clause, expected=sop.version, recorded=call.version
            )
        return sop
    known = ", ".join(spec.version for _, spec in timeline)
    if call.version is not None:
        named = [spec for _, spec in timeline if spec.version == call.version]
        if not named:
            return Deviation("unknown_version", sop.clause, expected=known, recorded=call.version)
        return _compiled_version(named[0])
    at = _moment(call.at)
    taken = [spec for moment, spec in timeline if moment <= at]
    if not taken:
        reason = Text(
            id=f"tidak ada versi yang berlaku pada {at.isoformat()}; versi: {known}",
            en=f"no version was in force at {at.isoformat()}; versions: {known}",
        )
        return Deviation(
            "unknown_version", sop.clause, expected=known, recorded=call.at, reason=reason
        )
    return _compiled_version(taken[-1])


def _moment(at: str | None) -> dt.datetime:
    """A call's recorded time (a zone-less time is WIT's); now when absent or unreadable."""
    if at is not None:
        with contextlib.suppress(ValueError):
            moment = dt.datetime.fromisoformat(at)
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=WIT)
    return dt.datetime.now(dt.UTC)


def judge(call: RecordedCall) -> Verdict:
    """Replay ``call`` through the compiled SOP it names; never raises for what it recorded."""
    sop = sop_for(call.sop)
    if sop is None:
        known = ", ".join(sop_ids())
        reason = Text(id=f"SOP yang ada: {known}", en=f"known SOPs: {known}")
        return Verdict(
            call, (), None, (Deviation("unknown_sop", None, recorded=call.sop, reason=reason),)
        )
    chosen = _version_judged(call, sop)
    if isinstance(chosen, Deviation):
        return Verdict(call, (), None, (chosen,))
    sop = chosen

    deviations: list[Deviation] = []
    answers: dict[str, object] = dict(call.answers)
    if len(answers) != len(call.answers):  # a question answered twice: the first one counts
        answers = {}
        for question, raw in call.answers:
            if question in answers:
                deviations.append(
                    Deviation("extra_answer", sop.clause, question, recorded=raw, reason=_TWICE)
                )
            else:
                answers[question] = raw

    step, path, asked = _walk(sop, answers, call.outcome is not None, deviations)
    complete = step.outcome is not None
    for question_id, raw in answers.items():
        if question_id not in sop.question_ids or (complete and question_id not in asked):
            deviations.append(Deviation("extra_answer", sop.clause, question_id, recorded=raw))

    deviations += _outcome_deviations(sop, step, call, answers)
    return Verdict(call, tuple(path), step.outcome, tuple(deviations))


_TWICE: Final = Text(id="dijawab dua kali", en="answered twice")


def _missing_data(
    clause: str | None,
    carries: tuple[str, ...],
    answers: Mapping[str, object],
    data: Mapping[str, object],
) -> list[Deviation]:
    return [
        Deviation("missing_data", clause, question, expected=answers.get(question))
        for question in carries
        if data.get(question) in (None, "")
    ]


def _walk(
    sop: CompiledSop, answers: Mapping[str, object], ended: bool, deviations: list[Deviation]
) -> tuple[CompiledStep, list[str], set[str]]:
    """Follow the path as far as the answers go; ``ended``: the call records an outcome."""
    steps = sop.steps
    step = sop.initial
    path = [step.id]
    asked: set[str] = set()
    while step.outcome is None:
        question = step.question
        if question is None or step.coerce is None:
            break  # a step that neither asks nor ends: the audit reports such a SOP
        raw = answers.get(question.id, _MISSING)
        if raw is _MISSING:
            if ended:
                deviations.append(Deviation("missing_answer", step.clause, question.id))
            break
        asked.add(question.id)
        try:
            value = step.coerce(raw)
        except Rejected as rejected:
            deviations.append(
                Deviation(
                    "invalid_answer", step.clause, question.id, recorded=raw, reason=rejected.reason
                )
            )
            break
        targets = step.branch(value)
        if len(targets) != 1:
            reason = Text(
                id=f"{len(targets)} cabang menerima jawaban ini",
                en=f"{len(targets)} branches take it",
            )
            deviations.append(
                Deviation("invalid_answer", step.clause, question.id, recorded=raw, reason=reason)
            )
            break
        step = steps[targets[0]]
        path.append(step.id)

    return step, path, asked


def _outcome_deviations(
    sop: CompiledSop, step: CompiledStep, call: RecordedCall, answers: Mapping[str, object]
) -> list[Deviation]:
    complete = step.outcome is not None
    expected = step.outcome
    recorded = call.outcome
    if recorded is None and call.abandoned is not None:
        return []  # ended early on purpose, counted apart from unfinished calls
    if recorded is None:
        return [Deviation("unfinished", step.clause if complete else sop.clause, expected=expected)]
    if recorded not in sop.outcomes:
        clause = sop.clause if recorded in known_outcomes() else CLAUSE_4
        allowed = ", ".join(sorted(sop.outcomes))
        reason = Text(id=f"hasil yang boleh: {allowed}", en=f"allowed outcomes: {allowed}")
        return [
            Deviation(
                "outcome_not_allowed", clause, expected=expected, recorded=recorded, reason=reason
            )
        ]
    if complete and recorded != expected:
        return [Deviation("wrong_outcome", step.clause, expected=expected, recorded=recorded)]
    if complete and call.data is not None:
        return _missing_data(step.clause, step.carries, answers, call.data)
    return []
