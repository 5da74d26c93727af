"""For any sequence of answers, corrections, details, closes and abandons on the service's
calls, with the deliverer running at any moment between them, the last revision
delivered of each report is the report of the call as it finally stands (or its
withdrawal, when the call no longer ends in an APKT outcome), and revisions arrive in
order."""

from __future__ import annotations

import json
import random
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopfsm.delivery import Deliverer, DeliveryOptions, RetryPolicy, verify
from sopfsm.errors import SopfsmError
from sopfsm.report import report_of
from sopfsm.service import stored_calls
from sopfsm.signing import SigningKey
from sopfsm.store import open_store
from sopfsm.views import sample_of

KEY = SigningKey("apkt-test", b"the receiver and sopfsm share this secret")
SOPS = ("lebih-tagih", "triage", "turun-daya")
ACTIONS = ("answer", "answer", "answer", "correct", "details", "close", "abandon", "deliver")


def _some_sops() -> tuple[str, ...]:
    from sopfsm import all_sops

    known = {sop.sop_id for sop in all_sops()}
    return tuple(s for s in SOPS if s in known)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(ACTIONS), st.integers(0, 10**6)),
        min_size=1,
        max_size=40,
    ),
    st.randoms(use_true_random=False),
)
def test_the_last_revision_delivered_is_the_report_of_the_final_call(
    steps: list[tuple[int, str, int]], rng: random.Random
) -> None:
    sop_ids = _some_sops()
    received: list[tuple[dict[str, Any], str]] = []

    def receive(request: httpx.Request) -> httpx.Response:
        body = request.read()
        verify(body, request.headers, {KEY.id: KEY.secret})
        received.append((json.loads(body), request.headers["Idempotency-Key"]))
        # Some attempts fail: a report is sent again later, under the same key.
        return httpx.Response(503 if rng.random() < 0.2 else 200)

    store = open_store("memory:")
    never = RetryPolicy(base=0.0, factor=1.0, cap=0.0, attempts=1000)
    sender = Deliverer(store, "http://apkt.test/in", (KEY,), DeliveryOptions(policy=never),
                       transport=httpx.MockTransport(receive))  # fmt: skip
    calls: list[str] = []
    try:
        for which, action, draw in steps:
            if action == "deliver":
                sender.run_once()
                continue
            if which >= len(calls):
                sop_id = sop_ids[draw % len(sop_ids)]
                calls.append(stored_calls.start_call(store, sop_id, {}, "ana")[0].id)
                continue
            _act(store, calls[which], action, draw)
        while sender.run_once():
            pass
    finally:
        sender.close()
        finals = {call_id: store.get(call_id) for call_id in calls}
        store.close()

    last: dict[str, dict[str, Any]] = {}
    for document, key in received:
        assert key == f"{document['report_id']}:{document['revision']}"
        before = last.get(document["report_id"])
        # In order: a revision never follows a later one (a repeat of the same is allowed).
        assert before is None or before["revision"] <= document["revision"]
        last[document["report_id"]] = document
    for call_id, stored in finals.items():
        call = stored_calls.replay(stored)
        made = report_of(call, call_id=call_id, agent="ana", started=stored.created)
        sent = last.get(f"apkt-{call_id}")
        if made is None:
            assert sent is None or sent["kind"] == "withdrawal", call_id
            continue
        assert sent is not None, call_id
        assert {k: v for k, v in sent.items() if k != "revision"} == json.loads(json.dumps(made))
        assert stored.report is not None and stored.report.state == "delivered"
        assert stored.report.revision == sent["revision"]


def _act(store: Any, call_id: str, action: str, draw: int) -> None:
    stored = store.get(call_id)
    call = stored_calls.load(stored)
    try:
        if action == "answer":
            pending = call.pending
            if pending is None:
                return
            labels = [c.label for c in pending.kind.classes()]
            value = sample_of(pending.kind, labels[draw % len(labels)])
            stored_calls.answer_call(store, call_id, pending.id, value,
                                     revision=stored.revision, agent="ana")  # fmt: skip
        elif action == "correct":
            answers = call.answers
            if not answers:
                return
            record = answers[draw % len(answers)]
            question = stored_calls.replay(stored).sop.question(record.question)
            assert question is not None
            labels = [c.label for c in question.kind.classes()]
            value = sample_of(question.kind, labels[(draw // 7) % len(labels)])
            change = stored_calls.correct(record.question, value, "salah dengar")
            stored_calls.change_call(store, call_id, change, revision=stored.revision,
                                     agent="ana")  # fmt: skip
        elif action == "details":
            idpel = f"5{draw:011d}"
            stored_calls.change_call(store, call_id, lambda c: c.details(idpel=idpel),
                                     revision=stored.revision, agent="ana")  # fmt: skip
        elif action == "close":
            stored_calls.change_call(store, call_id, lambda c: c.close(),
                                     revision=stored.revision, agent="ana")  # fmt: skip
        elif action == "abandon":
            stored_calls.change_call(store, call_id, lambda c: c.abandon("dropped"),
                                     revision=stored.revision, agent="ana")  # fmt: skip
    except SopfsmError:
        pass  # refused (closed, no branch, not the right status): nothing changed
