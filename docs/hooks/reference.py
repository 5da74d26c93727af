"""The documentation's reference tables, generated from the code at build time.

mkdocs loads this file as a hook (``hooks:`` in mkdocs.yml) and calls
:func:`on_page_markdown` for every page: a marker such as ``<!-- sopfsm:errors -->``
becomes the table the code declares today, so the pages cannot drift from it. The
tables are read from the modules themselves (the classes of ``sopfsm.errors``, the
``ExitCode`` enum, the CLI's commands, the OpenAPI description, the service's settings,
the question types of SOP files, the named assumptions), never from a list kept here, so
a class added to or moved into ``sopfsm.errors`` appears without a change to this file.

It imports nothing of mkdocs, so the tests can import it without the ``docs`` extra.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

# A marker stands on a line of its own, so a page can mention one in running text.
MARKER = re.compile(r"^<!-- sopfsm:([a-z-]+)(?: ([a-z0-9-]+))? -->$", re.MULTILINE)
OPENAPI = Path(__file__).parent.parent.parent / "sopfsm" / "service" / "openapi.json"
RESULTS = Path(__file__).parent.parent.parent / "benchmarks" / "RESULTS.md"
README = Path(__file__).parent.parent.parent / "README.md"
_BASES = {BaseException, Exception, object}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _first_line(obj: object) -> str:
    """The first paragraph of ``obj``'s docstring, its reST roles as Markdown code."""
    doc = (inspect.getdoc(obj) or "").strip().split("\n\n", 1)[0].replace("\n", " ")
    doc = re.sub(r":[a-z]+:`~?([^`]+)`", r"`\1`", doc)
    return doc.replace("``", "`")


def error_classes(module: ModuleType) -> list[type[BaseException]]:
    """Every exception and warning class ``module`` offers, parents before children.

    ``__all__`` when the module declares one, else every public class in it that is an
    exception: defined there or imported into it, so a class moved in is listed.
    """
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    found = [
        value
        for name in names
        if inspect.isclass(value := getattr(module, name, None))
        and issubclass(value, BaseException)
        and value.__module__ != "builtins"
    ]

    def depth(cls: type[BaseException]) -> tuple[bool, int]:
        return (issubclass(cls, Warning), len(cls.__mro__))

    ordered: list[type[BaseException]] = []

    def visit(cls: type[BaseException]) -> None:
        ordered.append(cls)
        for child in found:
            if child not in ordered and cls in child.__bases__:
                visit(child)

    for cls in sorted(found, key=depth):
        if cls not in ordered and not any(b in found for b in cls.__bases__):
            visit(cls)
    ordered += [cls for cls in found if cls not in ordered]
    return ordered


def builtin_bases(cls: type) -> list[str]:
    """The builtin exceptions ``cls`` also is (beyond Exception), nearest first."""
    names = [
        base.__name__
        for base in cls.__mro__[1:]
        if base.__module__ == "builtins" and base not in _BASES
    ]
    return [n for i, n in enumerate(names) if n not in names[:i]]


def errors_table(
    module: ModuleType | None = None, status: Callable[[type], int | None] | None = None
) -> str:
    """The error table: name, parent, builtin bases, HTTP status, meaning."""
    module = module or importlib.import_module("sopfsm.errors")
    status = status or _http_status
    rows = [
        "| error | subclass of | also a builtin | HTTP status | carries | what it means |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for cls in error_classes(module):
        parents = [b.__name__ for b in cls.__bases__ if b.__module__ != "builtins"]
        code = status(cls)
        rows.append(
            f"| `{cls.__name__}` | {', '.join(f'`{p}`' for p in parents) or '-'} "
            f"| {', '.join(f'`{b}`' for b in builtin_bases(cls)) or '-'} "
            f"| {code if code is not None else '-'} "
            f"| {', '.join(f'`.{a}`' for a in carried(cls)) or '-'} "
            f"| {_cell(_first_line(cls))} |"
        )
    return "\n".join(rows)


def carried(cls: type) -> list[str]:
    """The attributes an error sets on itself (``self.NAME = ...`` in an ``__init__``)."""
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        init = vars(klass).get("__init__")
        if klass.__module__ == "builtins" or init is None:
            continue
        try:
            source = inspect.getsource(init)
        except (OSError, TypeError):
            continue
        names += [n for n in re.findall(r"self\.([a-z]\w*) = ", source) if n not in names]
    return names


def _http_status(cls: type) -> int | None:
    """The status problems.py gives ``cls``: its own, or its nearest ancestor's."""
    try:
        problems = importlib.import_module("sopfsm.service.problems")
    except ImportError:  # the serve extra is missing: the table says so rather than guess
        return None
    table: dict[type, int] = problems.STATUS
    return next((table[c] for c in cls.__mro__ if c in table), None)


def exit_codes_table() -> str:
    exit_module = importlib.import_module("sopfsm.cli.exit")
    rows = ["| code | name | meaning |", "| --- | --- | --- |"]
    for member in exit_module.ExitCode:
        meaning = _member_docs(exit_module.ExitCode).get(member.name, "")
        rows.append(f"| `{int(member)}` | `{member.name}` | {_cell(meaning)} |")
    return "\n".join(rows)


def commands_table() -> str:
    """Every command of ``sopfsm`` with its one-line help, as ``sopfsm --help`` lists them
    (each module of ``COMMAND_MODULES`` adds its own)."""
    import argparse

    cli = importlib.import_module("sopfsm.cli")
    parser = cli._parser()
    rows = ["| command | what it does |", "| --- | --- |"]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                rows.append(f"| `sopfsm {choice.dest}` | {_cell(choice.help or '')} |")
    return "\n".join(rows)


def _member_docs(enum_class: type) -> dict[str, str]:
    """The string literal under each member of an enum class (its attribute docstring)."""
    import ast

    tree = ast.parse(inspect.getsource(enum_class))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for first, second in itertools.pairwise(body):
        if (
            isinstance(first, ast.Assign)
            and isinstance(first.targets[0], ast.Name)
            and isinstance(second, ast.Expr)
            and isinstance(second.value, ast.Constant)
            and isinstance(second.value.value, str)
        ):
            docs[first.targets[0].id] = second.value.value
    return docs


def routes_table() -> str:
    spec: dict[str, Any] = json.loads(OPENAPI.read_text(encoding="utf-8"))
    rows = [
        "| method and path | what it answers | query | statuses |",
        "| --- | --- | --- | --- |",
    ]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or method.startswith("x-"):
                continue
            query = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            rows.append(
                f"| `{method.upper()} {path}` | {_cell(operation.get('summary', ''))} "
                f"| {', '.join(f'`{q}`' for q in query) or '-'} "
                f"| {', '.join(operation.get('responses', {}))} |"
            )
    return "\n".join(rows)


def settings_table() -> str:
    import attrs

    config = importlib.import_module("sopfsm.service.config")
    rows = ["| setting | default | what it sets |", "| --- | --- | --- |"]
    for field in attrs.fields(config.ServiceConfig):
        default = "none" if field.default in (None, "") else f"`{field.default}`"
        rows.append(f"| `{field.name}` | {default} | {_cell(field.metadata['help'])} |")
    return "\n".join(rows)


def question_types_table() -> str:
    kinds = importlib.import_module("sopfsm.formats.kinds")
    rows = [
        "| type | a CSO may answer | a branch may name |",
        "| --- | --- | --- |",
    ]
    for name, kind in kinds.QUESTION_TYPES.items():
        words = ", ".join(f"`{w}`" for w in kinds.partition_words(kind))
        rows.append(f"| `{name}` | {_cell(kind.accepted.en)} | {words} |")
    return "\n".join(rows)


def catalogue_questions_table() -> str:
    kinds = importlib.import_module("sopfsm.formats.kinds")
    rows = ["| question id | type | prompt |", "| --- | --- | --- |"]
    for question_id, question in kinds.CATALOGUE_QUESTIONS.items():
        try:
            type_name = f"`{kinds.type_name(question.kind)}`"
        except ValueError:
            type_name = "-"
        rows.append(f"| `{question_id}` | {type_name} | {_cell(question.prompt.en)} |")
    return "\n".join(rows)


def assumption_names() -> list[str]:
    provenance = importlib.import_module("sopfsm.assumptions")
    return list(provenance.ASSUMPTIONS)


def assumption_block(name: str) -> str:
    """One named assumption as the code declares it: where, silent on, the decision."""
    provenance = importlib.import_module("sopfsm.assumptions")
    info = provenance.ASSUMPTIONS.get(name)
    if info is None:
        raise ValueError(
            f"docs/reading.md names assumption {name!r}, which sopfsm.provenance does not "
            f"declare; declared: {', '.join(provenance.ASSUMPTIONS)}"
        )
    where = {"all": "Every clause"}.get(info.where) or (
        f"Clauses {info.where}" if "," in info.where else f"Clause {info.where}"
    )
    return (
        f"*{where}; the document is silent on {info.silent_on}.*\n\n"
        f"**Decision** (cited as `A:{name}`): {info.decision.en}\n\n"
        f"> {info.decision.id}"
    )


def benchmark_results() -> str:
    text = RESULTS.read_text(encoding="utf-8")
    # RESULTS.md opens with its own title; the page has one. Its headings go one level down.
    body = text.split("\n", 1)[1] if text.startswith("# ") else text
    return re.sub(r"^(#+) ", r"#\1 ", body, flags=re.MULTILINE)


def readme_section(slug: str) -> str:
    """A section of the README by its heading's slug (``quick-start``), so that the site
    and the README show one text."""
    text = README.read_text(encoding="utf-8")
    for section in text.split("\n## ")[1:]:
        heading, _, body = section.partition("\n")
        if re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") == slug:
            return body.strip()
    raise ValueError(f"README.md has no section {slug!r}")


def apkt_report_example() -> str:
    """The report of one call as :func:`sopfsm.report.report_of` makes it, as sent."""
    import datetime as dt
    import json

    import sopfsm
    from sopfsm.report import report_of

    started = dt.datetime(2020, 4, 14, 1, 5, tzinfo=dt.UTC)
    moments = iter(started + dt.timedelta(seconds=s) for s in (25, 70, 90, 120, 150))
    call = sopfsm.start("lebih-tagih", clock=lambda: next(moments))
    call.answer("accepts_explanation", "tidak")
    call.answer("meter_reading", 4821)
    call.details(idpel="512345678901", name="Siti Aminah", phone="0812-3456-7890")
    report = report_of(call, call_id="9f1c2a7e0b3d4c5e8a6b7c8d9e0f1a2b", agent="ana",
                       started=started)  # fmt: skip
    sent = {**(report or {}), "revision": 1}
    return "```json\n" + json.dumps(sent, indent=2, ensure_ascii=False) + "\n```"


TABLES: dict[str, Callable[[], str]] = {
    "errors": errors_table,
    "exit-codes": exit_codes_table,
    "commands": commands_table,
    "routes": routes_table,
    "settings": settings_table,
    "question-types": question_types_table,
    "catalogue-questions": catalogue_questions_table,
    "benchmark-results": benchmark_results,
    "apkt-report": apkt_report_example,
}


def expand(markdown: str, page: str = "") -> str:
    """``markdown`` with every marker replaced by what the code declares."""

    def replace(match: re.Match[str]) -> str:
        kind, argument = match.group(1), match.group(2)
        if kind == "assumption" and argument:
            return assumption_block(argument)
        if kind == "readme" and argument:
            return readme_section(argument)
        if kind in TABLES and argument is None:
            return TABLES[kind]()
        known = [*TABLES, "assumption NAME", "readme SECTION"]
        raise ValueError(f"{page}: unknown marker {match.group(0)!r}; known: {', '.join(known)}")

    expanded = MARKER.sub(replace, markdown)
    if page == "reading.md":
        missing = [n for n in assumption_names() if f"sopfsm:assumption {n} " not in markdown]
        if missing:
            raise ValueError(f"docs/reading.md does not explain assumptions: {', '.join(missing)}")
    return expanded


def on_page_markdown(markdown: str, *, page: Any, **_: Any) -> str:
    """mkdocs' hook: expand the markers of each page (an error stops the build)."""
    return expand(markdown, page.file.src_uri)
