"""The APKT report of a call: the document that tells the ticket system how a call ended.

Every clause of the 10 April update ends in an APKT action; a call that reaches one of
:data:`REPORTING_OUTCOMES` makes a report, a call that ends in the hand-off
(``REGULAR_SOP``) or is abandoned makes none. The report is a function of the call alone
(:func:`report_of`): the same call always gives the same document, so a change to the call
makes a new revision of its report exactly when the document changes, and a correction that
takes the outcome away makes a withdrawal (:func:`withdrawal_of`).

The document's JSON Schema ships as ``sopfsm/formats/schemas/apkt-report.schema.json``;
the revision and delivery metadata are the outbox's (:mod:`sopfsm.store`), not the
document's, so that comparing two documents compares what the call says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from sopfsm.declare import OUTCOME_MEANINGS, OutcomeCode
from sopfsm.nik import WIT
from sopfsm.text import Text
from sopfsm.views import cite

if TYPE_CHECKING:
    from sopfsm.call import Call
    from sopfsm.compiled import CompiledCall
    from sopfsm.model import SopSpec

REPORT_FORMAT: Final = "sopfsm.apkt-report"
REPORT_FORMAT_VERSION: Final = 1
REPORTING_OUTCOMES: Final = tuple(code.value for code in OutcomeCode)
"""The outcomes that make an APKT report: every APKT outcome, never the hand-off."""
REPORT: Final = "report"
WITHDRAWAL: Final = "withdrawal"
WITHDRAWN: Final = Text(
    id="Laporan ditarik: koreksi jawaban membuat panggilan tidak lagi berakhir di hasil APKT",
    en="Report withdrawn: a corrected answer means the call no longer ends in an APKT outcome",
)


def report_id(call_id: str) -> str:
    """The id of a call's report, the same through all its revisions."""
    return f"apkt-{call_id}"


def report_of(
    call: Call | CompiledCall, *, call_id: str, agent: str, started: dt.datetime
) -> dict[str, Any] | None:
    """The APKT report of ``call`` as it stands, or None when it makes none (no outcome
    yet, the hand-off, or abandoned).

    ``started`` is when the call started and ``agent`` whose call it is (the store's).
    The call's end is the time of the last answer that brought it to its outcome, so that
    closing the call, which changes nothing of it, changes nothing of its report.
    """
    outcome = call.outcome
    if outcome is None or outcome.code not in REPORTING_OUTCOMES or call.status != "done":
        return None
    sop = call.sop
    step = sop.step(outcome.step)
    answers = call.answers
    ended = max((record.at for record in answers), default=started)
    asked_at = _asking_steps(sop, call.path)
    return {
        "format": REPORT_FORMAT,
        "format_version": REPORT_FORMAT_VERSION,
        "kind": REPORT,
        "report_id": report_id(call_id),
        "call_id": call_id,
        "sop": _sop_part(sop),
        "outcome": {
            "code": outcome.code,
            "meaning": OUTCOME_MEANINGS[outcome.code].as_json(),
            "step": outcome.step,
            "clause": cite(step.per),
            "carries": {name: outcome.data.get(name) for name in outcome.carries},
        },
        "customer": dict(sorted(call.customer.items())),
        "agent": agent,
        "started": _times(started),
        "ended": _times(ended),
        "answers": [
            {
                "question": record.question,
                "value": record.value,
                "at": _utc(record.at),
                "by": record.by,
                "clause": asked_at.get(record.question),
            }
            for record in answers
        ],
    }


def withdrawal_of(
    call: Call | CompiledCall, *, call_id: str, agent: str, at: dt.datetime
) -> dict[str, Any]:
    """The withdrawal of the report of ``call``, whose outcome a change at ``at`` took away."""
    return {
        "format": REPORT_FORMAT,
        "format_version": REPORT_FORMAT_VERSION,
        "kind": WITHDRAWAL,
        "report_id": report_id(call_id),
        "call_id": call_id,
        "sop": _sop_part(call.sop),
        "reason": WITHDRAWN.as_json(),
        "agent": agent,
        "at": _times(at),
    }


def report_change(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    call: Call | CompiledCall,
    *,
    call_id: str,
    agent: str,
    at: dt.datetime,
) -> dict[str, Any] | None:
    """The document a change of a call adds to its report's revisions, or None if the
    change leaves the report as it was: the new report, or a withdrawal when the change
    took the outcome away."""
    if after is not None:
        return None if after == before else dict(after)
    if before is not None:
        return withdrawal_of(call, call_id=call_id, agent=agent, at=at)
    return None


def _sop_part(sop: SopSpec) -> dict[str, Any]:
    return {
        "id": sop.sop_id,
        "version": sop.version,
        "clause": sop.clause,
        "title": sop.title.as_json(),
    }


def _asking_steps(sop: SopSpec, path: tuple[str, ...]) -> dict[str, str | None]:
    """The clause (or assumption) of the step that asked each question on ``path``."""
    cited: dict[str, str | None] = {}
    for step_id in path:
        step = sop.step(step_id)
        if step.asks is not None:
            cited[step.asks.id] = cite(step.per)
    return cited


def _times(at: dt.datetime) -> dict[str, str]:
    return {"utc": _utc(at), "wit": at.astimezone(WIT).isoformat()}


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat()
