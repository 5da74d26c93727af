"""Genuine saved calls of every SOP, as Hypothesis strategies, and arbitrary JSON: what the
loader's tests edit, sign and throw at sopfsm.restore."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

import sopfsm
from sopfsm import strategies

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
SOPS = sopfsm.all_sops()


def as_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """A save of a call without corrections, details or wrap-up as format version 1 (answers
    only) wrote it: what every save before version 2 looks like."""
    assert not any(e["kind"] != "answer" for e in data["record"])
    for key in ("status", "closed", "customer", "record"):
        del data[key]
    data["format_version"] = 1
    return data


@st.composite
def saved_calls(draw: st.DrawFn, min_answers: int = 0, version: int = 2) -> dict[str, Any]:
    """A genuine saved call of a random SOP, stopped at a random point after at least
    ``min_answers`` answers; in format ``version``."""
    sops = [sop for sop in SOPS if len(sop.questions) >= min_answers]
    sop = draw(st.sampled_from(sops))
    plan = draw(strategies.answer_plans(sop))
    whole = sopfsm.start(sop)
    while whole.pending is not None:
        whole.answer(whole.pending.id, plan[whole.pending.id])
    assume(len(whole.answers) >= min_answers)
    call = sopfsm.start(sop)
    for _ in range(draw(st.integers(min_answers, len(whole.answers)))):
        assert call.pending is not None
        call.answer(call.pending.id, plan[call.pending.id])
    data: dict[str, Any] = json.loads(call.to_json())
    return as_version_1(data) if version == 1 else data
