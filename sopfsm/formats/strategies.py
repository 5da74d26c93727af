"""Hypothesis strategies for SOP files: whole, valid SOP documents as the plain data a
YAML SOP file holds. Importing this module imports Hypothesis; ``import sopfsm`` does not.
"""

from __future__ import annotations

from hypothesis import strategies as st

from sopfsm.answers import Choice
from sopfsm.assumptions import ASSUMPTIONS
from sopfsm.clauses import CLAUSES, SOURCE_DOCUMENT
from sopfsm.declare import OUTCOME_CODES
from sopfsm.formats.kinds import ANY_ANSWER, CATALOGUE_QUESTIONS, QUESTION_TYPES, partition_words

__all__ = ["sop_documents"]


@st.composite
def sop_documents(draw: st.DrawFn, max_questions: int = 5) -> dict[str, object]:
    """Whole, valid SOP files (as the plain data a YAML SOP file holds): a few question
    steps of any question type, catalogue or the file's own, whose answers lead on to
    later steps or to outcomes, every step reachable, every answer covered exactly once,
    citing the bundled document or clauses and assumptions the file declares itself."""

    own = draw(st.booleans())
    words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ÀÉ'\"&<>:#-", min_size=1, max_size=30)
    words = words.filter(lambda w: w.strip() == w)
    document: dict[str, object] = {
        "sopfsm": 1,
        "id": draw(st.from_regex(r"[a-z]{1,8}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)),
    }
    if own:
        clauses = draw(st.lists(st.sampled_from(["1", "2", "2a", "3.1"]), min_size=1, unique=True))
        assumptions = draw(st.lists(st.sampled_from(["late-call", "no-answer"]), unique=True))
        cites = clauses + [f"A:{name}" for name in assumptions]
        document["clauses"] = {ref: _text(draw, words) for ref in clauses}
        if assumptions:
            document["assumptions"] = {
                name: {
                    "where": clauses[0],
                    "silent_on": draw(words),
                    "decision": _text(draw, words),
                }
                for name in assumptions
            }
    else:
        cites = list(CLAUSES) + [f"A:{name}" for name in ASSUMPTIONS]
    identity = {
        "clause": cites[0],
        "title": _text(draw, words),
        "version": "2026-11-29" if own else "2020-04-10",
        "source": "SOP-OTHER-2026.txt" if own else SOURCE_DOCUMENT,
    }
    steps = _sop_steps(draw, max_questions, st.sampled_from(cites), words)
    return {**document, **identity, "steps": steps}


def _text(draw: st.DrawFn, words: st.SearchStrategy[str]) -> dict[str, str]:
    return {"id": draw(words), "en": draw(words)}


def _scripts(
    draw: st.DrawFn, per: st.SearchStrategy[str], words: st.SearchStrategy[str]
) -> list[dict[str, object]]:
    kinds = st.sampled_from(["said", "done", "note"])
    return [
        {"kind": draw(kinds), "per": draw(per), "id": draw(words), "en": draw(words)}
        for _ in range(draw(st.integers(0, 2)))
    ]


def _sop_steps(
    draw: st.DrawFn,
    max_questions: int,
    per: st.SearchStrategy[str],
    words: st.SearchStrategy[str],
) -> list[dict[str, object]]:
    count = draw(st.integers(1, max_questions))
    asks: list[object] = []
    classes: list[list[object]] = []  # per question: the answers its branches must cover
    choices: list[bool] = []  # whether several of them may share a branch
    for index in range(count):
        if draw(st.booleans()):
            question_id = draw(st.sampled_from(sorted(CATALOGUE_QUESTIONS)))
            asks.append(question_id)
            kind = CATALOGUE_QUESTIONS[question_id].kind
        else:
            type_name = draw(st.sampled_from(sorted(QUESTION_TYPES)))
            prompt = _text(draw, words)
            asks.append({"id": f"own_question_{index}", "type": type_name, "prompt": prompt})
            kind = QUESTION_TYPES[type_name]
        classes.append(list(partition_words(kind)))
        choices.append(isinstance(kind, Choice))
    # Each question after the first takes one open answer of an earlier question, so
    # every step is reachable; the answers left go to later questions or to outcomes.
    targets: dict[tuple[int, int], str] = {}
    open_answers = [(0, a) for a in range(len(classes[0]))]
    for index in range(1, count):
        slot = draw(st.sampled_from(open_answers))
        open_answers.remove(slot)
        targets[slot] = f"q{index}"
        open_answers += [(index, a) for a in range(len(classes[index]))]
    outcomes = draw(st.integers(1, len(open_answers)))
    for position, slot in enumerate(open_answers):
        later = [f"q{i}" for i in range(slot[0] + 1, count)]
        anywhere = [f"o{i}" for i in range(outcomes)] + later
        targets[slot] = f"o{position}" if position < outcomes else draw(st.sampled_from(anywhere))
    steps: list[dict[str, object]] = []
    for index in range(count):
        by_target: dict[str, list[object]] = {}
        for answer, word in enumerate(classes[index]):
            by_target.setdefault(targets[(index, answer)], []).append(word)
        branches = []
        for target, answers in by_target.items():
            if not choices[index]:  # "any" and "not_at_hand" are never written together
                branches += [{"answer": a, "to": target, "per": draw(per)} for a in answers]
                continue
            whole = len(answers) == len(classes[index]) and draw(st.booleans())
            shown = ANY_ANSWER if whole else answers[0] if len(answers) == 1 else answers
            branches.append({"answer": shown, "to": target, "per": draw(per)})
        step: dict[str, object] = {"id": f"q{index}", "per": draw(per)}
        steps.append({**step, "ask": asks[index], "branches": branches})
    for index in range(outcomes):
        step = {"id": f"o{index}", "per": draw(per)}
        steps.append({**step, "outcome": draw(st.sampled_from(OUTCOME_CODES))})
    for step in steps:
        if said := _scripts(draw, per, words):
            step["say"] = said
    return steps
