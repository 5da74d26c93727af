"""The practice room's routes: an attempt's shuffled choices, the check of a typed value,
and practice results kept in the store for a trainer's view of a cohort by clause.

- ``GET /pages/practice/attempt?scenario=ID&seed=N``: scenario ``ID`` as attempt ``N``
  plays it (:func:`sopfsm.service.practice.attempt`).
- ``POST /pages/practice/typed``: ``{"sop", "question", "value"}``; the value as the call
  API takes it, or the call API's refusal in both languages. A check that keeps nothing
  (and the value never appears in a URL, so never in an access log).
- ``POST /v1/practice/results`` (token): a finished run, ``{"scenario", "seed",
  "cohort", "picks": [{"clause", "right"}, ...]}``, kept for the token's agent.
- ``GET /v1/practice/results?cohort=C`` (token): the kept runs of cohort ``C`` (every
  cohort without it), totalled by clause, each clause with its name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sopfsm.errors import InvalidAnswer
from sopfsm.service.api import agent_of
from sopfsm.service.practice import CLAUSE_NAMES, TYPED, attempt, check_typed
from sopfsm.service.problems import HttpProblem
from sopfsm.service.requests import field, only_fields, only_params, read_object
from sopfsm.store.base import CallStore, ClauseScore, PracticeResult
from sopfsm.text import Text

BODY_LIMIT = 64 * 1024  # the typed check's body: one short value
MAX_SEED = 2**53 - 1  # what a browser's Number holds exactly
MAX_PICKS = 200
MAX_NAME = 200
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # openapi.json's "pattern" of a name


def page_routes() -> list[BaseRoute]:
    """The practice room's own routes beside its page (no token: they keep nothing)."""
    return [
        Route("/pages/practice/attempt", _attempt, methods=["GET"], name="practice_attempt"),
        Route("/pages/practice/typed", _typed, methods=["POST"], name="practice_typed"),
    ]


def api_routes() -> list[BaseRoute]:
    """The practice results, mounted under ``/v1`` and authenticated like its routes."""
    return [
        Route("/practice/results", _results, methods=["GET", "POST"], name="practice_results"),
    ]


def _bad(en: str, id_: str, **fields: Any) -> HttpProblem:
    return HttpProblem(400, "bad-request", Text(id=id_, en=en), **fields)


async def _attempt(request: Request) -> Response:
    only_params(request, ("scenario", "seed"))
    scenario = request.query_params.get("scenario", "")
    seed = request.query_params.get("seed", "")
    if not seed.isdigit() or int(seed) > MAX_SEED:
        raise _bad(
            f"seed must be a whole number from 0 to {MAX_SEED}, not {seed[:40]!r}",
            f"seed harus bilangan bulat 0 sampai {MAX_SEED}, bukan {seed[:40]!r}",
            field="seed",
        )
    try:
        body = attempt(scenario, int(seed))
    except KeyError:
        raise HttpProblem(
            404,
            "unknown-scenario",
            Text(
                id=f"skenario latihan tidak dikenal: {scenario[:120]!r}",
                en=f"unknown practice scenario: {scenario[:120]!r}",
            ),
        ) from None
    return JSONResponse(body)


async def _typed(request: Request) -> Response:
    data = await read_object(request, BODY_LIMIT)
    only_fields(data, ("sop", "question", "value"))
    sop = field(data, "sop", str, Text(id="id SOP", en="a SOP id"))
    question = field(data, "question", str, Text(id=", ".join(TYPED), en=", ".join(TYPED)))
    value = field(data, "value", str, Text(id="teks yang diketik", en="the typed text"))
    try:
        accepted = check_typed(sop, question, value)
    except InvalidAnswer as refused:
        # The call API's own refusal, word for word, in both languages.
        refusal = {"id": refused.message("id"), "en": refused.message("en")}
        return JSONResponse({"accepted": False, "refusal": refusal})
    return JSONResponse({"accepted": True, "value": accepted})


async def _results(request: Request) -> Response:
    agent = agent_of(request)
    store: CallStore = request.app.state.store
    if request.method == "POST":
        limit = request.app.state.config.max_body_bytes
        result = _result_of(await read_object(request, limit), agent)
        kept = await run_in_threadpool(store.add_practice_result, result)
        return JSONResponse({"seq": kept.seq, "cohort": kept.cohort}, status_code=201)
    only_params(request, ("cohort",))
    cohort = request.query_params.get("cohort")
    if cohort is not None:
        _check_name("cohort", cohort)
    results = await run_in_threadpool(store.practice_results, cohort)
    return JSONResponse(by_clause(results, cohort))


def _result_of(data: dict[str, Any], agent: str) -> PracticeResult:
    only_fields(data, ("scenario", "seed", "cohort", "picks"))
    scenario = field(data, "scenario", str, Text(id="id skenario", en="a scenario id"))
    seed = field(data, "seed", int, Text(id="bilangan bulat", en="a whole number"))
    cohort = data.get("cohort", "")
    picks = field(data, "picks", list, Text(id="daftar langkah", en="a list of picks"))
    if not isinstance(cohort, str):
        raise _bad("'cohort' must be text", "'cohort' harus teks", field="cohort")
    _check_name("cohort", cohort)
    _check_name("scenario", scenario)
    if not 0 <= seed <= MAX_SEED:
        raise _bad(
            f"'seed' must be from 0 to {MAX_SEED}",
            f"'seed' harus 0 sampai {MAX_SEED}",
            field="seed",
        )
    if not picks or len(picks) > MAX_PICKS:
        raise _bad(
            f"'picks' must hold 1 to {MAX_PICKS} picks",
            f"'picks' harus berisi 1 sampai {MAX_PICKS} langkah",
            field="picks",
        )
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for pick in picks:
        clause = pick.get("clause") if isinstance(pick, dict) else None
        hit = pick.get("right") if isinstance(pick, dict) else None
        if not isinstance(clause, str) or clause not in CLAUSE_NAMES:
            clause = None
        if clause is None or not isinstance(hit, bool) or len(pick) != 2:
            raise _bad(
                'each pick must be {"clause", "right"}: a clause of '
                f"{', '.join(CLAUSE_NAMES)} and true or false, not {str(pick)[:80]}",
                'setiap langkah harus {"clause", "right"}: klausul '
                f"{', '.join(CLAUSE_NAMES)} dan true atau false, bukan {str(pick)[:80]}",
                field="picks",
                accepted=list(CLAUSE_NAMES),
            )
        total[clause] += 1
        right[clause] += hit
    scores = tuple(ClauseScore(c, right[c], total[c]) for c in CLAUSE_NAMES if total[c])
    return PracticeResult(
        agent=agent,
        cohort=cohort.strip(),
        scenario=scenario,
        seed=seed,
        at=dt.datetime.now(dt.UTC),
        scores=scores,
    )


def _check_name(name: str, value: str) -> None:
    """A cohort or scenario name: text without control characters (which no store should
    keep, and PostgreSQL cannot), of at most MAX_NAME characters."""
    if len(value) > MAX_NAME or _CONTROL.search(value):
        raise _bad(
            f"{name!r} must be text without control characters, at most {MAX_NAME} long",
            f"{name!r} harus teks tanpa karakter kontrol, paling banyak {MAX_NAME} karakter",
            field=name,
        )


def by_clause(results: list[PracticeResult], cohort: str | None) -> dict[str, Any]:
    """A cohort's kept runs totalled by clause, in the document's order of clauses."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    agents: dict[str, set[str]] = {}
    runs: Counter[str] = Counter()
    for result in results:
        for score in result.scores:
            right[score.clause] += score.right
            total[score.clause] += score.total
            agents.setdefault(score.clause, set()).add(result.agent)
            runs[score.clause] += 1
    return {
        "cohort": cohort,
        "runs": len(results),
        "agents": len({r.agent for r in results}),
        "clauses": [
            {
                "clause": key,
                "name": name.as_json(),
                "right": right[key],
                "total": total[key],
                "agents": len(agents[key]),
                "runs": runs[key],
            }
            for key, name in CLAUSE_NAMES.items()
            if total[key]
        ],
    }
