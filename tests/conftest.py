from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, settings

# `dev` is quick for the edit-test loop; `ci` (chosen when CI is set) explores more than
# three times as far, sized so that the whole suite stays well inside CI's half hour on
# two cores (about 150 property tests, the front door's the slowest; docs/testing.md).
# Neither checks how fast examples are drawn: that health check times the wall clock,
# which a shared two-core machine stretches many times over.
settings.register_profile(
    "dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def clock() -> Callable[[], dt.datetime]:
    """A clock that ticks one second per reading, so call histories are reproducible."""
    ticks: Iterator[int] = iter(range(10**9))
    base = dt.datetime(2020, 4, 10, 8, 0, tzinfo=dt.UTC)
    return lambda: base + dt.timedelta(seconds=next(ticks))


def _chart_frames(svg: str) -> dict[str, str]:
    """Each node of a Graphviz SVG chart by title, and how it is drawn: "current" (framed
    as the call's current step), "path" (a step the call visited) or "" (neither)."""
    from sopfsm.diagram import CURRENT_COLOUR, PATH_COLOUR

    groups = re.findall(r'<g id="node\d+" class="node">\s*<title>(.*?)</title>(.*?)</g>', svg, re.S)
    return {
        title: "current"
        if CURRENT_COLOUR in body.lower()
        else ("path" if PATH_COLOUR in body.lower() else "")
        for title, body in groups
    }


@pytest.fixture
def chart_frames() -> Callable[[str], dict[str, str]]:
    return _chart_frames
