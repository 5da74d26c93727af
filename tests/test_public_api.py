"""One public surface: ``sopfsm.__all__`` is sorted and names exactly the public objects."""

from __future__ import annotations

import builtins
import subprocess
import sys
import types

import sopfsm


def test_all_is_sorted_and_complete() -> None:
    assert sopfsm.__all__ == sorted(sopfsm.__all__)
    public = {
        name
        for name, value in vars(sopfsm).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(sopfsm.__all__)


def test_importing_sopfsm_loads_neither_rendering_nor_hypothesis_nor_sop_files() -> None:
    heavy = (
        *("graphviz", "pygraphviz", "hypothesis", "yaml", "jsonschema", "sopfsm.formats"),
        *("matplotlib", "tqdm", "sopfsm.qa", "phonenumbers"),
    )
    code = f"import sys, sopfsm; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_importing_sopfsm_loads_neither_the_service_nor_its_stores() -> None:
    heavy = ("starlette", "uvicorn", "psycopg", "httpx", "sopfsm.service", "sopfsm.store")
    code = f"import sys, sopfsm; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_cli_loads_the_service_only_to_serve() -> None:
    code = (
        "import sys, sopfsm.cli; sopfsm.cli._parser(); "
        "print(sorted(m for m in ('starlette', 'uvicorn', 'psycopg', 'sopfsm.service') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_exported_exception_is_a_sopfsm_error() -> None:
    exported = [getattr(sopfsm, n) for n in sopfsm.__all__]
    classes = [
        e
        for e in exported
        if isinstance(e, type) and issubclass(e, Exception) and not issubclass(e, Warning)
    ]
    assert sopfsm.UnknownDelivery in classes
    assert all(issubclass(e, sopfsm.SopfsmError) for e in classes)
    builtin = {c for c in vars(builtins).values() if isinstance(c, type)}
    for error in classes:  # each also the builtin it resembles, as the house style asks
        if error is not sopfsm.SopfsmError:
            assert builtin & (set(error.__mro__) - {Exception, BaseException, object}), error
