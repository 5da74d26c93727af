"""Question types and catalogue questions by the names a SOP file uses.

A file names a question either by its catalogue id (``ask: urgent``) or declares its own
with a type from :data:`QUESTION_TYPES` (``ask: {id: callback_ok, type: yes-no, ...}``).
Branch answers are written as the answer class they stand for: ``"yes"``/``"no"`` (strings,
never YAML booleans), the scheme numbers, the tariff names, or ``any``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from sopfsm import questions
from sopfsm.answers import AnswerKind, Choice, MeterReading, Nik, Value, yes_no
from sopfsm.questions import Question

ANY_ANSWER: Final = "any"

QUESTION_TYPES: Final[Mapping[str, AnswerKind]] = {
    "yes-no": yes_no(),
    "region-scheme": questions.REGION_SCHEME.kind,
    "tariff": questions.TARGET_TARIFF.kind,
    "nik": Nik(),
    "meter-reading": MeterReading(),
}

# Every question declared in sopfsm.questions, by id: new catalogue questions join by
# being declared there.
CATALOGUE_QUESTIONS: Final[Mapping[str, Question]] = {
    value.id: value for value in vars(questions).values() if isinstance(value, Question)
}


def type_name(kind: AnswerKind) -> str:
    """The name of the question type ``kind`` is; ``ValueError`` for a kind files cannot name."""
    for name, known in QUESTION_TYPES.items():
        if known == kind:
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


def answer_value(kind: AnswerKind, word: object) -> Value | None:
    """The value a file's answer ``word`` stands for, or None when ``kind`` has no such
    class. Only closed choices have classes a branch can name one by one."""
    if not isinstance(kind, Choice) or isinstance(word, bool):
        return None
    for option in kind.options:
        if answer_word(option.value) == word or str(answer_word(option.value)) == str(word):
            return option.value
    return None


def answer_words(kind: AnswerKind) -> tuple[str | int, ...]:
    """The answers a file may write for a question of ``kind`` (besides ``any``)."""
    if not isinstance(kind, Choice):
        return ()
    return tuple(answer_word(option.value) for option in kind.options)
