"""The words a CSO reads, held to the document (READING.md, round 3): a line said to the
customer cites a clause only when the clause holds its words, otherwise a named
assumption; internal actions are done steps in the document's modality; said texts start
with what to say; notes are guidance a CSO can use; both languages say the same."""

from __future__ import annotations

import re

import pytest

import sopfsm
from sopfsm.assumptions import ASSUMPTIONS
from sopfsm.clauses import CLAUSES
from sopfsm.declare import Script, ScriptKind
from sopfsm.provenance import Clause

SOPS = sopfsm.all_sops()


def _scripts(kind: ScriptKind | None = None) -> list[tuple[str, str, Script]]:
    return [
        (sop.sop_id, step.id, script)
        for sop in SOPS
        for step in sop.steps
        for script in step.says
        if kind is None or script.kind is kind
    ]


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", text.casefold()) if len(w) > 3]


def _from_the_clause(text: str, ref: str) -> float:
    """The share of a text's words that its clause holds."""
    words, clause = _words(text), set(_words(CLAUSES[ref].id))
    return sum(w in clause for w in words) / len(words)


# Lines the document does not contain, as the first reading had them, citing a clause.
NOT_THE_DOCUMENTS = [
    ("Sampaikan kepada Pelanggan bahwa laporannya ditutup di CC PLN 123.", "1f"),
    ("Sampaikan kepada Pelanggan bahwa laporannya dikirim ke Unit PLN terkait via APKT.", "1e"),
    ("Sampaikan kepada Pelanggan bahwa permohonan Turun Dayanya diteruskan ke Unit PLN "
     "terkait via APKT.", "5A.1"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "ref"), NOT_THE_DOCUMENTS)
def test_a_line_the_document_does_not_contain_is_told_from_one_it_does(text: str, ref: str) -> None:
    assert _from_the_clause(text, ref) < 0.6


@pytest.mark.parametrize(
    ("sop_id", "step", "script"),
    [s for s in _scripts(ScriptKind.SAID) if isinstance(s[2].per, Clause)],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_said_line_cites_a_clause_only_with_the_clauses_words(
    sop_id: str, step: str, script: Script
) -> None:
    assert isinstance(script.per, Clause)
    assert _from_the_clause(script.text.id, script.per.ref) >= 0.6, (sop_id, step)


def test_every_said_line_that_is_not_the_documents_names_its_assumption_and_reason() -> None:
    said = _scripts(ScriptKind.SAID)
    assumed = {s.per.label for _, _, s in said if not isinstance(s.per, Clause)}
    for name in ("told-sent-to-unit", "told-closed-at-cc", "nik-asked", "bereavement-plain-words"):
        assert f"A:{name}" in assumed
        assert ASSUMPTIONS[name].decision.id and ASSUMPTIONS[name].silent_on


@pytest.mark.parametrize(("sop_id", "step", "script"), _scripts(ScriptKind.SAID))
def test_a_said_text_starts_with_what_to_say(sop_id: str, step: str, script: Script) -> None:
    del sop_id, step  # the test's id
    # The screen, the CLI and the booklet show it under "Sampaikan" / "Say" already.
    assert not re.match(r"\s*(sampaikan|katakan|jelaskan)\b", script.text.id, re.I)
    assert not re.match(r"\s*(say|tell|explain)\b", script.text.en, re.I)


@pytest.mark.parametrize(("sop_id", "step", "script"), _scripts(ScriptKind.NOTE))
def test_a_note_is_guidance_a_cso_can_use(sop_id: str, step: str, script: Script) -> None:
    del sop_id, step  # the test's id
    for text in (script.text.id, script.text.en):
        assert not re.search(r"\b(jalur|path|pertanyaan [a-f]|question [a-f])\b", text, re.I)
        assert not re.search(r"\([a-f]\)", text)


def test_the_closed_report_is_a_done_step_in_the_documents_modality_then_told() -> None:
    call = sopfsm.start("niaga-overdue").answer("urgent", "tidak")
    call.answer("access_restricted", "tidak")
    last = [s for s in call.scripts if s.per.label in ("1f", "A:told-closed-at-cc")]
    assert [s.kind for s in last] == [ScriptKind.DONE, ScriptKind.SAID]  # close, then tell
    closed, told = last
    assert "dapat diclosed di CC" in closed.text.id and "can be closed" in closed.text.en
    assert "ditutup di CC PLN 123" in told.text.id
    assert "tidak dibatalkan" in told.text.id and "not cancelled" in told.text.en


def test_clause_1s_urgent_access_advice_promises_no_visit() -> None:
    call = sopfsm.start("niaga-overdue").answer("urgent", "ya").answer("access_restricted", "ya")
    advice = next(s for s in call.scripts if "RT" in s.text.id)
    assert "apabila petugas PLN datang" in advice.text.id
    assert "if a PLN officer comes" in advice.text.en
    assert "yang datang" not in advice.text.id
    assert "apabila petugas PLN datang" in CLAUSES["5C"].id  # 5C's own words


def test_clause_1d_says_no_more_than_the_document() -> None:
    service = next(s for _, _, s in _scripts() if s.per.label == "1d")
    assert "di lapangan" not in service.text.id and "lapangan" not in CLAUSES["1d"].id
    assert "field" not in service.text.en and "ground" not in service.text.en


def test_a_bereaved_customer_hears_no_scheme() -> None:
    call = sopfsm.start("ps-bereavement")
    said = [s for s in call.scripts if s.kind is ScriptKind.SAID]
    assert said and not any("skema" in s.text.id.casefold() for s in said)
    assert not any("scheme" in s.text.en.casefold() for s in said)
    scheme = [s for s in call.scripts if "skema 1 atau 2" in s.text.id]
    assert [(s.kind, s.per.label) for s in scheme] == [(ScriptKind.NOTE, "3")]


@pytest.mark.parametrize(("sop_id", "step", "script"), _scripts())
def test_indonesian_and_english_name_the_same_things(
    sop_id: str, step: str, script: Script
) -> None:
    # Names, codes, numbers and addresses are the same in both languages.
    def names(text: str) -> set[str]:
        found = re.findall(r"https?://\S+|APKT(?: ISSUE CLOSED)?|PLN 123|RT|DTKS|NIK|\d+", text)
        return set(found)

    assert names(script.text.id) == names(script.text.en), (sop_id, step)
