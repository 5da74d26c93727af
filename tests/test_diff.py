"""The diff is exact: a random edit of a generated SOP is reported as exactly the paths,
steps, branches and questions it changes, no more and no fewer; a SOP against itself in
any of its forms is no difference at all."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from hypothesis import assume, event, given
from hypothesis import strategies as st
from statemachine.io import load

from sopfsm.audit import PathRow, audit
from sopfsm.catalogue import all_sops, get_sop
from sopfsm.declare import OUTCOME_CODES
from sopfsm.diff import Change, SopDiff, StepChange, diff_sops
from sopfsm.errors import SopDefinitionError
from sopfsm.formats.scxml import read_scxml, sop_to_scxml
from sopfsm.formats.strategies import sop_documents
from sopfsm.formats.yaml import read_yaml, sop_to_yaml
from sopfsm.model import SopSpec

Doc = dict[str, Any]
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20).map(
    lambda w: f"edited {w.strip()}"
)


def _build(doc: Doc) -> SopSpec:
    return read_yaml(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "edited.yaml")


def _rows(sop: SopSpec) -> tuple[PathRow, ...]:
    paths = audit(sop).paths
    assert paths is not None
    return paths


def _through(rows: tuple[PathRow, ...], step: str, labels: set[str] | None = None) -> set[Any]:
    """The answers of the paths that go through ``step`` (taking one of ``labels`` there)."""
    return {
        row.answers
        for row in rows
        if any(
            s == step and (labels is None or (i < len(row.answers) and row.answers[i][1] in labels))
            for i, s in enumerate(row.steps)
        )
    }


def _labels(sop: SopSpec, step: str, position: int) -> set[str]:
    question = sop.step(step).asks
    assert question is not None
    branch = sop.branches_from(step)[position]
    return {c.label for c in question.kind.classes() if branch.matches(c.samples[0])}


def _by_status(diff: SopDiff) -> dict[str, set[Any]]:
    assert diff.paths is not None
    found: dict[str, set[Any]] = {s: set() for s in ("unchanged", "changed", "gone", "new")}
    for path in diff.paths:
        found[path.status].add(path.answers)
    return found


def _assert_exact_paths(
    diff: SopDiff, old: SopSpec, new: SopSpec, old_hit: set[Any], new_hit: set[Any]
) -> None:
    """The paths the edit touches are reported changed, gone or new; every other path
    of either version unchanged; and the counts agree with the listing."""
    old_all = {row.answers for row in _rows(old)}
    new_all = {row.answers for row in _rows(new)}
    found = _by_status(diff)
    assert found["unchanged"] == old_all - old_hit == new_all - new_hit
    assert found["changed"] | found["gone"] == old_hit
    assert found["changed"] | found["new"] == new_hit
    assert not found["gone"] & found["new"]
    assert diff.paths is not None
    assert Counter(p.status for p in diff.paths) == +Counter(diff.path_counts)


def _question_steps(doc: Doc) -> list[int]:
    return [i for i, step in enumerate(doc["steps"]) if "ask" in step]


def _reachable(doc: Doc) -> set[str]:
    steps = {s["id"]: s for s in doc["steps"]}
    seen = {doc["steps"][0]["id"]}
    frontier = [doc["steps"][0]["id"]]
    while frontier:
        for branch in steps[frontier.pop()].get("branches", ()):
            if branch["to"] not in seen:
                seen.add(branch["to"])
                frontier.append(branch["to"])
    return seen


def _retarget(old: SopSpec, edited: Doc, data: st.DataObject) -> SopDiff:
    steps: list[Doc] = edited["steps"]
    # A branch sent elsewhere: only the paths taking it change; a step that only it
    # led to would be gone too, so its old target must be reached another way.
    incoming = Counter(b["to"] for s in steps for b in s.get("branches", ()))
    choices = [
        (i, j)
        for i in _question_steps(edited)
        for j, b in enumerate(steps[i]["branches"])
        if incoming[b["to"]] > 1
    ]
    assume(choices)
    i, j = data.draw(st.sampled_from(choices))
    branch = steps[i]["branches"][j]
    later = [
        s["id"]
        for k, s in enumerate(steps)
        if s["id"] != branch["to"] and ("outcome" in s or k > i)
    ]
    assume(later)
    branch["to"] = data.draw(st.sampled_from(later))
    new = _build(edited)
    step, labels = steps[i]["id"], _labels(old, steps[i]["id"], j)
    diff = diff_sops(old, new)
    _assert_exact_paths(
        diff, old, new, _through(_rows(old), step, labels), _through(_rows(new), step, labels)
    )
    assert diff.steps == ()
    question = old.step(step).asks
    assert question is not None
    assert {(b.step, b.answer) for b in diff.branches} == {
        (step, f"{question.id}={label}") for label in labels
    }
    assert diff.questions == ()
    return diff


def _outcome(old: SopSpec, edited: Doc, data: st.DataObject) -> SopDiff:
    steps: list[Doc] = edited["steps"]
    outcomes = [i for i, s in enumerate(steps) if "outcome" in s]
    i = data.draw(st.sampled_from(outcomes))
    before = steps[i]["outcome"]
    after = data.draw(st.sampled_from([c for c in OUTCOME_CODES if c != before]))
    steps[i]["outcome"] = after
    new = _build(edited)
    diff = diff_sops(old, new)
    step = steps[i]["id"]
    hit = _through(_rows(old), step)
    _assert_exact_paths(diff, old, new, hit, hit)
    assert diff.paths is not None
    for path in diff.paths:
        if path.status == "changed":
            assert (path.changes, path.at) == (("outcome",), (step,))
            assert (path.old_outcome, path.new_outcome) == (before, after)
    assert diff.steps == (StepChange(step, "changed", (Change("outcome", before, after),)),)
    assert (diff.branches, diff.questions) == ((), ())
    return diff


def _add_question(old: SopSpec, edited: Doc, data: st.DataObject) -> SopDiff:
    steps: list[Doc] = edited["steps"]
    # A new question step in the way of one branch; its answers all go on as before.
    choices = [(i, j) for i in _question_steps(edited) for j in range(len(steps[i]["branches"]))]
    i, j = data.draw(st.sampled_from(choices))
    branch = steps[i]["branches"][j]
    per = steps[i]["per"]
    added = {
        "id": "added_step",
        "per": per,
        "ask": {
            "id": "added_question",
            "type": "yes-no",
            "prompt": {"id": "Pertanyaan baru?", "en": "A new question?"},
        },
        "branches": [
            {"answer": "yes", "to": branch["to"], "per": per},
            {"answer": "no", "to": branch["to"], "per": per},
        ],
    }
    branch["to"] = "added_step"
    steps.insert(i + 1, added)
    new = _build(edited)
    diff = diff_sops(old, new)
    step, labels = steps[i]["id"], _labels(old, steps[i]["id"], j)
    old_hit = _through(_rows(old), step, labels)
    new_hit = _through(_rows(new), step, labels)
    _assert_exact_paths(diff, old, new, old_hit, new_hit)
    found = _by_status(diff)
    assert (found["gone"], found["new"], found["changed"]) == (old_hit, new_hit, set())
    assert diff.steps == (StepChange("added_step", "new"),)
    assert [(q.question, q.status) for q in diff.questions] == [("added_question", "added")]
    return diff


def _remove_question(old: SopSpec, edited: Doc, data: st.DataObject) -> SopDiff:
    steps: list[Doc] = edited["steps"]
    # A question step taken out: what led to it goes where its first answer went,
    # and steps only it led to go with it.
    choices = [i for i in _question_steps(edited) if i > 0]
    assume(choices)
    i = data.draw(st.sampled_from(choices))
    removed = steps.pop(i)
    for step_doc in steps:
        for branch in step_doc.get("branches", ()):
            if branch["to"] == removed["id"]:
                branch["to"] = removed["branches"][0]["to"]
    reached = _reachable(edited)
    gone = {removed["id"]} | {s["id"] for s in steps if s["id"] not in reached}
    edited["steps"] = [s for s in steps if s["id"] in reached]
    new = _build(edited)
    diff = diff_sops(old, new)
    redirected = [
        (s, _labels(old, s, j))
        for s in reached
        for j, b in enumerate(old.branches_from(s))
        if b.target == removed["id"]
    ]
    old_hit = _through(_rows(old), removed["id"])
    new_hit: set[Any] = set()
    for source, labels in redirected:
        new_hit |= _through(_rows(new), source, labels)
    _assert_exact_paths(diff, old, new, old_hit, new_hit)
    assert {s.step for s in diff.steps} == gone
    assert {s.status for s in diff.steps} == {"gone"}
    asked_before = {q.id for q in old.questions}
    asked_after = {q.id for q in new.questions}
    assert {(q.question, q.status) for q in diff.questions} == {
        (q, "removed") for q in asked_before - asked_after
    }
    return diff


def _script(old: SopSpec, edited: Doc, data: st.DataObject) -> SopDiff:
    steps: list[Doc] = edited["steps"]
    said = [(i, p) for i, s in enumerate(steps) for p in range(len(s.get("say", ())))]
    assume(said)
    i, p = data.draw(st.sampled_from(said))
    script = steps[i]["say"][p]
    before_text = old.step(steps[i]["id"]).says[p]
    text = data.draw(WORDS)
    assume(text != script["id"])
    script["id"] = text
    new = _build(edited)
    diff = diff_sops(old, new)
    step = steps[i]["id"]
    hit = _through(_rows(old), step)
    _assert_exact_paths(diff, old, new, hit, hit)
    assert diff.paths is not None
    for path in diff.paths:
        if path.status == "changed":
            assert (path.changes, path.at) == (("says",), (step,))
    (change,) = diff.steps
    assert (change.step, change.status) == (step, "changed")
    assert [c.what for c in change.changes] == ["says"]
    assert change.changes[0].old is not None and before_text.text.id in change.changes[0].old
    assert change.changes[0].new is not None and text in change.changes[0].new
    return diff


def _prompt(old: SopSpec, edited: Doc, data: st.DataObject) -> SopDiff:
    steps: list[Doc] = edited["steps"]
    own = [i for i, s in enumerate(steps) if isinstance(s.get("ask"), dict)]
    assume(own)
    i = data.draw(st.sampled_from(own))
    prompt = steps[i]["ask"]["prompt"]
    text = data.draw(WORDS)
    assume(text != prompt["en"])
    prompt["en"] = text
    new = _build(edited)
    diff = diff_sops(old, new)
    step = steps[i]["id"]
    hit = _through(_rows(old), step)
    _assert_exact_paths(diff, old, new, hit, hit)
    assert diff.paths is not None
    for path in diff.paths:
        if path.status == "changed":
            assert (path.changes, path.at) == (("questions",), (step,))
    assert [(s.step, [c.what for c in s.changes]) for s in diff.steps] == [(step, ["asks"])]
    question_id = steps[i]["ask"]["id"]
    assert [(q.question, q.status) for q in diff.questions] == [(question_id, "reworded")]
    return diff


EDITS: dict[str, Callable[[SopSpec, Doc, st.DataObject], SopDiff]] = {
    "retarget": _retarget,
    "outcome": _outcome,
    "add-question": _add_question,
    "remove-question": _remove_question,
    "script": _script,
    "prompt": _prompt,
}


@given(doc=sop_documents(), edit=st.sampled_from(sorted(EDITS)), data=st.data())
def test_the_diff_reports_exactly_what_an_edit_changes(
    doc: Doc, edit: str, data: st.DataObject
) -> None:
    diff = EDITS[edit](_build(doc), copy.deepcopy(doc), data)
    assert not diff.same
    event(edit)


@given(doc=sop_documents())
def test_a_generated_sop_against_itself_through_yaml_and_scxml_is_no_difference(doc: Doc) -> None:
    sop = _build(doc)
    again = read_yaml(sop_to_yaml(sop), "again.yaml")
    diff = diff_sops(sop, again)
    assert diff.same and diff.path_counts["unchanged"] == len(_rows(sop))
    if "clauses" not in doc:  # an export names the clauses it cites, not their texts
        assert diff_sops(sop, read_scxml(sop_to_scxml(sop), "again.scxml")).same


@pytest.mark.parametrize("sop", all_sops(), ids=lambda s: s.sop_id)
def test_each_bundled_sop_against_itself_declared_yaml_and_scxml_is_no_difference(
    sop: SopSpec,
) -> None:
    document = sop_to_scxml(sop)
    forms = {
        "yaml": read_yaml(sop_to_yaml(sop), f"{sop.sop_id}.yaml"),
        "scxml": read_scxml(document, f"{sop.sop_id}.scxml"),
    }
    for name, form in forms.items():
        for old, new in ((sop, form), (form, sop)):
            diff = diff_sops(old, new)
            assert diff.same, name
            assert diff.path_counts["unchanged"] == sum(audit(sop).outcome_counts.values())
    # What the diff read from the SCXML is the machine python-statemachine runs from it.
    loaded = load(document, format="scxml")
    transitions = {(state.id, t.target.id) for state in loaded.states for t in state.transitions}
    assert {s.id for s in loaded.states} == {s.id for s in forms["scxml"].steps}
    assert transitions == {(b.source, b.target) for b in forms["scxml"].branches}


def test_two_different_sops_are_compared_and_said_to_differ() -> None:
    diff = diff_sops(get_sop("ps-welding"), get_sop("ps-other"))
    assert not diff.same_sop and not diff.same
    assert (diff.old_id, diff.new_id) == ("ps-welding", "ps-other")


def test_a_sop_whose_answers_loop_is_refused_with_the_loop() -> None:
    def ask(step: str, question: str, yes: str, no: str) -> Doc:
        prompt = {"id": f"{question}?", "en": f"{question}?"}
        return {
            "id": step,
            "per": "5B",
            "ask": {"id": question, "type": "yes-no", "prompt": prompt},
            "branches": [
                {"answer": "yes", "to": yes, "per": "5B"},
                {"answer": "no", "to": no, "per": "5B"},
            ],
        }

    lebih_tagih = yaml.safe_load(sop_to_yaml(get_sop("lebih-tagih")))
    doc = {
        key: lebih_tagih[key] for key in ("sopfsm", "id", "clause", "title", "version", "source")
    }
    doc["steps"] = [
        ask("first", "again", "second", "closed"),
        ask("second", "once_more", "first", "closed"),  # yes: back to the first question
        {"id": "closed", "per": "5B", "outcome": "APKT_ISSUE_CLOSED"},
    ]
    looping = _build(doc)
    # Where the audit starts naming a loop depends on set order; either way it is named.
    loop = "loop (first -> second -> first|second -> first -> second), so its paths are endless"
    with pytest.raises(SopDefinitionError, match=loop):
        diff_sops(get_sop("lebih-tagih"), looping)
