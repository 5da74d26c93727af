"""What a SOP file's steps must be before it becomes a machine, checked in linear time."""

from __future__ import annotations

import time

import pytest

from sopfsm.errors import SopFileError
from sopfsm.formats.yaml import read_yaml, sop_to_yaml
from sopfsm.model import spec_of
from sopfsm.synthetic import synthetic_sop

# Two steps that only lead to each other: a call that reaches them never ends.
LOOP = """\
sopfsm: 1
id: loop
clause: "1"
title: {id: Putar, en: Loop}
version: "2020-04-10"
source: SOP-CSO-PLN123-2020-04-10.txt
steps:
  - id: first
    per: "1"
    ask: accepts_explanation
    branches:
      - {answer: "yes", to: done, per: "1"}
      - {answer: "no", to: again, per: "1"}
  - id: again
    per: "1"
    ask: accepts_explanation
    branches:
      - {answer: any, to: back, per: "1"}
  - id: back
    per: "1"
    ask: accepts_explanation
    branches:
      - {answer: any, to: again, per: "1"}
  - id: done
    per: "1"
    outcome: APKT_ISSUE_CLOSED
"""


def test_steps_from_which_no_outcome_is_reached_are_refused_where_declared() -> None:
    with pytest.raises(SopFileError) as refused:
        read_yaml(LOOP, "loop.yaml")
    found = [(p.line, p.message) for p in refused.value.problems]
    assert [line for line, _ in found] == [14, 19]
    assert all("no outcome can be reached from step" in message for _, message in found)


def test_loading_a_sop_file_grows_linearly_with_its_steps() -> None:
    def seconds(steps: int) -> float:
        text = sop_to_yaml(spec_of(synthetic_sop(steps)))
        started = time.process_time()
        read_yaml(text, "chain.yaml")
        return time.process_time() - started

    seconds(50)  # imports and caches out of the way
    small, large = seconds(250), seconds(1_000)
    # Four times the steps: quadratic would be sixteen times the time; allow for noise.
    assert large < 8 * small, (small, large)
