"""Saved calls: without a key a save is checked for consistency only; with a key any
change at all is refused by name. Every edit here is generated from genuine saves."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import sopfsm
from sopfsm import SavedCallError, SignatureError, SigningKey, UncheckedSignature
from sopfsm.saved import FUTURE_TOLERANCE
from tests.support.saves import JSON, as_version_1, saved_calls

KEY = SigningKey("2026-11", b"the service's own secret, 32 b.")
OLD_KEY = SigningKey("2026-10", b"last month's secret, retired soon")
START = dt.datetime(2020, 4, 10, 8, 0, tzinfo=dt.UTC)


def _ticking(start: dt.datetime = START) -> Callable[[], dt.datetime]:
    ticks = iter(range(10**6))
    return lambda: start + dt.timedelta(seconds=next(ticks))


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True)


def _leaves(data: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every place in a save a value can be changed, its signature excepted."""
    if isinstance(data, dict):
        items: list[tuple[object, object]] = [(k, v) for k, v in data.items() if k != "signature"]
    elif isinstance(data, list):
        items = list(enumerate(data))
    else:
        return [path]
    return [leaf for key, value in items for leaf in _leaves(value, (*path, key))] + [path]


def _put(data: Any, path: tuple[Any, ...], value: object) -> Any:
    if not path:
        return value
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@st.composite
def signed_saves(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(saved_calls())
    call = sopfsm.restore(data)
    signed: dict[str, Any] = json.loads(call.to_json(key=KEY))
    return signed


# -- with a key: any change is refused -----------------------------------------------------


@given(signed=signed_saves(), data=st.data())
def test_any_change_to_a_signed_save_is_refused_by_name(
    signed: dict[str, Any], data: st.DataObject
) -> None:
    original = _canonical(signed)
    path = data.draw(st.sampled_from(_leaves(signed)), label="where")
    assume(path)  # replacing the whole save is not an edit of it
    changed = _put(json.loads(original), path, data.draw(JSON, label="value"))
    assume(_canonical(changed) != original)
    with pytest.raises(SignatureError) as caught:
        sopfsm.restore(changed, key=KEY)
    assert caught.value.where == "signature"


@given(signed=signed_saves(), data=st.data())
def test_a_field_added_to_or_removed_from_a_signed_save_is_refused_by_its_signature(
    signed: dict[str, Any], data: st.DataObject
) -> None:
    containers = [p for p in _leaves(signed) if isinstance(_at(signed, p), dict)]
    where = _at(signed, data.draw(st.sampled_from(containers), label="object"))
    assert isinstance(where, dict)
    if data.draw(st.booleans(), label="add") or not where:
        where[data.draw(st.text(max_size=8).filter(lambda k: k not in where))] = data.draw(JSON)
    else:
        where.pop(data.draw(st.sampled_from(sorted(where)), label="field"))
    with pytest.raises(SignatureError):
        sopfsm.restore(signed, key=KEY)


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


@given(signed=signed_saves(), indent=st.none() | st.integers(0, 4), sort=st.booleans())
def test_a_signed_save_reformatted_but_unchanged_restores_and_names_its_key(
    signed: dict[str, Any], indent: int | None, sort: bool
) -> None:
    text = json.dumps(signed, indent=indent, sort_keys=sort, ensure_ascii=sort)
    call = sopfsm.restore(text, key=[OLD_KEY, KEY])
    assert call.signed_with == KEY.id
    assert json.loads(call.to_json(key=KEY)) == signed


def test_the_consistent_edits_an_unsigned_save_cannot_catch_are_refused_when_signed() -> None:
    call = sopfsm.start("turun-daya", clock=_ticking())
    call.answer("target_tariff", "subsidi").answer("nik", "3171010101900001")
    call.answer("nik_eligible", "ya")
    edits: list[Callable[[dict[str, Any]], object]] = [
        lambda d: d["answers"][2].update(by="answerer"),  # the CSO's answer relabelled
        lambda d: [a.update(at=a["at"].replace("2020", "2021")) for a in d["answers"]],
        lambda d: (
            d["answers"][1].update(value="5171026902000002"),
            d["outcome"]["data"].update(nik="5171026902000002"),
        ),
    ]
    for edit in edits:
        unsigned = as_version_1(json.loads(call.to_json()))
        edit(unsigned)
        sopfsm.restore(json.dumps(unsigned))  # consistent: an unsigned save cannot tell
        signed = json.loads(call.to_json(key=KEY))
        edit(signed)
        with pytest.raises(SignatureError, match="does not match"):
            sopfsm.restore(json.dumps(signed), key=KEY)


def test_an_unsigned_save_where_a_key_is_required_is_refused() -> None:
    text = sopfsm.start("lebih-tagih").to_json()
    with pytest.raises(SignatureError, match="not signed"):
        sopfsm.restore(text, key=KEY)
    signed = json.loads(sopfsm.start("lebih-tagih").to_json(key=KEY))
    signed.pop("signature")
    with pytest.raises(SignatureError, match="not signed"):
        sopfsm.restore(signed, key=KEY)


def test_a_save_signed_with_a_key_not_given_names_that_key() -> None:
    text = sopfsm.start("lebih-tagih").to_json(key=OLD_KEY)
    with pytest.raises(SignatureError) as caught:
        sopfsm.restore(text, key=KEY)
    assert caught.value.key_id == OLD_KEY.id
    assert sopfsm.restore(text, key=[KEY, OLD_KEY]).signed_with == OLD_KEY.id
    impostor = SigningKey(OLD_KEY.id, b"someone else's secret, same id")
    with pytest.raises(SignatureError, match="does not match"):
        sopfsm.restore(text, key=impostor)


def test_a_signed_save_restored_without_a_key_says_what_it_did_not_check() -> None:
    text = sopfsm.start("lebih-tagih").to_json(key=KEY)
    with pytest.warns(UncheckedSignature, match="not checked, only its consistency") as warned:
        call = sopfsm.restore(text)
    assert warned[0].message.key_id == KEY.id  # type: ignore[union-attr]
    assert call.signed_with is None


@pytest.mark.parametrize(
    ("key_id", "secret"),
    [("", b"0" * 16), ("a b", b"0" * 16), ("x" * 65, b"0" * 16), ("k", b"short"), ("k", "0" * 16)],
)
def test_a_signing_key_that_would_be_a_mistake_is_refused(key_id: str, secret: bytes) -> None:
    with pytest.raises(SignatureError):
        SigningKey(key_id, secret)


def test_a_key_repr_never_shows_its_secret() -> None:
    assert "secret" not in repr(KEY) and KEY.secret.decode() not in repr(KEY)


# -- without a key: consistency -------------------------------------------------------------


@st.composite
def objects_with_a_repeated_key(draw: st.DrawFn) -> str:
    """A genuine save in which one object names one of its keys twice."""
    data = draw(saved_calls())
    text = json.dumps(data)
    objects = [i for i, ch in enumerate(text) if ch == "{" and text[i + 1] == '"']
    start = draw(st.sampled_from(objects))
    key = text[start + 1 : text.index(":", start)]
    value = draw(st.none() | st.booleans() | st.integers() | st.text())
    return f"{text[: start + 1]}{key}: {json.dumps(value)}, {text[start + 1 :]}"


@given(text=objects_with_a_repeated_key())
def test_a_key_repeated_in_any_object_is_refused(text: str) -> None:
    with pytest.raises(SavedCallError, match="appears twice"):
        sopfsm.restore(text)


@given(
    data=saved_calls(),
    version=JSON.filter(lambda v: not (type(v) is int and v in (1, 2)))
    | st.sampled_from([1.0, True, 2.0]),
)
def test_a_format_version_other_than_the_integer_1_or_2_is_refused(
    data: dict[str, Any], version: object
) -> None:
    data["format_version"] = version
    with pytest.raises(SavedCallError) as caught:
        sopfsm.restore(data)
    assert caught.value.where == "format_version"


@given(
    data=saved_calls(min_answers=1, version=1),
    by=JSON.filter(lambda v: v not in ("cso", "answerer")),
    at=st.data(),
)
def test_a_by_other_than_cso_or_answerer_is_refused(
    data: dict[str, Any], by: object, at: st.DataObject
) -> None:
    index = at.draw(st.integers(0, len(data["answers"]) - 1))
    data["answers"][index]["by"] = by
    with pytest.raises(SavedCallError) as caught:
        sopfsm.restore(data)
    assert caught.value.where == f"answers[{index}]"


@given(late=st.timedeltas(dt.timedelta(microseconds=1), dt.timedelta(days=10**5)))
def test_an_answer_later_than_the_restoring_clock_and_its_tolerance_is_refused(
    late: dt.timedelta,
) -> None:
    now = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
    call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "t")
    data = as_version_1(json.loads(call.to_json()))
    data["answers"][0]["at"] = (now + FUTURE_TOLERANCE).isoformat()
    sopfsm.restore(data, clock=lambda: now)  # the tolerance itself is accepted
    data["answers"][0]["at"] = (now + FUTURE_TOLERANCE + late).isoformat()
    with pytest.raises(SavedCallError, match="after the restoring clock") as caught:
        sopfsm.restore(data, clock=lambda: now)
    assert caught.value.where == "answers[0]"


@given(
    data=saved_calls(min_answers=2, version=1),
    back=st.timedeltas(dt.timedelta(microseconds=1), dt.timedelta(days=9)),
)
def test_an_answer_timed_before_the_one_it_follows_restores_at_that_answers_time(
    data: dict[str, Any], back: dt.timedelta
) -> None:
    # Two servers on one store read two clocks: the order of a call's answers is their
    # order in the log, and a time before the previous answer's is read as that time.
    answers = data["answers"]
    previous = dt.datetime.fromisoformat(answers[-2]["at"])
    answers[-1]["at"] = (previous - back).isoformat()
    restored = sopfsm.restore(data)
    assert restored.answers[-1].at == previous
    assert [a.question for a in restored.answers] == [a["question"] for a in answers]
    again = json.loads(restored.to_json())
    assert again["answers"][-1]["at"] == previous.isoformat()
    assert sopfsm.restore(again).to_json() == restored.to_json()


def test_an_answer_before_the_sop_version_took_effect_is_refused_at_the_edge() -> None:
    call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "t")
    data = as_version_1(json.loads(call.to_json()))
    data["answers"][0]["at"] = "2020-04-10T00:00:00+09:00"  # midnight WIT: in effect
    sopfsm.restore(data)
    for before in ("2020-04-09T14:59:59.999999+00:00", "1970-01-01T00:00:00+00:00"):
        data["answers"][0]["at"] = before
        with pytest.raises(SavedCallError, match="before the SOP version took effect"):
            sopfsm.restore(data)


@given(data=saved_calls(min_answers=1, version=1), index=st.integers(0, 20))
def test_a_value_or_outcome_in_another_type_than_saves_write_is_refused(
    data: dict[str, Any], index: int
) -> None:
    """True and 1, 12345.0 and 12345 compare equal in Python; a save never mixes them."""
    retyped = {True: 1, False: 0}
    answers = data["answers"]
    position = index % len(answers)
    answer = answers[position]
    value = answer["value"]
    other = retyped.get(value) if isinstance(value, bool) else None
    if isinstance(value, float) and value.is_integer():
        other = int(value)
    assume(other is not None)
    in_outcome = json.loads(json.dumps(data))
    answer["value"] = other
    with pytest.raises(SavedCallError) as refused:
        sopfsm.restore(data)
    assert refused.value.where == f"answers[{position}]"
    if in_outcome["outcome"] is not None:
        in_outcome["outcome"]["data"][answer["question"]] = other
        with pytest.raises(SavedCallError) as caught:
            sopfsm.restore(in_outcome)
        assert caught.value.where == "outcome"


@given(digits=st.integers(20, 4000))
def test_a_huge_number_in_a_save_is_refused_not_overflowed(digits: int) -> None:
    call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "t")
    text = call.answer("meter_reading", "5").to_json().replace("5.0", "9" * digits, 2)
    with pytest.raises(SavedCallError):
        sopfsm.restore(text)


def test_a_save_with_a_byte_order_mark_restores_as_text_and_as_bytes() -> None:
    text = sopfsm.start("lebih-tagih").answer("accepts_explanation", "t").to_json()
    as_text = sopfsm.restore("\ufeff" + text).to_dict()
    assert as_text == sopfsm.restore(("\ufeff" + text).encode("utf-8")).to_dict()
    assert as_text == sopfsm.restore(text).to_dict()


def test_an_unsigned_save_of_format_version_1_still_restores() -> None:
    """Saves written before signing existed carry no signature and restore unchanged."""
    call = sopfsm.start("lebih-tagih", clock=_ticking()).answer("accepts_explanation", "t")
    data = as_version_1(json.loads(call.to_json()))
    assert data["format_version"] == 1 and "signature" not in data
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning about a signature it lacks
        assert sopfsm.restore(data).to_dict() == call.to_dict()
