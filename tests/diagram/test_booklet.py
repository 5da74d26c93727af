"""The training booklet is one self-contained HTML file that shows every SOP."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

import sopfsm
from sopfsm.diagram import booklet_html

SOPS = sopfsm.all_sops()


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.links: list[str] = []
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        values = dict(attrs)
        self.links += [v or "" for k, v in attrs if k in ("href", "src", "xlink:href")]
        if tag == "section":
            self.sections.append(values.get("id") or "")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_booklet_is_self_contained_and_shows_every_sop(lang: sopfsm.Lang) -> None:
    text = booklet_html(SOPS, lang)
    parsed = _Collector()
    parsed.feed(text)
    assert parsed.sections == list(sopfsm.sop_ids())
    assert parsed.tags["svg"] == len(SOPS)
    assert parsed.tags["script"] == parsed.tags["link"] == parsed.tags["img"] == 0
    assert all(link.startswith("#") for link in parsed.links), parsed.links
    assert "url(" not in text and "@import" not in text
    assert "@media print" in text
    for sop in SOPS:
        assert sop.title.in_(lang) in text
    # The clause text, in the document's own words, in both languages.
    assert ("Dinas Sosial" in text) and ("rata2 3 bulan sebelumnya" in text)
