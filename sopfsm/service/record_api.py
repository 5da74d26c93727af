"""The ``/v1`` routes that change a call's record besides answering it: corrections,
the wrap-up (abandon, close) and the customer's details.

Each names the revision it read, as an answer does: a change to a call that moved on
since is a 409 (:class:`~sopfsm.errors.StaleRevision`), and of two agents changing one
call at once exactly one wins. Every refusal is the core's (:class:`InvalidDetail`,
:class:`NotAnswered`, :class:`CallClosed`, :class:`WrongStatus`, an answer refused as
answers are), answered as problem+json by :mod:`sopfsm.service.problems`, and changes
nothing. The body answered is the call, as ``GET /v1/calls/{id}`` shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sopfsm.call import Call, utc_now
from sopfsm.details import FIELDS as DETAIL_FIELDS
from sopfsm.service import personal, roles, stored_calls
from sopfsm.service.api import agent_of
from sopfsm.service.config import ServiceConfig
from sopfsm.service.requests import field, lang_of, only_fields, only_params, read_object
from sopfsm.store.base import CallStore
from sopfsm.text import Text

_REVISION = Text(
    id="revisi panggilan saat dibaca (bilangan bulat >= 0)",
    en="the call's revision as read (a whole number >= 0)",
)
_QUESTION = Text(id="id pertanyaan (teks)", en="a question id (text)")
_REASON = Text(id="alasan koreksi (teks)", en="the correction's reason (text)")
_CODE = Text(id="kode penutupan (teks)", en="a wrap-up code (text)")
_NOTE = Text(id="catatan (teks)", en="a note (text)")


def routes() -> list[Route]:
    return [
        Route("/calls/{call_id}/corrections", correct_call, methods=["POST"]),
        Route("/calls/{call_id}/abandon", abandon_call, methods=["POST"]),
        Route("/calls/{call_id}/close", close_call, methods=["POST"]),
        Route("/calls/{call_id}/details", call_details, methods=["POST"]),
    ]


async def correct_call(request: Request) -> Response:
    data = await _body(request, ("question", "value", "reason", "revision"))
    question = field(data, "question", str, _QUESTION)
    if "value" not in data:
        field(data, "value", object, Text(id="jawaban baru", en="the new answer"))
    reason = field(data, "reason", str, _REASON)
    return await _change(request, data, stored_calls.correct(question, data["value"], reason))


async def abandon_call(request: Request) -> Response:
    data = await _body(request, ("code", "note", "revision"))
    code = field(data, "code", str, _CODE)
    note = field(data, "note", str, _NOTE) if data.get("note") is not None else None
    return await _change(request, data, lambda call: call.abandon(code, note=note))


async def close_call(request: Request) -> Response:
    data = await _body(request, ("revision",))
    return await _change(request, data, lambda call: call.close())


async def call_details(request: Request) -> Response:
    data = await _body(request, (*DETAIL_FIELDS, "revision"))
    # Each value is checked by the core, which names the field and what it accepts.
    given: dict[str, Any] = {name: data[name] for name in DETAIL_FIELDS if name in data}
    return await _change(request, data, lambda call: call.details(**given))


async def _body(request: Request, fields: tuple[str, ...]) -> dict[str, Any]:
    agent_of(request)  # 401 before anything of the body is read
    only_params(request, ("lang",))
    config: ServiceConfig = request.app.state.config
    data = await read_object(request, config.max_body_bytes)
    only_fields(data, fields)
    return data


async def _change(
    request: Request, data: dict[str, Any], change: Callable[[Call], object]
) -> Response:
    identity = roles.identity_of(request)
    agent = identity.agent
    if isinstance(data.get("revision"), float) and data["revision"].is_integer():
        data["revision"] = int(data["revision"])  # JSON has one number type: 3.0 is 3
    revision = field(data, "revision", int, _REVISION)
    if revision < 0:
        field({"revision": None}, "revision", int, _REVISION)
    store: CallStore = request.app.state.store
    stored, call = await run_in_threadpool(
        stored_calls.change_call,
        store,
        request.path_params["call_id"],
        change,
        revision=revision,
        agent=agent,
        live=request.app.state.live_calls,
        reported=request.app.state.reported,
        # Who may change which call is who may answer it: its own CSO, or a supervisor.
        check=lambda held: roles.check_answers(identity, held),
    )
    body = stored_calls.call_body(stored, call, lang_of(request))
    if personal.reads_recorded(identity, stored):
        await run_in_threadpool(personal.record_read, store, identity, stored, utc_now())
    return JSONResponse(personal.shown(identity, stored, body))


__all__ = ["routes"]
