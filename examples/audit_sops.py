"""QA auditing SOPs: the bundled SOPs (the front door and every clause) pass, and a draft
SOP with a gap in its guards is rejected with the step, question and answer that fall
through."""

from __future__ import annotations

from sopfsm import NO, Sop, Text, ask, clause, outcome, when
from sopfsm.audit import audit, audit_all
from sopfsm.audit_report import report_text
from sopfsm.questions import URGENT


class DraftWelding(Sop):
    """A draft of clause 2 that forgot the customer who is not in a hurry."""

    sop_id = "draft-welding"
    clause_ref = "2"
    title = Text(id="Draf PS pengelasan", en="Draft: PS for welding")

    ask_urgent = ask(URGENT, per=clause("2"), initial=True)
    closed = outcome("APKT_ISSUE_CLOSED", per=clause("2"))

    answer = ask_urgent.to(closed, cond=when(NO, per=clause("2")))


def main() -> bool:
    reports = audit_all()
    print(report_text(reports))
    draft = audit(DraftWelding)
    print(report_text([draft]))
    return all(r.ok for r in reports) and not draft.ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
