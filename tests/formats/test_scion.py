"""The SCXML export runs unchanged on SCION (``@scion-scxml/scxml``, an ECMAScript SCXML
interpreter on Node): on every audit path of every SOP it ends in the final state that
``sopfsm run`` ends in, and its ``<donedata>`` gives the same outcome.

The engine is pinned in tests/formats/scion/package.json and installed with ``npm ci``
(by .ci/run, or here when it is missing). Without Node or the engine these tests skip with
the reason; under CI (``CI`` set) they fail instead, so CI cannot pass without them.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sopfsm.answers import Value
from sopfsm.audit import audit
from sopfsm.catalogue import get_sop, sop_ids
from sopfsm.cli import main
from sopfsm.formats.kinds import answer_word
from sopfsm.formats.scxml import sop_to_scxml
from sopfsm.model import SopSpec

SCION = Path(__file__).parent / "scion"
ENGINE = SCION / "node_modules" / "@scion-scxml" / "scxml"
TIMEOUT = 120  # seconds: npm ci, or one run of every path on a busy machine


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI needs Node and SCION (npm ci --prefix {SCION})")
    pytest.skip(reason)


@functools.cache
def _install() -> str | None:
    """Why SCION cannot run here, or None once it is installed."""
    if shutil.which("node") is None:
        return "node is not installed"
    if ENGINE.is_dir():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed, and SCION is not in tests/formats/scion/node_modules"
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(SCION)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if done.returncode != 0 or not ENGINE.is_dir():
        return f"npm ci could not install SCION: {done.stderr.strip()[-300:]}"
    return None


@pytest.fixture(scope="module")
def scion() -> None:
    problem = _install()
    if problem is not None:
        _unavailable(problem)


def _on_scion(documents: dict[str, str], paths: list[dict[str, Any]]) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["node", str(SCION / "run.js")],
        input=json.dumps({"documents": documents, "paths": paths}),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def _sample(sop: SopSpec, question_id: str, label: str) -> Value:
    question = sop.question(question_id)
    assert question is not None
    return next(c.samples[0] for c in question.kind.classes() if c.label == label)


def _ran(sop_id: str, answers: list[tuple[str, Value]], capsys: pytest.CaptureFixture[str]) -> Any:
    args = [f"--answer={q}={answer_word(v)}" for q, v in answers]
    assert main(["run", sop_id, "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)["outcome"]


@pytest.mark.usefixtures("scion")
def test_every_audit_path_of_every_sop_ends_on_scion_where_sopfsm_run_ends(
    capsys: pytest.CaptureFixture[str],
) -> None:
    documents: dict[str, str] = {}
    paths: list[dict[str, Any]] = []
    expected: list[tuple[str, list[tuple[str, Value]], str, str]] = []
    for sop_id in sop_ids():
        sop = get_sop(sop_id)
        documents[sop_id] = sop_to_scxml(sop)
        rows = audit(sop).paths
        assert rows  # every path listed: none of the bundled SOPs has too many
        for row in rows:
            answers = [(q, _sample(sop, q, label)) for q, label in row.answers]
            outcome = _ran(sop_id, answers, capsys)
            paths.append({"sop": sop_id, "answers": [v for _, v in answers]})
            expected.append((sop_id, answers, outcome["step"], outcome["code"]))
    results = _on_scion(documents, paths)
    assert len(results) == len(expected)
    for (sop_id, answers, step, code), got in zip(expected, results, strict=True):
        assert "error" not in got, (sop_id, got["error"])
        assert got["errors"] == [], (sop_id, answers, got["errors"])
        assert got["final"], (sop_id, answers, got)
        assert (got["state"], got["outcome"]) == (step, code), (sop_id, answers)


@pytest.mark.usefixtures("scion")
def test_scion_reports_the_defects_the_export_avoids() -> None:
    # The same document with a hyphenated <scxml name> and <param> donedata, as the export
    # once wrote it: SCION refuses the first and gives every final state one outcome with
    # the second. Without this, the test above could pass on an engine that reads neither.
    sop = get_sop("lebih-tagih")
    fixed = sop_to_scxml(sop)
    hyphen = fixed.replace('name="lebih_tagih"', 'name="lebih-tagih"')
    params = fixed
    for code in ("APKT_ISSUE_CLOSED", "APKT_TO_UNIT"):
        content = f'<content>{{"outcome": "{code}"}}</content>'
        params = params.replace(content, f'<param name="outcome" expr="\'{code}\'"/>')
    assert fixed not in (hyphen, params)
    accepts, objects = {"answers": [True]}, {"answers": [False, 12.0]}
    results = _on_scion(
        {"hyphen": hyphen, "params": params},
        [{"sop": "hyphen", **accepts}, {"sop": "params", **accepts}, {"sop": "params", **objects}],
    )
    assert "error" in results[0]
    outcomes = {results[1]["outcome"], results[2]["outcome"]}
    assert len(outcomes) == 1  # both final states give the same outcome: the defect
