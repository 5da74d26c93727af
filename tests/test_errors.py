"""Error messages quote what they refuse shortened, with its length, and escaped: a 1 MB id
or a value with a newline never makes a 1 MB or a two-line message."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import sopfsm
from sopfsm import SopfsmError
from sopfsm.cli import main

LIMIT = 600  # characters: the longest message (a SOP's questions, accepted values) fits

# Values as long as a hostile caller likes, with every kind of line break in them.
NASTY = st.one_of(
    st.text(alphabet="ab\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029 ", min_size=1, max_size=50),
    st.integers(1, 10**6).map(lambda n: "x\n" * n),
    st.just("y" * 1_000_000),
    st.integers(min_value=10**4000, max_value=10**4200),
)


def _message_of(action: Callable[[], object]) -> list[str]:
    try:
        action()
    except SopfsmError as error:
        return [str(error), error.message("id"), error.message("en")]
    return []


def _assert_short_and_one_line(messages: list[str]) -> None:
    for message in messages:
        assert len(message.splitlines()) == 1, message[:200]
        assert len(message) < LIMIT, message[:200]


def _saved_with(field: str, value: object) -> dict[str, object]:
    data: dict[str, object] = json.loads(sopfsm.start("lebih-tagih").to_json())
    if field.startswith("answers."):
        call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "t")
        data = json.loads(call.to_json())
        answers = data["answers"]
        assert isinstance(answers, list)
        answers[0][field.removeprefix("answers.")] = value
    else:
        data[field] = value
    return data


@settings(max_examples=30, deadline=None)
@given(value=NASTY, where=st.sampled_from(["sop", "question", "answer", "meter", "nik"]))
def test_the_call_api_quotes_any_value_on_one_short_line(value: object, where: str) -> None:
    call = sopfsm.start("lebih-tagih")
    actions: dict[str, Callable[[], object]] = {
        "sop": lambda: sopfsm.start(value),  # type: ignore[arg-type]  # hostile on purpose
        "question": lambda: call.answer(value, "ya"),  # type: ignore[arg-type]
        "answer": lambda: call.answer("accepts_explanation", value),
        "meter": lambda: (
            sopfsm.start("lebih-tagih")
            .answer("accepts_explanation", "t")
            .answer("meter_reading", value)
        ),
        "nik": lambda: (
            sopfsm.start("turun-daya").answer("target_tariff", "subsidi").check("nik", value)
        ),
    }
    messages = _message_of(actions[where])
    assert messages
    _assert_short_and_one_line(messages)


@settings(max_examples=30, deadline=None)
@given(
    value=NASTY,
    field=st.sampled_from(
        ["sop", "version", "format", "format_version", "step", "path", "done", "outcome",
         "answers.question", "answers.value", "answers.at", "answers.by", "extra"]
    ),
)  # fmt: skip
def test_the_loader_quotes_any_saved_value_on_one_short_line(value: object, field: str) -> None:
    messages = _message_of(lambda: sopfsm.restore(_saved_with(field, value)))
    assert messages
    _assert_short_and_one_line(messages)


@settings(max_examples=15, deadline=None)
@given(
    value=NASTY.filter(lambda v: isinstance(v, str) and "\x00" not in v),
    argv=st.sampled_from(
        [["run", "{}"], ["show", "{}"], ["run", "lebih-tagih", "--answer", "{}"],
         ["run", "lebih-tagih", "--answer", "{0}=1", "--answer", "{0}=2"],
         ["run", "lebih-tagih", "--answer", "accepts_explanation={}"], ["audit", "x:{}"],
         ["render", "{}"]]
    ),
)  # fmt: skip
def test_the_cli_quotes_any_argument_on_one_short_line(value: str, argv: list[str]) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([part.format(value) for part in argv])
    assert code == 2
    _assert_short_and_one_line([err.getvalue().rstrip("\n")])


def test_no_message_says_at_most_none_answers() -> None:
    from sopfsm.audit import audit
    from sopfsm.audit_report import report_markdown, report_text
    from tests.support.broken_sops import LoopWithNoExit

    report = audit(LoopWithNoExit)
    assert report.max_answers is None
    for text in (report_text([report]), report_markdown([report])):
        assert "None" not in text
        assert "no bound on the answers" in text
    sources = Path(sopfsm.__file__).parent.rglob("*.py")
    assert not [p for p in sources if "at most None" in p.read_text(encoding="utf-8")]
