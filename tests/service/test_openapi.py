"""The OpenAPI description holds for the running service: schemathesis generates
requests from it (valid and invalid, through Hypothesis) against a live server on
SQLite and checks every response against it: status, media type, body, headers, and
no server errors."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from sopfsm.service.app import create_app
from sopfsm.service.config import ServiceConfig
from sopfsm.store import open_store
from tests.backends import ServerThread

DESCRIPTION = resources.files("sopfsm.service").joinpath("openapi.json")
schema = schemathesis.openapi.from_path(str(DESCRIPTION))


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("openapi")
    tokens = folder / "tokens"
    tokens.write_text("tok-fuzz fuzz\n", encoding="utf-8")
    store = open_store(f"sqlite:///{folder / 'calls.db'}")
    try:
        with ServerThread(create_app(ServiceConfig(tokens_file=tokens), store)) as url:
            yield url
    finally:
        store.close()


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_service_keeps_its_description(case: schemathesis.Case[Any], live: str) -> None:
    # A JSON schema can say an answer is text; not which text the NIK question accepts,
    # nor which questions a SOP asks. A well-formed body can therefore be refused with
    # the documented 422, which "schema-valid data is accepted" would count as a failure.
    refused_by_the_sop = [positive_data_acceptance] if case.method == "POST" else []
    case.call_and_validate(
        base_url=live,
        headers={"Authorization": "Bearer tok-fuzz"},
        excluded_checks=refused_by_the_sop,
    )
