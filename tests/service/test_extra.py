"""``pip install ".[serve]"`` brings what the call screen's flowchart needs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _requirements(extra: str, extras: dict[str, list[str]]) -> set[str]:
    """The distributions ``extra`` installs, following sopfsm[...] to other extras."""
    names: set[str] = set()
    for requirement in extras[extra]:
        own = re.fullmatch(r"sopfsm\[(.+)\]", requirement)
        if own:
            for other in own.group(1).split(","):
                names |= _requirements(other.strip(), extras)
        else:
            names.add(re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower())
    return names


def test_the_serve_extra_brings_the_flowchart_renderer() -> None:
    extras = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    assert {"graphviz", "pygraphviz"} <= _requirements("serve", extras)
    # The check reads what it claims: an extra without the renderer is caught.
    assert "pygraphviz" not in _requirements("serve", {**extras, "render": ["graphviz"]})
