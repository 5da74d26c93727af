"""The vocabulary a SOP is declared in: steps, scripts, outcomes and guarded branches.

A SOP is a python-statemachine :class:`~statemachine.StateMachine` (strict: unknown
events, unmatched guards and failing guards all raise) whose states are :class:`Step`
and whose transitions are all on the ``answer`` event, each guarded by :func:`when`::

    class Example(Sop):
        ask_urgent = ask(URGENT, per=clause("1b"), initial=True)
        sent = outcome("APKT_TO_UNIT", per=clause("1e"))
        closed = outcome("APKT_ISSUE_CLOSED", per=clause("1f"))

        answer = ask_urgent.to(sent, cond=when(YES, per=clause("1e"))) | ask_urgent.to(
            closed, cond=when(NO, per=clause("1f"))
        )
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar, Final

import attrs
from statemachine import State, StateMachine

from sopfsm.answers import Value
from sopfsm.clauses import EFFECTIVE_DATE, SOURCE_DOCUMENT
from sopfsm.provenance import Provenance
from sopfsm.questions import NO_VALUE_ANSWERS, Question
from sopfsm.text import Text

ANSWER_EVENT: Final = "answer"
YES: Final = True
NO: Final = False


class OutcomeCode(enum.StrEnum):
    """The closed set of APKT outcomes (docs/reading.md#the-outcomes); nothing else ends a call."""

    APKT_TO_UNIT = "APKT_TO_UNIT"
    APKT_ISSUE_CLOSED = "APKT_ISSUE_CLOSED"
    PS_SCHEME_1 = "PS_SCHEME_1"
    PS_SCHEME_2 = "PS_SCHEME_2"


OUTCOME_CODES: Final = tuple(code.value for code in OutcomeCode)

# The hand-off: the matter is real but the 10 April update does not cover it, so the CSO
# follows the regular SOP. Not an APKT outcome; only the front door may end there, and
# only where a clause's scope condition does not hold; the audit enforces it
# (docs/reading.md#the-front-door-and-scope).
REGULAR_SOP: Final = "REGULAR_SOP"

OUTCOME_MEANINGS: Final = {
    "APKT_TO_UNIT": Text(id="Dikirim ke Unit via APKT", en="Sent to the unit via APKT"),
    "APKT_ISSUE_CLOSED": Text(id="Ditutup di CC (APKT ISSUE CLOSED)", en="Closed at the CC"),
    "PS_SCHEME_1": Text(id="PS diproses skema 1", en="PS processed, scheme 1"),
    "PS_SCHEME_2": Text(id="PS diproses skema 2", en="PS processed, scheme 2"),
    # The clause's own steps do not apply, but clause 4 does (docs/reading.md#round-3); the
    # call screen shows these words too.
    REGULAR_SOP: Text(
        id="Ikuti SOP reguler untuk langkahnya; klausul 4 tetap berlaku (Pelanggan tidak "
        "diarahkan ke Unit)",
        en="Follow the regular SOP for its steps; clause 4 still applies (the customer is not "
        "sent to the unit)",
    ),
}
"""What each way a call ends means, in both languages: the flowcharts, the call screen and
the APKT report all say it in these words."""


class ScriptKind(enum.StrEnum):
    """What a CSO does with a text: say it, do it in an application, or read it as a note."""

    SAID = "said"  # Sampaikan: said to the customer
    DONE = "done"  # Lakukan: done by the CSO in an application (APKT, the NIK check)
    NOTE = "note"  # Catatan: for the CSO only, never read out


SCRIPT_KINDS: Final = tuple(kind.value for kind in ScriptKind)

# The word each kind is introduced by, wherever a script is shown to a CSO or a trainer.
KIND_WORDS: Final[Mapping[ScriptKind, Text]] = {
    ScriptKind.SAID: Text(id="Sampaikan", en="Say"),
    ScriptKind.DONE: Text(id="Lakukan", en="Do"),
    ScriptKind.NOTE: Text(id="Catatan", en="Note"),
}


@attrs.frozen
class Script:
    """A text of a step, the clause or assumption behind it, and what the CSO does with it.

    ``kind`` is required: a text shown as something to read out when it is an action in
    APKT or a note for the CSO is the fault this field exists to prevent.
    """

    text: Text
    per: Provenance
    kind: ScriptKind = attrs.field(converter=ScriptKind)


def say(per: Provenance, *, id: str, en: str) -> Script:
    """A text said to the customer, in Indonesian (``id``) and English (``en``), citing ``per``."""
    return Script(Text(id=id, en=en), per, ScriptKind.SAID)


def do(per: Provenance, *, id: str, en: str) -> Script:
    """A text the CSO does in an application (send the APKT report, close it, check a NIK)."""
    return Script(Text(id=id, en=en), per, ScriptKind.DONE)


def note(per: Provenance, *, id: str, en: str) -> Script:
    """A note for the CSO, never read out to the customer."""
    return Script(Text(id=id, en=en), per, ScriptKind.NOTE)


class Step(State):
    """A state of a SOP: its scripts (said, done, noted) on entering it, then its question
    or outcome."""

    says: tuple[Script, ...]
    asks: Question | None
    outcome: str | None
    carries: tuple[str, ...]
    per: Provenance | None

    def __init__(
        self,
        *,
        says: Iterable[Script] = (),
        asks: Question | None = None,
        outcome: str | None = None,
        carries: Iterable[str] = (),
        per: Provenance | None = None,
        initial: bool = False,
    ) -> None:
        super().__init__(initial=initial, final=outcome is not None)
        self.says = tuple(says)
        self.asks = asks
        self.outcome = outcome
        self.carries = tuple(carries)
        self.per = per


def ask(
    question: Question,
    *,
    per: Provenance,
    say: Iterable[Script] = (),
    initial: bool = False,
) -> Step:
    """A step that says ``say`` and then asks ``question``."""
    return Step(says=say, asks=question, per=per, initial=initial)


def outcome(
    code: str,
    *,
    per: Provenance,
    say: Iterable[Script] = (),
    carries: Iterable[str] = (),
    initial: bool = False,
) -> Step:
    """A final step with APKT outcome ``code``; ``carries`` names the answers the unit needs.

    ``initial`` makes a SOP of one step, that asks nothing (clause 4's catch-all)."""
    return Step(says=say, outcome=code, carries=carries, per=per, initial=initial)


class _Any:
    """Any accepted answer (a valid NIK, a valid meter reading)."""

    def __repr__(self) -> str:
        return "ANY"


ANY: Final = _Any()


@attrs.frozen
class Branch:
    """The guard of a transition: the answers that take it, and why."""

    values: tuple[Value, ...] | None  # None: any accepted answer
    per: Provenance | None

    def matches(self, value: Value) -> bool:
        if self.values is None:
            # Any accepted answer that gives a value; "not at hand" and "not known" give none.
            return not (type(value) is str and value in NO_VALUE_ANSWERS)
        # True == 1 in Python; a yes must never take the branch of scheme 1.
        return any(v == value and type(v) is type(value) for v in self.values)


def when(*values: Value | _Any, per: Provenance | None = None) -> Callable[..., bool]:
    """Guard a transition: taken when the answer is one of ``values`` (or ``ANY``)."""
    if any(isinstance(v, _Any) for v in values):
        branch = Branch(None, per)
    else:
        branch = Branch(tuple(v for v in values if not isinstance(v, _Any)), per)

    def guard(value: Value) -> bool:
        return branch.matches(value)

    shown = "any" if branch.values is None else "_or_".join(str(v).lower() for v in branch.values)
    guard.__name__ = guard.__qualname__ = f"when_{shown}"
    guard.sopfsm_branch = branch  # type: ignore[attr-defined]  # read back by spec_of
    return guard


class Sop(StateMachine):
    """Base class of every SOP machine; subclasses set the class attributes below."""

    sop_id: ClassVar[str]
    clause_ref: ClassVar[str]
    title: ClassVar[Text]
    # When the SOP applies (e.g. clause 1: once the connection TMP has passed); the front
    # door confirms it before continuing into the SOP, and show, booklet and flowchart
    # state it with the SOP.
    scope: ClassVar[Text | None] = None
    version: ClassVar[str] = EFFECTIVE_DATE
    effective: ClassVar[str | None] = None  # when it takes effect; None: its version's date, WIT
    source: ClassVar[str] = SOURCE_DOCUMENT
