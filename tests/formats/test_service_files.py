"""The call service serves the catalogue only: a SOP id a client sends is never read as a
path to a file on the server (the CLI and the Python API do read SOP files)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sopfsm
from sopfsm.formats.load import load_sop
from sopfsm.service import stored_calls
from sopfsm.store import open_store

EXAMPLE = str(Path(__file__).parent.parent.parent / "docs/examples/token-tidak-masuk.yaml")


def test_a_client_naming_a_sop_file_gets_unknown_sop_not_the_file() -> None:
    assert load_sop(EXAMPLE).sop_id == "token-tidak-masuk"  # the file is there
    store = open_store("memory:")
    try:
        with pytest.raises(sopfsm.UnknownSop) as refused:
            stored_calls.start_call(store, EXAMPLE, {}, "ana")
        assert refused.value.sop_id == EXAMPLE
        assert stored_calls.start_call(store, "lebih-tagih", {}, "ana")[1].pending is not None
    finally:
        store.close()
