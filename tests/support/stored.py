"""Calls as a store keeps them, made up for the store tests."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import strategies as st

from sopfsm.answers import Value
from sopfsm.store import CallState, LoggedAnswer, StoredCall

T0 = dt.datetime(2020, 4, 10, 8, 0, 0, 123456, tzinfo=dt.UTC)


def new_call(
    sop: str = "lebih-tagih", agent: str = "ana", at: dt.datetime = T0, log: int = 0
) -> StoredCall:
    values: list[Value] = ["ya", True, 12345.5, 7]
    answers = tuple(LoggedAnswer(f"q{n}", values[n % 4], agent, at, "cso") for n in range(log))
    return StoredCall(
        id=uuid.uuid4().hex,
        sop=sop,
        version="2020-04-10",
        agent=agent,
        created=at,
        updated=at,
        state=CallState("ask_accepts_explanation", ("ask_accepts_explanation",), None),
        log=answers,
    )


# Any value an answer can hold.
ANSWER_VALUES = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(exclude_characters="\x00")),  # PostgreSQL text holds no NUL
)
