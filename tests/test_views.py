"""One view of a SOP: the CLI, the service's API and the call screen tell it alike."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from sopfsm.audit import audit
from sopfsm.audit_report import report_dict
from sopfsm.catalogue import get_sop, sop_ids
from sopfsm.cli import main
from sopfsm.formats.located import document_of
from sopfsm.service import pages
from sopfsm.service.app import create_app
from sopfsm.service.config import ServiceConfig
from sopfsm.service.pages import practice_body
from sopfsm.service.practice import practice_document
from sopfsm.store import open_store
from sopfsm.text import LANGS, Lang, Text

TOKEN = "tok-views-0123456789"

Fetch = Callable[..., Any]


@pytest.fixture
def fetch(tmp_path: Path) -> Iterator[Fetch]:
    """GET a path of the service (POST ``body``), as a signed-in agent; its JSON."""
    tokens, secret = tmp_path / "tokens", tmp_path / "secret"
    tokens.write_text(f"{TOKEN} ana\n", encoding="utf-8")
    secret.write_bytes(b"a secret of the service, long enough\n")
    store = open_store(f"sqlite:///{tmp_path / 'calls.db'}")
    app = create_app(ServiceConfig(tokens_file=tokens, secret_file=secret), store)

    async def get(path: str, body: object = None) -> Any:
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1", headers=headers
        ) as client:
            if body is None:
                response = await client.get(path)
            else:
                response = await client.post(path, json=body)
        assert response.status_code in (200, 201), response.text
        return response.json()

    try:
        # On a thread of its own: asyncio.run() refuses to start inside a running event loop,
        # and Playwright's browser tests leave theirs running in a process they share with
        # this test (one pytest-xdist worker runs both).
        with ThreadPoolExecutor(max_workers=1) as thread:
            yield lambda path, body=None: thread.submit(asyncio.run, get(path, body)).result()
    finally:
        store.close()


def _shown(capsys: pytest.CaptureFixture[str], sop_id: str, lang: Lang) -> dict[str, Any]:
    assert main(["show", sop_id, "--lang", lang, "--json"]) == 0
    shown: dict[str, Any] = json.loads(capsys.readouterr().out)
    return shown


def _in(lang: Lang, value: Any) -> Any:
    """A two-language value as one language shows it."""
    if isinstance(value, dict) and set(value) == set(LANGS):
        return value[lang]
    if isinstance(value, dict):
        return {key: _in(lang, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_in(lang, item) for item in value]
    return value


@pytest.mark.parametrize("sop_id", sop_ids())
def test_the_cli_the_api_and_the_call_screen_tell_a_sop_alike(
    sop_id: str, fetch: Fetch, capsys: pytest.CaptureFixture[str]
) -> None:
    served = fetch(f"/v1/sops/{sop_id}")
    screen = next(sop for sop in fetch("/pages/sops.json")["sops"] if sop["id"] == sop_id)
    for lang in LANGS:
        shown = _shown(capsys, sop_id, lang)
        api = _in(lang, served)
        # Every field the CLI and the API both give, the same in each language.
        assert set(shown) & set(api) == {
            *("id", "clause", "title", "scope", "version", "source", "questions", "steps"),
        }
        assert {key: api[key] for key in shown if key in api} == {
            key: shown[key] for key in api if key in shown
        }
        # The screen keys steps and questions by id and shows less of each: what it shows
        # is the CLI's.
        page = _in(lang, screen)
        for key in ("id", "clause", "title", "version", "source"):
            assert page[key] == shown[key]
        assert list(page["steps"]) == [step["id"] for step in shown["steps"]]
        for step in shown["steps"]:
            on_page = page["steps"][step["id"]]
            assert {key: step[key] for key in on_page if key != "says"} == {
                key: on_page[key] for key in on_page if key != "says"
            }
            assert [{k: s[k] for k in ("text", "per", "kind")} for s in step["says"]] == on_page[
                "says"
            ]
        assert list(page["questions"]) == [q["id"] for q in shown["questions"]]
        for question in shown["questions"]:
            on_page = page["questions"][question["id"]]
            assert {key: on_page[key] for key in question} == question
    assert screen["initial"] == served["initial"]


@pytest.mark.parametrize(
    "answers",
    [{}, {"matter": "lebih_tagih"}, {"matter": "lebih_tagih", "objects_to_paying": "ya"}],
)
def test_the_cli_and_the_api_tell_a_call_alike(
    answers: dict[str, str], fetch: Fetch, capsys: pytest.CaptureFixture[str]
) -> None:
    for lang in LANGS:
        given = [f"--answer={question}={value}" for question, value in answers.items()]
        main(["run", "triage", *given, "--lang", lang, "--json"])
        ran = json.loads(capsys.readouterr().out)
        body = fetch(f"/v1/calls?lang={lang}", {"sop": "triage", "answers": answers})
        # The body adds the stored call's id, revision, agent, times, log and the state of
        # its APKT report, which only a stored call has.
        assert {key: body[key] for key in ran} == ran
        assert set(body) - set(ran) == {
            "id",
            "revision",
            "agent",
            "created",
            "updated",
            "log",
            "report",
        }


def _hand_built(value: Any, where: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Where ``value`` holds a two-language text that Text.as_json (marked) did not make."""
    if isinstance(value, dict):
        if set(value) == set(LANGS):
            return [where]
        return [w for key, item in value.items() for w in _hand_built(item, (*where, str(key)))]
    if isinstance(value, list):
        return [w for n, item in enumerate(value) for w in _hand_built(item, (*where, str(n)))]
    return []


def test_the_check_finds_a_text_written_out_by_hand() -> None:
    marked = {**Text(id="a", en="b").as_json(), "made_by": "as_json"}
    found = _hand_built({"sops": [{"title": {"id": "a", "en": "b"}, "scope": marked}]})
    assert found == [("sops", "0", "title")]


def test_every_text_in_both_languages_is_written_out_by_text_as_json(
    fetch: Fetch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each output's two-language texts come from Text.as_json: marked, none is left bare."""
    plain = Text.as_json

    def marked(self: Text) -> dict[str, str]:
        return {**plain(self), "made_by": "as_json"}

    monkeypatch.setattr(Text, "as_json", marked)
    # The pages' documents are built once per process: build them again, marked.
    caches = (pages._sops_document, practice_document, practice_body)
    for cache in caches:
        cache.cache_clear()
    try:
        outputs = {
            "/v1/sops": fetch("/v1/sops"),
            **{f"/v1/sops/{sop_id}": fetch(f"/v1/sops/{sop_id}") for sop_id in sop_ids()},
            "/pages/sops.json": fetch("/pages/sops.json"),
            "/pages/practice.json": fetch("/pages/practice.json"),
            **{f"SOP file {sop_id}": document_of(get_sop(sop_id)) for sop_id in sop_ids()},
            "audit report": report_dict(audit(get_sop("ps-other"))),
        }
    finally:
        for cache in caches:
            cache.cache_clear()
    texts = sum(json.dumps(output).count('"made_by"') for output in outputs.values())
    assert texts > 1000  # the mark reached the outputs
    assert {name: _hand_built(output) for name, output in outputs.items()} == {
        name: [] for name in outputs
    }
