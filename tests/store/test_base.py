"""What every store refuses alike: text that is not UTF-8 (a lone surrogate), in an
answer or a name, is refused by name and nothing is kept."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import attrs
import pytest

from sopfsm.errors import StoreError, UnknownCall
from sopfsm.store import CallState, CallStore, LoggedAnswer, StoredCall

T0 = dt.datetime(2020, 4, 10, 8, 0, tzinfo=dt.UTC)
SURROGATES = ["\ud800", "a\udfffb", "\udc80\ud83d", "teks \ud83d\ude00 \ud800"]


def _call(**changes: Any) -> StoredCall:
    call = StoredCall(
        id=uuid.uuid4().hex,
        sop="lebih-tagih",
        version="2020-04-10",
        agent="ana",
        created=T0,
        updated=T0,
        state=CallState("ask_accepts_explanation", ("ask_accepts_explanation",), None),
        log=(),
    )
    return attrs.evolve(call, **changes)


@pytest.mark.parametrize("value", SURROGATES)
def test_an_answer_that_is_not_utf8_text_is_refused_and_nothing_is_kept(
    store: CallStore, value: str
) -> None:
    call = _call(log=(LoggedAnswer("q0", value, "ana", T0),))
    with pytest.raises(StoreError, match="lone surrogate"):
        store.create(call)
    with pytest.raises(UnknownCall):
        store.get(call.id)
    kept = store.create(_call())
    with pytest.raises(StoreError, match="lone surrogate"):
        store.append(kept, [LoggedAnswer("q0", value, "ana", T0)], kept.state, T0)
    assert store.get(kept.id) == kept


@pytest.mark.parametrize("field", ["id", "agent", "question"])
def test_a_name_that_is_not_utf8_text_is_refused_and_nothing_is_kept(
    store: CallStore, field: str
) -> None:
    if field == "question":
        call = _call(log=(LoggedAnswer("q\ud800", "ya", "ana", T0),))
    else:
        call = _call(**{field: "x\ud800"})
    with pytest.raises(StoreError, match="lone surrogate"):
        store.create(call)
    with pytest.raises(UnknownCall):
        store.get(call.id)
    kept = store.create(_call())
    with pytest.raises(StoreError, match="lone surrogate"):
        store.append(kept, [LoggedAnswer("q", "ya", "b\udfff", T0)], kept.state, T0)
    assert store.get(kept.id) == kept
