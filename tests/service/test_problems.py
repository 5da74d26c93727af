"""One error shape: every SopfsmError subclass has its own status, and its problem body
carries both languages and the offending values."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import sopfsm
from sopfsm.errors import CallFinished, InvalidAnswer, NotPending, SopfsmError
from sopfsm.service import problems
from sopfsm.text import Text


def _all_subclasses(cls: type[SopfsmError]) -> set[type[SopfsmError]]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def _import_everything() -> None:
    for module in pkgutil.walk_packages(sopfsm.__path__, "sopfsm."):
        if not module.name.startswith(("sopfsm.sops", "sopfsm.cli", "sopfsm.__main__")):
            importlib.import_module(module.name)


def test_every_error_in_the_tree_is_given_a_status_of_its_own() -> None:
    _import_everything()
    errors = {e for e in _all_subclasses(SopfsmError) if e.__module__ == "sopfsm.errors"}
    assert errors, "no error classes found"
    missing = sorted(e.__name__ for e in errors if e not in problems.STATUS)
    assert missing == [], f"map these in sopfsm/service/problems.py STATUS: {missing}"


def test_a_subclass_without_a_status_takes_its_parents_through_the_mro() -> None:
    class LaterFinish(CallFinished):
        pass

    error = LaterFinish("q", "done", "APKT_TO_UNIT")
    assert problems.status_of(error) == problems.STATUS[NotPending] == 409
    assert problems.error_body(error)["type"] == "urn:sopfsm:problem:later-finish"


def test_a_problem_names_the_offending_values_in_both_languages() -> None:
    error = InvalidAnswer("nik", "123", Text(id="terlalu pendek", en="too short"),
                          Text(id="NIK 16 digit", en="a 16-digit NIK"))  # fmt: skip
    body = problems.error_body(error)
    assert body == {
        "type": "urn:sopfsm:problem:invalid-answer",
        "title": "Invalid answer",
        "status": 422,
        "detail": error.message("en"),
        "detail_id": error.message("id"),
        "question": "nik",
        "value": "123",
        "accepted": {"id": "NIK 16 digit", "en": "a 16-digit NIK"},
    }
    assert body["detail"] != body["detail_id"]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), object(), ("a", 1.5)])
def test_any_offending_value_renders_as_json(value: object) -> None:
    import json

    json.dumps(problems._json_safe(value), allow_nan=False)
