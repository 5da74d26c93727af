"""Question types and catalogue questions by the names a SOP file uses.

A file names a question either by its catalogue id (``ask: urgent``) or declares its own
with a type from :data:`QUESTION_TYPES` (``ask: {id: callback_ok, type: yes-no, ...}``).
Branch answers are written as the answer class they stand for: ``"yes"``/``"no"`` (strings,
never YAML booleans), the scheme numbers, the tariff names, a named answer such as
``not_at_hand`` (no NIK at hand) and ``not_known`` (no stand APP), or ``any`` for every
answer that gives a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from sopfsm import questions
from sopfsm.answers import AnswerKind, Choice, MeterReading, Value, yes_no
from sopfsm.declare import Branch
from sopfsm.questions import Question

ANY_ANSWER: Final = "any"

# Every question declared in sopfsm.questions, by id: new catalogue questions join by
# being declared there.
CATALOGUE_QUESTIONS: Final[Mapping[str, Question]] = {
    value.id: value for value in vars(questions).values() if isinstance(value, Question)
}

_NAMED: dict[str, AnswerKind] = {
    "yes-no": yes_no(),
    "region-scheme": questions.REGION_SCHEME.kind,
    "tariff": questions.TARGET_TARIFF.kind,
    "nik": questions.NIK.kind,
    "meter-reading": MeterReading(),
    # The catalogue's stand APP also takes "tidak tahu" (READING.md, 5B); a file's own
    # meter reading stays a number unless it names this type.
    "meter-reading-or-not-known": questions.METER_READING.kind,
}
for _question in CATALOGUE_QUESTIONS.values():
    # A catalogue question with answers of its own (the front door's matter) lends its
    # answers to a file by the question's name.
    if not any(_question.kind == kind for kind in _NAMED.values()):
        _NAMED[_question.id.replace("_", "-")] = _question.kind

QUESTION_TYPES: Final[Mapping[str, AnswerKind]] = _NAMED

_EVERY_VALUE = Branch(None, None)


def type_name(kind: AnswerKind) -> str:
    """The name of the question type ``kind`` is; ``ValueError`` for a kind files cannot name."""
    for name, known in QUESTION_TYPES.items():
        if type(known) is type(kind) and known == kind:
            return name
    raise ValueError(f"answer kind {kind!r} has no question type name")


def is_catalogue_question(question: Question) -> bool:
    """Whether ``question`` is the catalogue's own (same id, prompt and answer kind)."""
    known = CATALOGUE_QUESTIONS.get(question.id)
    return known is not None and known == question and known.kind == question.kind


def answer_word(value: Value) -> str | int:
    """How a branch value is written in a file: yes/no as strings, numbers as numbers."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    return str(value)


def named_values(kind: AnswerKind) -> tuple[Value, ...]:
    """The values a branch names one by one: a choice's options, and the answers that
    give no value (``any`` does not take them)."""
    if isinstance(kind, Choice):
        return tuple(option.value for option in kind.options)
    return tuple(
        sample
        for answer_class in kind.classes()
        for sample in answer_class.samples[:1]
        if not _EVERY_VALUE.matches(sample)
    )


def answer_value(kind: AnswerKind, word: object) -> Value | None:
    """The value a file's answer ``word`` stands for, or None when ``kind`` has none."""
    if isinstance(word, bool):
        return None
    for value in named_values(kind):
        if answer_word(value) == word or str(answer_word(value)) == str(word):
            return value
    return None


def answer_words(kind: AnswerKind) -> tuple[str | int, ...]:
    """The answers a file may write one by one for a question of ``kind``."""
    return tuple(answer_word(value) for value in named_values(kind))


def partition_words(kind: AnswerKind) -> tuple[str | int, ...]:
    """Answers that together take every answer once: the options of a choice, or ``any``
    and the answers that give no value."""
    if isinstance(kind, Choice):
        return answer_words(kind)
    return (ANY_ANSWER, *answer_words(kind))
