"""Call software embedding sopfsm: a Turun Daya call guided answer by answer, saved to JSON
midway (as a stateless service would between two requests), resumed, and finished with the
DTKS check answered by the software itself."""

from __future__ import annotations

import sopfsm


def dtks_check(call: sopfsm.Call) -> bool:
    """Stands in for the application's DTKS lookup; this one knows a single recipient."""
    return call.answer_value("nik") == "3171010101900001"


def show(call: sopfsm.Call) -> None:
    for script in call.scripts:
        print(f"  CSO says ({script.per.label}): {script.text.id}")
    if call.pending is not None:
        print(f"  CSO asks {call.pending.id}: {call.pending.prompt.id}")


def main() -> str:
    call = sopfsm.start("turun-daya")
    show(call)
    call.answer("target_tariff", "Subsidi")
    show(call)
    try:
        call.answer("nik", "3171 0101 0190 000")  # a digit short: refused, nothing changes
    except sopfsm.InvalidAnswer as refused:
        print(f"  refused: {refused.message('id')}")
    saved = call.to_json()  # stored between two requests of the call screen

    resumed = sopfsm.restore(saved, answerers={"nik_eligible": dtks_check})
    resumed.answer("nik", "3171 0101 0190 0001")
    show(resumed)
    outcome = resumed.outcome
    assert outcome is not None
    print(f"outcome: {outcome.code} with {dict(outcome.data)}")
    print(f"path: {' -> '.join(resumed.path)}")
    return outcome.code


if __name__ == "__main__":
    main()
