"""Every SOP's scripts are in both languages and cite the clause they come from."""

from __future__ import annotations

import pytest

import sopfsm
from tests.support.reading import QUESTIONS


@pytest.mark.parametrize("sop_id", QUESTIONS)
def test_every_script_has_both_languages_and_cites_its_source(sop_id: str) -> None:
    for step in sopfsm.get_sop(sop_id).steps:
        assert step.per is not None
        for script in step.says:
            assert script.text.id and script.text.en
            assert script.per is not None
