"""The front door: the customer's matter, the clause's scope, then the clause's own SOP.

READING.md ("Decisions added for the front door and scope", and round 3): the CSO first
names the matter; where a clause states a scope (1: registered via the web/self-service or
PLN 123, then the TMP has passed; 5B: the customer objects to paying and asks for a
correction; 5C: the outage needs an officer on site) it is confirmed, and when it does not
hold, or the matter is outside this update, the call ends in the hand-off ``REGULAR_SOP``,
which says that clause 4 still applies. Otherwise the call continues into the clause's SOP,
composed here under its namespace, in the same call.
"""

from __future__ import annotations

from sopfsm.catalogue import FRONT_DOOR, get_sop
from sopfsm.compose import compose, entry
from sopfsm.declare import NO, REGULAR_SOP, YES, Branch, Script, note
from sopfsm.model import BranchSpec, StepSpec
from sopfsm.provenance import Provenance, assumption, clause
from sopfsm.questions import (
    MATTER,
    NEEDS_OFFICER,
    OBJECTS_TO_PAYING,
    PS_PURPOSE,
    REGISTERED_ONLINE,
    TMP_PASSED,
    Question,
)
from sopfsm.text import Text

# The clause SOPs the front door continues into, in the document's clause order.
PARTS = (
    "niaga-overdue",
    "ps-welding",
    "ps-other",
    "ps-bereavement",
    "unit-request",
    "turun-daya",
    "lebih-tagih",
    "gangguan-persil",
)


def _handoff_note(per: Provenance, steps: Text, matter: Text) -> Script:
    return note(
        per,
        id=f"{steps.id} pada pembaruan 10 April 2020 tidak berlaku untuk {matter.id}: ikuti "
        "SOP reguler untuk langkah-langkahnya.",
        en=f"{steps.en} of the 10 April 2020 update do not apply to {matter.en}: follow the "
        "regular SOP for its steps.",
    )


# Clause 4 is a reminder for every request that used to send the customer to the unit, so
# it holds at the hand-off too (READING.md, round 3): "the update does not apply" alone is
# wrong.
CLAUSE_4_STILL_APPLIES = note(
    clause("4"),
    id="Klausul 4 tetap berlaku: Pelanggan tidak diarahkan ke Unit. Permohonan yang menurut "
    "SOP reguler mengarahkan Pelanggan ke Unit disampaikan ke Unit PLN terkait melalui APKT.",
    en="Clause 4 still applies: the customer is not sent to the unit. A request that the "
    "regular SOP answered by sending the customer to the unit is passed to the PLN unit "
    "concerned via APKT.",
)


def _ask(step_id: str, question: Question, per: Provenance, initial: bool = False) -> StepSpec:
    return StepSpec(step_id, (), question, None, (), per, initial)


def _handoff(step_id: str, per: Provenance, steps: Text, matter: Text) -> StepSpec:
    says = (_handoff_note(per, steps, matter), CLAUSE_4_STILL_APPLIES)
    return StepSpec(step_id, says, None, REGULAR_SOP, (), per, False)


def _clause_steps(ref: str) -> Text:
    return Text(id=f"Langkah-langkah klausul {ref}", en=f"Clause {ref}'s steps")


def _branch(source: str, target: str, value: object, per: Provenance) -> BranchSpec:
    return BranchSpec(source, target, Branch((value,), per), ())  # type: ignore[arg-type]


def _front_door() -> tuple[list[StepSpec], list[BranchSpec]]:
    parts = {sop_id: entry(get_sop(sop_id)) for sop_id in PARTS}
    door = assumption("front-door")
    outside = assumption("scope-outside-update")
    other_channel = assumption("scope-niaga-channel")
    not_tmp = assumption("scope-niaga-tmp")
    no_objection = assumption("scope-lebih-tagih")
    no_officer = assumption("scope-gangguan-persil")
    steps = [
        _ask("ask_matter", MATTER, door, initial=True),
        _ask("ask_registered_online", REGISTERED_ONLINE, clause("1")),
        _ask("ask_tmp_passed", TMP_PASSED, clause("1")),
        _ask("ask_ps_purpose", PS_PURPOSE, door),
        _ask("ask_objects_to_paying", OBJECTS_TO_PAYING, clause("5B")),
        _ask("ask_needs_officer", NEEDS_OFFICER, clause("5C")),
        _handoff(
            "regular_sop_outside_update",
            outside,
            Text(id="Langkah-langkah klausul 1–5C", en="The steps of clauses 1–5C"),
            Text(id="masalah di luar pembaruan ini", en="a matter outside this update"),
        ),
        _handoff(
            "regular_sop_other_channel",
            other_channel,
            _clause_steps("1"),
            Text(
                id="permohonan Niaga yang didaftarkan selain via Web/mandiri atau CC PLN 123",
                en="a Niaga request registered other than via the web/self-service or PLN 123",
            ),
        ),
        _handoff(
            "regular_sop_tmp_not_passed",
            not_tmp,
            _clause_steps("1"),
            Text(
                id="permohonan Niaga yang belum melewati TMP", en="a Niaga request within its TMP"
            ),
        ),
        _handoff(
            "regular_sop_no_objection",
            no_objection,
            _clause_steps("5B"),
            Text(
                id="Lebih Tagih tanpa keberatan membayar",
                en="over-billing without an objection to paying",
            ),
        ),
        _handoff(
            "regular_sop_no_officer",
            no_officer,
            _clause_steps("5C"),
            Text(
                id="gangguan yang tidak memerlukan petugas ke lokasi",
                en="an outage that needs no officer on site",
            ),
        ),
    ]
    branches = [
        _branch("ask_matter", "ask_registered_online", "niaga", clause("1")),
        _branch("ask_matter", "ask_ps_purpose", "ps", clause("2")),
        _branch("ask_matter", parts["unit-request"], "unit_request", clause("4")),
        _branch("ask_matter", parts["turun-daya"], "turun_daya", clause("5A")),
        _branch("ask_matter", "ask_objects_to_paying", "lebih_tagih", clause("5B")),
        _branch("ask_matter", "ask_needs_officer", "gangguan_persil", clause("5C")),
        _branch("ask_matter", "regular_sop_outside_update", "outside_update", outside),
        _branch("ask_registered_online", "ask_tmp_passed", YES, clause("1")),
        _branch("ask_registered_online", "regular_sop_other_channel", NO, other_channel),
        _branch("ask_tmp_passed", parts["niaga-overdue"], YES, clause("1")),
        _branch("ask_tmp_passed", "regular_sop_tmp_not_passed", NO, not_tmp),
        _branch("ask_ps_purpose", parts["ps-welding"], "welding", clause("2")),
        _branch("ask_ps_purpose", parts["ps-bereavement"], "bereavement", clause("3")),
        _branch("ask_ps_purpose", parts["ps-other"], "other", clause("2")),
        _branch("ask_objects_to_paying", parts["lebih-tagih"], YES, clause("5B")),
        _branch("ask_objects_to_paying", "regular_sop_no_objection", NO, no_objection),
        _branch("ask_needs_officer", parts["gangguan-persil"], YES, clause("5C")),
        _branch("ask_needs_officer", "regular_sop_no_officer", NO, no_officer),
    ]
    return steps, branches


_steps, _branches = _front_door()

Triage = compose(
    sop_id=FRONT_DOOR,
    clause="1–5C",
    title=Text(
        id="Pintu masuk: keperluan Pelanggan", en="Front door: what the customer calls about"
    ),
    steps=_steps,
    branches=_branches,
    parts=[get_sop(sop_id) for sop_id in PARTS],
    scope=Text(
        id="Setiap panggilan: CSO menyebutkan keperluan Pelanggan, lalu lingkup klausulnya "
        "dipastikan.",
        en="Every call: the CSO names the customer's matter, then the clause's scope is confirmed.",
    ),
)
