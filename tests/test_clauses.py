"""The clause texts presented as the document's are its own words, whole; every English
text is labelled as a translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sopfsm.clauses import CLAUSES, SOURCE_DOCUMENT

SOURCE = Path(__file__).parent.parent / "source" / SOURCE_DOCUMENT


def _flat(text: str) -> str:
    # Line breaks, page layout and list markers ("- a.", "- B.") are not words.
    text = re.sub(r"(?m)^\s*-\s+(?:[a-fA-C]\.\s+)?", "", text)
    return re.sub(r"\s+", " ", text).strip()


DOCUMENT = _flat(SOURCE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("ref", CLAUSES)
def test_each_clause_text_is_the_documents_own_words(ref: str) -> None:
    assert _flat(CLAUSES[ref].id) in DOCUMENT


def test_the_clause_texts_are_whole() -> None:
    # The last words of each clause are there, not a shortened reading.
    endings = {
        "2": 'oleh pemerintah atau warga setempat".',
        "3": "maka layanan mengacu pada permohonan yang bersifat Urgent).",
        "5A.2a": "https://cekbansos.siks.kemsos.go.id/kemsos/pencarian",
        "5B": "tanyakan stand APP saat Pelanggan melapor.",
        "5C": "sehingga apabila petugas PLN datang dapat diijinkan akses ke lokasi Pelanggan.",
    }
    for ref, ending in endings.items():
        assert CLAUSES[ref].id.endswith(ending), ref


def test_a_broken_clause_text_is_caught() -> None:
    shortened = "PS Kedukaan masuk dalam kategori Urgent: langsung diproses sesuai SOP"
    assert _flat(shortened) not in DOCUMENT


def test_the_copy_of_the_source_is_the_document() -> None:
    text = SOURCE.read_text(encoding="utf-8")
    assert text.startswith("STANDAR OPERASIONAL PROSEDUR CSO PLN 123")
    assert "10 Apr 2020" in text


def test_the_booklet_and_show_give_the_documents_words_and_label_any_translation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import html

    from sopfsm.catalogue import get_sop
    from sopfsm.cli import main
    from sopfsm.diagram import booklet_html

    sop = get_sop("ps-bereavement")
    indonesian = booklet_html([sop], "id")
    english = booklet_html([sop], "en")
    for text in (indonesian, english):
        assert html.escape(CLAUSES["3"].id, quote=True) in text
        assert "(kata-kata dokumen)" in text or "(the document&#x27;s own words)" in text
    assert "English translation, not the document&#x27;s words" in english
    assert CLAUSES["3"].en not in indonesian  # no unlabelled reading presented as the clause
    assert main(["show", "ps-bereavement", "--lang", "en"]) == 0
    shown = capsys.readouterr().out
    assert f"  3: {CLAUSES['3'].id}" in shown
    assert f"(English translation, not the document's words: {CLAUSES['3'].en})" in shown
