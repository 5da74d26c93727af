"""Deliberately broken SOPs, one fault each, that the audit must reject by name.

Each is a valid python-statemachine class: the library's own class-time checks pass (or,
for faults they would catch, are switched off as a user might), so only sopfsm's audit
stands between the fault and a live call.
"""

from __future__ import annotations

import attrs

from sopfsm import (
    ANY,
    NO,
    YES,
    Sop,
    SopSpec,
    StepSpec,
    Text,
    ask,
    assumption,
    clause,
    outcome,
    say,
    when,
)
from sopfsm.catalogue import get_sop
from sopfsm.compose import compose, composed_id, entry
from sopfsm.declare import REGULAR_SOP, Branch, do, note
from sopfsm.model import BranchSpec
from sopfsm.provenance import Clause, Provenance
from sopfsm.questions import (
    ACCEPTS_EXPLANATION,
    MATTER,
    METER_READING,
    OBJECTS_TO_PAYING,
    REGION_SCHEME,
    URGENT,
)

TITLE = Text(id="Rusak", en="Broken")


class GapInGuard(Sop):
    """Scheme 2 takes no branch."""

    sop_id, clause_ref, title = "broken-gap", "3", TITLE
    ask_scheme = ask(REGION_SCHEME, per=clause("3"), initial=True)
    scheme_1 = outcome("PS_SCHEME_1", per=clause("3"))
    answer = ask_scheme.to(scheme_1, cond=when(1, per=clause("3")))


class OverlappingGuards(Sop):
    """ "Yes" takes both branches."""

    sop_id, clause_ref, title = "broken-overlap", "1", TITLE
    ask_urgent = ask(URGENT, per=clause("1b"), initial=True)
    to_unit = outcome("APKT_TO_UNIT", per=clause("1e"))
    closed = outcome("APKT_ISSUE_CLOSED", per=clause("1f"))
    answer = ask_urgent.to(to_unit, cond=when(YES, per=clause("1e"))) | ask_urgent.to(
        closed, cond=when(YES, NO, per=clause("1f"))
    )


class DeadEnd(Sop):
    """The access question leads nowhere."""

    sop_id, clause_ref, title = "broken-dead-end", "1", TITLE
    validate_trap_states = False
    validate_final_reachability = False
    ask_urgent = ask(URGENT, per=clause("1b"), initial=True)
    ask_access = ask(URGENT, per=clause("1c"))
    closed = outcome("APKT_ISSUE_CLOSED", per=clause("1f"))
    answer = ask_urgent.to(ask_access, cond=when(YES, per=clause("1e"))) | ask_urgent.to(
        closed, cond=when(NO, per=clause("1f"))
    )


class LoopWithNoExit(Sop):
    """Once urgent, the call asks the same two questions forever."""

    sop_id, clause_ref, title = "broken-loop", "1", TITLE
    validate_final_reachability = False
    ask_urgent = ask(URGENT, per=clause("1b"), initial=True)
    ask_again = ask(URGENT, per=clause("1b"))
    ask_once_more = ask(URGENT, per=clause("1b"))
    closed = outcome("APKT_ISSUE_CLOSED", per=clause("1f"))
    answer = (
        ask_urgent.to(ask_again, cond=when(YES, per=clause("1e")))
        | ask_urgent.to(closed, cond=when(NO, per=clause("1f")))
        | ask_again.to(ask_once_more, cond=when(YES, NO, per=clause("1b")))
        | ask_once_more.to(ask_again, cond=when(YES, NO, per=clause("1b")))
    )


class InvalidOutcome(Sop):
    """ "Pending" is not an APKT outcome."""

    sop_id, clause_ref, title = "broken-outcome", "5B", TITLE
    explain = ask(ACCEPTS_EXPLANATION, per=clause("5B"), initial=True)
    closed = outcome("APKT_ISSUE_CLOSED", per=clause("5B"))
    pending = outcome("APKT_PENDING", per=clause("5B"))
    answer = explain.to(closed, cond=when(YES, per=clause("5B"))) | explain.to(
        pending, cond=when(NO, per=clause("5B"))
    )


class NoProvenance(Sop):
    """The "no" branch cites nothing, and a step cites a clause the document lacks."""

    sop_id, clause_ref, title = "broken-provenance", "5C", TITLE
    ask_access = ask(URGENT, per=clause("5C"), initial=True)
    to_unit = outcome("APKT_TO_UNIT", per=Clause("5D"))
    other = outcome("APKT_TO_UNIT", per=clause("5C"))
    answer = ask_access.to(to_unit, cond=when(YES, per=clause("5C"))) | ask_access.to(
        other, cond=when(NO)
    )


class SendsCustomerToUnit(Sop):
    """Clause 4: the customer is told to go to the unit."""

    sop_id, clause_ref, title = "broken-clause-4", "5A", TITLE
    ask_urgent = ask(URGENT, per=clause("5A"), initial=True)
    to_unit = outcome("APKT_TO_UNIT", per=clause("5A.1"))
    told_to_go = outcome(
        "APKT_ISSUE_CLOSED",
        per=clause("5A"),
        say=[
            say(
                clause("5A"),
                id="Arahkan Pelanggan untuk datang ke kantor Unit PLN terkait.",
                en="Tell the customer to visit the local unit office.",
            )
        ],
    )
    answer = ask_urgent.to(to_unit, cond=when(YES, per=clause("5A.1"))) | ask_urgent.to(
        told_to_go, cond=when(NO, per=clause("5A"))
    )


class DirectToUnitOutcome(Sop):
    """Clause 4: an outcome that directs the customer to the unit."""

    sop_id, clause_ref, title = "broken-direct-to-unit", "5A", TITLE
    ask_urgent = ask(URGENT, per=clause("5A"), initial=True)
    to_unit = outcome("APKT_TO_UNIT", per=clause("5A.1"))
    direct = outcome("DIRECT_TO_UNIT", per=clause("5A"))
    answer = ask_urgent.to(to_unit, cond=when(YES, per=clause("5A.1"))) | ask_urgent.to(
        direct, cond=when(NO, per=clause("5A"))
    )


class MissingMeterReading(Sop):
    """5B: the objection goes to the unit without asking for the meter reading."""

    sop_id, clause_ref, title = "broken-meter-reading", "5B", TITLE
    explain = ask(ACCEPTS_EXPLANATION, per=clause("5B"), initial=True)
    ask_reading = ask(METER_READING, per=clause("5B"))
    closed = outcome("APKT_ISSUE_CLOSED", per=clause("5B"))
    to_unit = outcome("APKT_TO_UNIT", per=clause("5B"), carries=["meter_reading"])
    answer = (
        explain.to(ask_reading, cond=when(YES, per=clause("5B")))
        | explain.to(to_unit, cond=when(NO, per=clause("5B")))
        | ask_reading.to(closed, cond=when(ANY, per=clause("5B")))
    )


class OutcomeForgetsTheReading(Sop):
    """5B: the unit's report does not carry the meter reading at all."""

    sop_id, clause_ref, title = "broken-carries", "5B", TITLE
    explain = ask(ACCEPTS_EXPLANATION, per=clause("5B"), initial=True)
    ask_reading = ask(METER_READING, per=clause("5B"))
    closed = outcome("APKT_ISSUE_CLOSED", per=clause("5B"))
    to_unit = outcome("APKT_TO_UNIT", per=clause("5B"))
    answer = (
        explain.to(closed, cond=when(YES, per=clause("5B")))
        | explain.to(ask_reading, cond=when(NO, per=clause("5B")))
        | ask_reading.to(to_unit, cond=when(ANY, per=clause("5B")))
    )


class MisspelledGuard(Sop):
    """A guard named by a string python-statemachine would resolve only at instantiation."""

    sop_id, clause_ref, title = "broken-guard-name", "1", TITLE
    ask_urgent = ask(URGENT, per=clause("1b"), initial=True)
    to_unit = outcome("APKT_TO_UNIT", per=clause("1e"))
    closed = outcome("APKT_ISSUE_CLOSED", per=assumption("niaga-order"))
    answer = ask_urgent.to(to_unit, cond="is_urgnet") | ask_urgent.to(
        closed, cond=when(NO, per=clause("1f"))
    )


class SaysAnApktAction(Sop):
    """Sending the report is shown as something to say, and a note as an action."""

    sop_id, clause_ref, title = "broken-kinds", "1", TITLE
    ask_urgent = ask(URGENT, per=clause("1b"), initial=True)
    to_unit = outcome(
        "APKT_TO_UNIT",
        per=clause("1e"),
        say=[say(clause("1e"), id="Kirim laporan ke Unit via APKT.", en="Send the report.")],
    )
    closed = outcome(
        "APKT_ISSUE_CLOSED",
        per=clause("1f"),
        say=[
            do(clause("1f"), id="Sampaikan laporan ditutup.", en="Tell the customer it closes."),
            note(clause("1f"), id="Tutup: sampaikan juga.", en="Close: tell them too."),
        ],
    )
    answer = ask_urgent.to(to_unit, cond=when(YES, per=clause("1e"))) | ask_urgent.to(
        closed, cond=when(NO, per=clause("1f"))
    )


# Each broken SOP, the check that must fail, and words its message must hold.
BROKEN = [
    (GapInGuard, "guards", "gap: no branch takes step 'ask_scheme', question 'region_scheme'"),
    (OverlappingGuards, "guards", "overlap: step 'ask_urgent', question 'urgent', answer yes"),
    (DeadEnd, "termination", "dead end: step 'ask_access'"),
    (LoopWithNoExit, "termination", "loop with no exit"),
    (InvalidOutcome, "outcomes", "invalid outcome 'APKT_PENDING'"),
    (NoProvenance, "provenance", "branch ask_access -> other cites nothing"),
    (NoProvenance, "provenance", "step of step 'to_unit' cites unknown Clause(ref='5D')"),
    (SendsCustomerToUnit, "clause-4", "tells the customer to go to the unit"),
    (DirectToUnitOutcome, "clause-4", "'DIRECT_TO_UNIT' at step 'direct' sends the customer"),
    (MissingMeterReading, "required-data", "a path reaches it without asking it"),
    (OutcomeForgetsTheReading, "required-data", "does not carry 'meter_reading'"),
    (MisspelledGuard, "guards", "guarded by is_urgnet, not by when()"),
    (SaysAnApktAction, "kinds", "step 'to_unit': an action in an application is given as"),
    (SaysAnApktAction, "kinds", "step 'closed': a text of kind 'done' tells the CSO to say"),
    (SaysAnApktAction, "kinds", "a text of kind 'note' tells the CSO to say"),
]  # fmt: skip


# Broken front doors, composed as the bundled one is (sopfsm.compose), one fault each.
def _front_door(
    name: str, steps: list[StepSpec], branches: list[BranchSpec], part: SopSpec
) -> type[Sop]:
    return compose(
        sop_id=name,
        clause="5B",
        title=TITLE,
        steps=steps,
        branches=branches,
        parts=[part],
    )


def _matter(value: str, target: str, per: Provenance) -> BranchSpec:
    return BranchSpec("ask_matter", target, Branch((value,), per), ())


_LEBIH_TAGIH = get_sop("lebih-tagih")
_ASK_MATTER = StepSpec("ask_matter", (), MATTER, None, (), assumption("front-door"), True)
_ASK_SCOPE = StepSpec("ask_objects", (), OBJECTS_TO_PAYING, None, (), clause("5B"), False)
_HANDOFF = StepSpec(
    "regular_sop", (), None, REGULAR_SOP, (), assumption("scope-lebih-tagih"), False
)
_OTHER_MATTER_IDS = (
    "niaga",
    "ps",
    "turun_daya",
    "gangguan_persil",
    "unit_request",
    "outside_update",
)
_OTHER_MATTERS = [
    _matter(m, "regular_sop", assumption("scope-lebih-tagih")) for m in _OTHER_MATTER_IDS
]
_SCOPE = [
    BranchSpec("ask_objects", entry(_LEBIH_TAGIH), Branch((YES,), clause("5B")), ()),
    BranchSpec("ask_objects", "regular_sop", Branch((NO,), assumption("scope-lebih-tagih")), ()),
]

# Every matter but Lebih Tagih goes straight to the hand-off: they reach no clause at all.
MatterRoutedNowhere = _front_door(
    "broken-matter-nowhere",
    [_ASK_MATTER, _ASK_SCOPE, _HANDOFF],
    [_matter("lebih_tagih", "ask_objects", clause("5B")), *_OTHER_MATTERS, *_SCOPE],
    _LEBIH_TAGIH,
)

# Niaga hands off at once, citing the decision that only the matter outside the update may.
NiagaPassedOffAsOutside = _front_door(
    "broken-niaga-outside",
    [_ASK_MATTER, _ASK_SCOPE, _HANDOFF],
    [
        _matter("lebih_tagih", "ask_objects", clause("5B")),
        _matter("niaga", "regular_sop", assumption("scope-outside-update")),
        *(_matter(m, entry(_LEBIH_TAGIH), clause("5B")) for m in _OTHER_MATTER_IDS[1:-1]),
        _matter("outside_update", "regular_sop", assumption("scope-outside-update")),
        *_SCOPE,
    ],
    _LEBIH_TAGIH,
)

# Inside Lebih Tagih, a customer who accepts the explanation is handed off.
HandOffInsideSop = _front_door(
    "broken-hand-off-inside",
    [_ASK_MATTER, _ASK_SCOPE, _HANDOFF],
    [
        _matter("lebih_tagih", "ask_objects", clause("5B")),
        *(_matter(m, entry(_LEBIH_TAGIH), clause("5B")) for m in _OTHER_MATTER_IDS),
        *_SCOPE,
    ],
    attrs.evolve(
        _LEBIH_TAGIH,
        branches=tuple(
            attrs.evolve(b, target="handed_off") if b.target == "closed" else b
            for b in _LEBIH_TAGIH.branches
        ),
        steps=(
            *(s for s in _LEBIH_TAGIH.steps if s.id != "closed"),
            attrs.evolve(_HANDOFF, id="handed_off"),
        ),
    ),
)


# Inside Lebih Tagih, the customer who accepts is sent back to the front door's hand-off.
_ACCEPTS = BranchSpec(
    composed_id("lebih-tagih", "explain_policy"),
    "regular_sop",
    Branch((YES,), assumption("scope-lebih-tagih")),
    (),
)
HandOffFromInsideSop = _front_door(
    "broken-hand-off-from-inside",
    [_ASK_MATTER, _ASK_SCOPE, _HANDOFF],
    [
        _matter("lebih_tagih", "ask_objects", clause("5B")),
        *(_matter(m, entry(_LEBIH_TAGIH), clause("5B")) for m in _OTHER_MATTER_IDS),
        *_SCOPE,
        _ACCEPTS,
    ],
    attrs.evolve(
        _LEBIH_TAGIH,
        branches=tuple(b for b in _LEBIH_TAGIH.branches if b.target != "closed"),
        steps=tuple(s for s in _LEBIH_TAGIH.steps if s.id != "closed"),
    ),
)


class HandOffWithoutFrontDoor(Sop):
    """A clause SOP that ends in the hand-off itself."""

    sop_id, clause_ref, title = "broken-hand-off-clause", "5B", TITLE
    explain = ask(ACCEPTS_EXPLANATION, per=clause("5B"), initial=True)
    closed = outcome("APKT_ISSUE_CLOSED", per=clause("5B"))
    handed_off = outcome(REGULAR_SOP, per=assumption("scope-lebih-tagih"))
    answer = explain.to(closed, cond=when(YES, per=clause("5B"))) | explain.to(
        handed_off, cond=when(NO, per=assumption("scope-lebih-tagih"))
    )


# The front door hands off a customer who does object: not where a scope fails.
HandOffNotByScope = _front_door(
    "broken-hand-off-not-scope",
    [_ASK_MATTER, _ASK_SCOPE, _HANDOFF],
    [
        _matter("lebih_tagih", "ask_objects", clause("5B")),
        *(_matter(m, entry(_LEBIH_TAGIH), clause("5B")) for m in _OTHER_MATTER_IDS),
        BranchSpec("ask_objects", entry(_LEBIH_TAGIH), Branch((NO,), clause("5B")), ()),
        BranchSpec("ask_objects", "regular_sop", Branch((YES,), clause("5B")), ()),
    ],
    _LEBIH_TAGIH,
)

BROKEN_FRONT_DOORS: list[tuple[type[Sop], str, str]] = [
    (MatterRoutedNowhere, "hand-off", "matter matter=niaga is routed nowhere"),
    (MatterRoutedNowhere, "hand-off", "matter matter=unit_request is routed nowhere"),
    (NiagaPassedOffAsOutside, "hand-off", "matter matter=niaga is routed nowhere"),
    (HandOffInsideSop, "hand-off", "at step 'lebih_tagih__handed_off' is inside SOP 'lebih_tagih'"),
    (HandOffFromInsideSop, "hand-off", "is reached from inside SOP 'lebih_tagih'"),
    (HandOffWithoutFrontDoor, "hand-off", "is in a SOP with no front door"),
    (HandOffNotByScope, "hand-off", "citing 5B, not a scope decision"),
]  # fmt: skip
BROKEN += BROKEN_FRONT_DOORS
