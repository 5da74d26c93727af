"""The sample QA report committed under docs/qa is what the code makes today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).parents[2] / "docs" / "qa"


def test_the_committed_sample_report_is_not_stale() -> None:
    spec = importlib.util.spec_from_file_location("make_qa_docs", DOCS / "make.py")
    assert spec is not None
    assert spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    fresh = make.sample_report()
    assert fresh == (DOCS / "report.html").read_text(encoding="utf-8"), (
        "docs/qa/report.html is stale: run PYTHONPATH=. python docs/qa/make.py"
    )
    assert (DOCS / "report.png").stat().st_size > 10_000
