"""A call from the customer's matter, as a CSO takes it: the front door asks what the call
is about, confirms the clause's scope, and continues into the clause's SOP in the same call.
Each text is shown under the word of its kind (Sampaikan, Lakukan, Catatan), so the CSO
reads out only what is to be said. A second call is out of scope and hands off."""

from __future__ import annotations

import sopfsm
from sopfsm.declare import KIND_WORDS


def show(call: sopfsm.Call, lang: sopfsm.Lang = "id") -> None:
    for script in call.scripts:
        print(f"  {KIND_WORDS[script.kind].in_(lang)}: {script.text.in_(lang)}")
    if call.pending is not None:
        print(f"  Tanyakan ({call.pending.id}): {call.pending.prompt.in_(lang)}")


def take(answers: dict[str, str]) -> sopfsm.Call:
    call = sopfsm.start()  # no SOP named: the front door
    show(call)
    while call.pending is not None:
        answer = answers[call.pending.id]
        print(f"  > {answer}")
        call.answer(call.pending.id, answer)
        show(call)
    assert call.outcome is not None
    print(f"outcome: {call.outcome.code}")
    print(f"path: {' -> '.join(call.path)}")
    return call


def main() -> tuple[str, str]:
    print("A Niaga request past its TMP, not urgent, access restricted:")
    niaga = take({"matter": "niaga", "registered_online": "ya", "tmp_passed": "ya",
                  "urgent": "tidak", "access_restricted": "ya"})  # fmt: skip
    print("\nOver-billing, but the customer does not object to paying:")
    billing = take({"matter": "lebih tagih", "objects_to_paying": "tidak"})
    assert niaga.outcome is not None
    assert billing.outcome is not None
    return niaga.outcome.code, billing.outcome.code


if __name__ == "__main__":
    main()
