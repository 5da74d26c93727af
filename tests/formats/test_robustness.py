"""Whatever a SOP file holds, loading it either gives a SOP or refuses it with a
:class:`SopFileError` whose every problem is located inside the file."""

from __future__ import annotations

import types
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

import sopfsm
from sopfsm import formats
from sopfsm.errors import SopFileError, SopFileProblem
from sopfsm.formats.strategies import sop_documents
from sopfsm.formats.yaml import read_yaml

_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=12)
    | st.sampled_from(
        ["yes", "no", "any", "q0", "o0", "5B", "A:nik-check", "APKT_TO_UNIT", "yes-no", "urgent"]
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*path, index))
    return found


@given(document=sop_documents(max_questions=3), data=st.data())
def test_a_damaged_sop_file_is_loaded_or_refused_with_located_problems(
    document: dict[str, Any], data: st.DataObject
) -> None:
    for _ in range(data.draw(st.integers(1, 3), label="damages")):
        path = data.draw(st.sampled_from(_paths(document)[1:]), label="where")
        parent: Any = document
        for part in path[:-1]:
            parent = parent[part]
        if data.draw(st.booleans(), label="delete") and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(_values, label="value")
        if path[0] not in document:
            break
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    lines = text.count("\n") + 1
    problems = _problems(text)
    for problem in problems:
        assert problem.file == "damaged.yaml"
        assert 1 <= problem.line <= lines and problem.column >= 1
        assert problem.message


def _problems(text: str) -> tuple[SopFileProblem, ...]:
    """The problems found in ``text``: none if it loads; any other exception fails."""
    try:
        read_yaml(text, "damaged.yaml")
    except SopFileError as refused:
        return refused.problems or (SopFileProblem("?", 0, 0, "refused without a problem"),)
    return ()


def test_the_formats_package_has_a_sorted_complete_public_surface() -> None:
    assert formats.__all__ == sorted(formats.__all__)
    public = {
        name
        for name, value in vars(formats).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(formats.__all__)
    assert issubclass(sopfsm.SopFileError, ValueError)
