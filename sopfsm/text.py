"""Bilingual text: every word a CSO says or reads exists in Indonesian and English."""

from __future__ import annotations

from typing import Literal

import attrs

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")


@attrs.frozen
class Text:
    """A text in Indonesian (the language of the call) and English (for reviewers)."""

    id: str
    en: str

    def in_(self, lang: Lang) -> str:
        """The text in ``lang`` (``"id"`` or ``"en"``)."""
        return self.id if lang == "id" else self.en

    def as_json(self) -> dict[str, str]:
        """The text in both languages, ``{"id": ..., "en": ...}``: its one JSON shape, in
        the service's bodies, the pages' documents, SOP files and reports alike."""
        return {"id": self.id, "en": self.en}

    def __str__(self) -> str:
        return self.en
