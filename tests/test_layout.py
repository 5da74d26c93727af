"""The tests mirror the package and are named by what they protect: no test module imports
another (what they share lives in tests/support or a conftest fixture), and no file or test
is named after the work item that brought it (docs/testing.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).parent

# Names that say which piece of work a test came from rather than what it protects.
WORK_ITEM_FILE = re.compile(r"hardening|misstatement|issue", re.IGNORECASE)
WORK_ITEM_TEST = re.compile(r"hardening|misstatement|of_the_issue|issue_?\d|work_item", re.I)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_test_module(name: str) -> bool:
    last = name.rsplit(".", maxsplit=1)[-1]
    return last.startswith("test_") or last == "conftest"


def _imported(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """Every module name an import in ``tree`` could mean, relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            # `from tests.browser import conftest` imports a module by its name
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def modules_importing_test_modules(root: Path) -> list[str]:
    """``module imports other`` for each test module under ``root`` that imports another."""
    found = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name in sorted(_imported(tree, module, path.name == "__init__.py")):
            if name != module and name.startswith(f"{root.name}.") and _is_test_module(name):
                found.append(f"{module} imports {name}")
    return found


def names_after_work_items(root: Path) -> list[str]:
    """Files, and test functions, under ``root`` named after a work item."""
    found = [
        str(path.relative_to(root.parent))
        for path in sorted(root.rglob("*"))
        if "__pycache__" not in path.parts and WORK_ITEM_FILE.search(path.name)
    ]
    for path in sorted(root.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [
            f"{path.relative_to(root.parent)}::{node.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test")
            and WORK_ITEM_TEST.search(node.name)
        ]
    return found


def test_no_test_module_imports_another() -> None:
    assert modules_importing_test_modules(TESTS) == []


def test_every_file_and_test_is_named_by_what_it_protects() -> None:
    assert names_after_work_items(TESTS) == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "tests" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "tests"


@pytest.mark.parametrize(
    ("text", "imported"),
    [
        ("from tests.test_saved_fuzz import saved_calls\n", "tests.test_saved_fuzz"),
        ("import tests.service.test_crash\n", "tests.service.test_crash"),
        ("from tests.browser import conftest\n", "tests.browser.conftest"),
        ("from .conftest import TOKENS\n", "tests.service.conftest"),
        ("from . import test_crash\n", "tests.service.test_crash"),
    ],
)
def test_a_test_module_importing_another_is_caught(
    tmp_path: Path, text: str, imported: str
) -> None:
    root = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "service/__init__.py": "",
            "service/conftest.py": "TOKENS = {}\n",
            "service/test_crash.py": "def test_x() -> None: ...\n",
            "service/test_serve.py": text,
        },
    )
    assert modules_importing_test_modules(root) == [f"tests.service.test_serve imports {imported}"]


def test_importing_the_support_package_is_allowed(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "support/backends.py": "PATIENCE = 1\n",
            "test_a.py": "from tests.support.backends import PATIENCE\nimport tests.support\n",
        },
    )
    assert modules_importing_test_modules(root) == []


def test_a_file_or_test_named_after_the_work_that_brought_it_is_caught(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "test_hardening_saved.py": "",
            "test_misstatements.py": "",
            "issue_17/test_x.py": "",
            "test_kinds.py": "def test_the_examples_of_the_issue() -> None: ...\n"
            "def test_a_call_ending_in_apkt_issue_closed_is_closed() -> None: ...\n",
        },
    )
    assert names_after_work_items(root) == [
        "tests/issue_17",
        "tests/test_hardening_saved.py",
        "tests/test_misstatements.py",
        "tests/test_kinds.py::test_the_examples_of_the_issue",
    ]
