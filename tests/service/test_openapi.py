"""The OpenAPI description holds for the running service: schemathesis reads it as the
live server (on SQLite) serves it, generates requests from it (valid and invalid, through
Hypothesis) and checks every response against it: status, media type, body, headers,
and no server errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation

from sopfsm.service.app import create_app
from sopfsm.service.config import ServiceConfig
from sopfsm.service.openapi import description
from sopfsm.store import open_store
from tests.support.backends import ServerThread


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


schema = schemathesis.openapi.from_dict(json.loads(description()))  # as the service serves it


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
    # A case generated with broken headers (a missing or bad Authorization among them) is
    # sent as generated, to be refused; every other case carries a known token.
    broken_headers = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    case.call_and_validate(
        base_url=live,
        headers={} if broken_headers else {"Authorization": "Bearer tok-fuzz"},
        excluded_checks=refused_by_the_sop,
    )


def test_the_description_names_the_sops_this_process_serves(live: str) -> None:
    import httpx

    import sopfsm
    from sopfsm.service.stored_calls import CALL_OUTCOMES

    doc = httpx.get(f"{live}/openapi.json").json()
    assert doc == json.loads(description())
    assert doc["components"]["schemas"]["StartCall"]["properties"]["sop"]["enum"] == list(
        sopfsm.sop_ids()
    )
    assert doc["components"]["schemas"]["Outcome"]["properties"]["code"]["enum"] == list(
        CALL_OUTCOMES
    )
