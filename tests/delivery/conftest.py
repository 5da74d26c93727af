from __future__ import annotations

from tests.support.backends import postgres_url

__all__ = ["postgres_url"]
