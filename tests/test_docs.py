"""The documentation site: its generated tables name everything the code declares, its
markers are ones the build knows, every page is in the navigation, and the declaration
example of "Declaring a SOP" is a SOP that passes the audit.

The tables are written by docs/hooks/reference.py as ``mkdocs build`` runs; these tests
call the same functions, so they need no mkdocs.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import types
from pathlib import Path
from typing import Any

import pytest

import sopfsm
import sopfsm.errors
from sopfsm.assumptions import ASSUMPTIONS

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"


def _load_hook() -> Any:
    spec = importlib.util.spec_from_file_location("reference", DOCS / "hooks" / "reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = _load_hook()


def _table_names(table: str) -> set[str]:
    return set(re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE))


def test_every_exception_of_sopfsm_errors_has_a_row_in_the_error_table() -> None:
    declared = {
        name
        for name, value in vars(sopfsm.errors).items()
        if inspect.isclass(value) and issubclass(value, BaseException)
        and value.__module__ != "builtins"
    }  # fmt: skip
    assert {"SopfsmError", "UnknownCall", "SopFileError", "UncheckedSignature"} <= declared
    assert _table_names(reference.errors_table()) == declared


def test_a_class_moved_into_errors_gets_a_row_with_its_builtin_and_status() -> None:
    """Another module's exception moved into sopfsm.errors is listed without a change to
    the generator, under its parent, with the builtin it also is and its parent's status."""
    moved = types.new_class(
        "MovedError", (sopfsm.errors.UnknownCall,), exec_body=lambda ns: ns.update(
            __doc__="Raised when something moved in is missing.", __module__="sopfsm.errors"
        )
    )  # fmt: skip
    module = types.ModuleType("sopfsm.errors")
    module.__dict__.update(vars(sopfsm.errors))
    module.MovedError = moved  # type: ignore[attr-defined]
    table = reference.errors_table(module)
    (row,) = [line for line in table.splitlines() if line.startswith("| `MovedError`")]
    assert row == (
        "| `MovedError` | `UnknownCall` | `LookupError` | 404 | `.call_id` "
        "| Raised when something moved in is missing. |"
    )
    rows = table.splitlines()
    assert rows.index(row) == rows.index(next(r for r in rows if "| `UnknownCall` |" in r)) + 1


def test_the_error_table_gives_each_error_the_status_the_service_answers_with() -> None:
    from sopfsm.service.problems import STATUS, status_of

    table = reference.errors_table()
    for cls in STATUS:
        assert f"| `{cls.__name__}` |" in table
    row = next(line for line in table.splitlines() if line.startswith("| `CallFinished` |"))
    assert f"| {STATUS[sopfsm.CallFinished]} |" in row
    assert status_of(sopfsm.CallFinished("q", "s", "APKT_TO_UNIT")) == 409


def test_the_exit_code_table_lists_every_exit_code() -> None:
    from sopfsm.cli.exit import ExitCode

    table = reference.exit_codes_table()
    for code in ExitCode:
        assert f"| `{int(code)}` | `{code.name}` |" in table
    assert "SIGPIPE" in table  # the meaning comes from the member's own docstring


def test_the_reading_page_explains_every_named_assumption() -> None:
    page = (DOCS / "reading.md").read_text(encoding="utf-8")
    for name in ASSUMPTIONS:
        assert f"### {name} {{#{name}}}" in page, name
    expanded = reference.expand(page, "reading.md")
    assert ASSUMPTIONS["nik-check"].decision.en in expanded


def test_a_reading_page_without_an_assumption_or_with_an_unknown_one_fails_the_build() -> None:
    page = (DOCS / "reading.md").read_text(encoding="utf-8")
    without = page.replace("<!-- sopfsm:assumption nik-check -->", "")
    with pytest.raises(ValueError, match="nik-check"):
        reference.expand(without, "reading.md")
    with pytest.raises(ValueError, match="no-such-decision"):
        reference.expand("<!-- sopfsm:assumption no-such-decision -->", "x.md")
    with pytest.raises(ValueError, match="unknown marker"):
        reference.expand("<!-- sopfsm:errorz -->", "x.md")
    mentioned = "a marker such as `<!-- sopfsm:errors -->` is where a table goes"
    assert reference.expand(mentioned, "x.md") == mentioned  # only a line of its own is one


def _reading_anchors() -> set[str]:
    """The anchors of docs/reading.md's headings: an explicit ``{#id}``, or the heading's
    slug as mkdocs makes it (lower case, punctuation dropped, spaces as hyphens)."""
    anchors = set()
    for heading in re.findall(r"^#{2,6} (.+)$", (DOCS / "reading.md").read_text("utf-8"), re.M):
        explicit = re.search(r"\{#([\w-]+)\}\s*$", heading)
        slug = re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", heading).strip().lower())
        anchors.add(explicit.group(1) if explicit else slug)
    return anchors


def _broken_citations(text: str) -> list[str]:
    return [
        a for a in re.findall(r"docs/reading\.md#([\w-]+)", text) if a not in _reading_anchors()
    ]


def test_every_citation_of_the_reading_page_names_one_of_its_anchors() -> None:
    """Code cites a decision as ``docs/reading.md#<name>``; a renamed or misspelt anchor
    would send a reader nowhere."""
    cited = {
        str(path.relative_to(ROOT)): _broken_citations(path.read_text(encoding="utf-8"))
        for folder in ("sopfsm", "tests", "docs", "examples", "benchmarks")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".md", ".yaml", ".js", ".html"} and path.is_file()
    }
    assert {path: broken for path, broken in cited.items() if broken} == {}
    assert {"nik-check", "round-3", "the-front-door-and-scope"} <= _reading_anchors()
    misspelt = "see docs/reading.md#" + "nik-chek"  # split, so this file cites nothing broken
    assert _broken_citations(misspelt) == ["nik-chek"]


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_every_page_is_in_the_navigation_and_its_markers_expand(page: str) -> None:
    """What ``mkdocs build --strict`` checks beyond links: a page left out of the site's
    navigation, or a marker the hook does not know, would stop it."""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:\n", 1)[1]
    assert re.search(rf": {re.escape(page)}$", nav, re.MULTILINE), page
    expanded = reference.expand((DOCS / page).read_text(encoding="utf-8"), page)
    assert not reference.MARKER.search(expanded)


def test_the_declaration_example_is_a_sop_that_passes_the_audit() -> None:
    from sopfsm.audit import audit
    from sopfsm.questions import ACCEPTS_EXPLANATION, METER_READING, NOT_KNOWN
    from sopfsm.sops import lebih_tagih

    page = (DOCS / "declaring.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", page, re.DOTALL)
    assert block is not None
    namespace: dict[str, object] = {
        **{name: getattr(sopfsm, name) for name in sopfsm.__all__},
        "ACCEPTS_EXPLANATION": ACCEPTS_EXPLANATION,
        "METER_READING": METER_READING,
        "NOT_KNOWN": NOT_KNOWN,
        **{
            name: getattr(lebih_tagih, name)
            for name in ("THREE_MONTH_AVERAGE", "REPORT_TO_UNIT", "CLOSED_AT_CC")
        },
    }
    exec(block.group(1), namespace)
    declared = namespace["LebihTagih"]
    report = audit(declared)  # type: ignore[arg-type]
    assert report.ok
    assert report.path_count == 3
