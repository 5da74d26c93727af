"""SOP files: the six bundled SOPs as YAML load back equal, path for path and text for
text; the schema ships in the package and in docs/; a file with mistakes is refused with
each mistake at its line and column, before anything runs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

import sopfsm
from sopfsm.audit import audit
from sopfsm.catalogue import all_sops, get_sop, sop_ids
from sopfsm.cli import main
from sopfsm.formats.export import EXPORTERS, export_sop
from sopfsm.formats.kinds import QUESTION_TYPES
from sopfsm.formats.load import load_sop, sop_from_argument
from sopfsm.formats.schema import schema_json, shipped_schema, sop_schema
from sopfsm.formats.yaml import read_yaml, sop_to_yaml
from sopfsm.model import SopSpec

ROOT = Path(__file__).parent.parent.parent
DOCS = ROOT / "docs"
REFRESH = "sopfsm export --all docs/sops"
TYPES = ", ".join(QUESTION_TYPES)
OUTCOMES = ", ".join(sop_schema()["$defs"]["step"]["properties"]["outcome"]["enum"])


@pytest.mark.parametrize("sop", all_sops(), ids=lambda s: s.sop_id)
def test_each_bundled_sop_loads_back_from_yaml_equal_to_its_declaration(sop: SopSpec) -> None:
    loaded = read_yaml(sop_to_yaml(sop), f"{sop.sop_id}.yaml")
    assert loaded == sop  # steps, scripts, questions, branches, provenance, identity
    assert [s.says for s in loaded.steps] == [s.says for s in sop.steps]
    assert loaded.machine is not sop.machine
    assert audit(loaded).paths == audit(sop).paths


@pytest.mark.parametrize("sop_id", sop_ids())
@pytest.mark.parametrize("format", sorted(EXPORTERS))
def test_committed_exports_are_what_the_sops_generate(sop_id: str, format: str) -> None:
    _, suffix = EXPORTERS[format]
    committed = DOCS / "sops" / f"{sop_id}{suffix}"
    assert committed.exists(), f"docs/sops lacks {committed.name}; run: {REFRESH}"
    assert committed.read_bytes() == export_sop(get_sop(sop_id), format).encode(), (
        f"docs/sops/{committed.name} is stale; run: {REFRESH}"
    )


def test_docs_sops_holds_every_catalogue_sop_and_nothing_else() -> None:
    expected = {f"{i}{suffix}" for i in sop_ids() for _, suffix in EXPORTERS.values()}
    assert {p.name for p in (DOCS / "sops").iterdir()} == expected


def test_yes_and_no_are_strings_in_the_files_never_yaml_booleans() -> None:
    def scalars(value: object) -> list[object]:
        if isinstance(value, dict):
            return [s for v in value.values() for s in scalars(v)]
        if isinstance(value, list):
            return [s for v in value for s in scalars(v)]
        return [value]

    # Any YAML 1.1 reader (not only sopfsm's) reads the answers as the strings meant.
    data = yaml.safe_load((DOCS / "sops" / "niaga-overdue.yaml").read_text("utf-8"))
    answers = [b["answer"] for step in data["steps"] for b in step.get("branches", [])]
    assert {"yes", "no"} <= set(answers)
    assert not any(isinstance(s, bool) for s in scalars(data))


def test_the_schema_in_the_package_and_in_docs_is_the_one_sopfsm_builds() -> None:
    shipped = ROOT / "sopfsm" / "formats" / "schemas" / "sop.schema.json"
    assert shipped.read_text("utf-8") == schema_json(), "run: python -m sopfsm.formats.schema"
    assert (DOCS / "sop.schema.json").read_bytes() == shipped.read_bytes()
    assert shipped_schema() == sop_schema()


def test_the_schema_serves_an_editor_and_accepts_every_export() -> None:
    schema = sop_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] and schema["title"] and schema["description"]
    step = schema["$defs"]["step"]["properties"]
    assert step["outcome"]["enum"] == [*sopfsm.OUTCOME_CODES, "REGULAR_SOP"]
    assert "urgent" in schema["$defs"]["question"]["anyOf"][0]["enum"]
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((DOCS / "sops").glob("*.yaml")):
        assert not list(validator.iter_errors(yaml.safe_load(path.read_text("utf-8")))), path


LEBIH_TAGIH = sop_to_yaml(get_sop("lebih-tagih"))


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def _problems(text: str) -> list[str]:
    with pytest.raises(sopfsm.SopFileError) as refused:
        read_yaml(text, "draft.yaml")
    assert refused.value.file == "draft.yaml"
    return [str(p) for p in refused.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "ask: meter_reading",
            "ask: {id: reading, type: kwh, prompt: {id: a, en: b}}",
            "steps[1].ask.type: 'kwh' is not one of: yes-no, region-scheme, tariff, nik, "
            "meter-reading, ",
        ),
        ("ask: meter_reading", "ask: meter", "steps[1].ask: 'meter' is not one of:"),
        ("to: closed", "to: close", "steps[0].branches[0].to: no step 'close'; steps:"),
        (
            "answer: 'no'",
            "answer: 'yes'",
            "steps[0].branches[1].answer: answer 'yes' of 'accepts_explanation' is covered twice",
        ),
        ("answer: 'no'", "answer: maybe", "'maybe' is not an answer to 'accepts_explanation'"),
        (
            "outcome: APKT_ISSUE_CLOSED",
            "outcome: APKT_CLOSED",
            "steps[2].outcome: 'APKT_CLOSED' is not one of: APKT_TO_UNIT, APKT_ISSUE_CLOSED",
        ),
        ("per: A:lebih-tagih-one-answer", "per: A:one-answer", "no assumption 'one-answer'"),
        (
            "  per: 5B\n  say:\n  - kind: said\n    per: 5B\n    id: 'Kebijakan",
            "  per: 5Z\n  say:\n  - kind: said\n    per: 5B\n    id: 'Kebijakan",
            "steps[0].per: no clause '5Z'",
        ),
        ("  - meter_reading", "  - meter", "steps[3].carries[0]: carries 'meter', which no step"),
        ("  carries:", "  carry: []\n  carries:", "steps[3].carry: unknown key 'carry'"),
        ("- kind: said", "- kind: spoken", "'spoken' is not one of: said, done, note"),
        ("id: lebih-tagih", "id: Lebih_Tagih", "id: expected lowercase letters and digits"),
        ("- id: closed", "- id: 3closed", "steps[2].id: expected a name of letters, digits"),
        ("sopfsm: 1", "sopfsm: 2", "sopfsm: expected 1, not 2"),
    ],
)
def test_each_kind_of_mistake_is_located_with_what_was_expected(
    old: str, new: str, expected: str
) -> None:
    text = LEBIH_TAGIH.replace(old, new, 1)
    assert text != LEBIH_TAGIH
    (problem,) = [p for p in _problems(text) if expected in p]
    line = LEBIH_TAGIH[: LEBIH_TAGIH.index(old)].count("\n") + 1
    assert problem.startswith(f"draft.yaml:{line}:"), problem


def test_an_answer_no_branch_takes_is_located_at_the_branches() -> None:
    no_branch = "  - answer: 'no'\n    to: ask_meter_reading\n    per: A:lebih-tagih-one-answer\n"
    problems = _problems(LEBIH_TAGIH.replace(no_branch, ""))
    line = _line_of(LEBIH_TAGIH, "  branches:")
    assert (
        f"draft.yaml:{line}:3: steps[0].branches: no branch takes answer 'no' of "
        "'accepts_explanation'" in problems
    )
    assert any("no branch leads to step 'ask_meter_reading'" in p for p in problems)


def test_not_yaml_a_repeated_key_and_a_missing_field_are_located() -> None:
    (problem,) = _problems("sopfsm: 1\nsteps: [\n")
    assert problem.startswith("draft.yaml:3:1: not valid YAML")
    (problem,) = _problems(LEBIH_TAGIH.replace("clause: 5B\n", "clause: 5B\nclause: 5A\n"))
    line = _line_of(LEBIH_TAGIH, "clause: 5B") + 1
    assert problem == f"draft.yaml:{line}:1: 'clause' is given twice"
    (problem,) = _problems(LEBIH_TAGIH.replace("source: SOP-CSO-PLN123-2020-04-10.txt\n", ""))
    assert problem.endswith("'source' is a required property")


THREE_MISTAKES = (DOCS / "examples" / "draft-with-mistakes.yaml").read_text("utf-8")


def test_a_file_with_three_mistakes_gets_three_located_messages_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "callback.yaml"
    path.write_text(THREE_MISTAKES, encoding="utf-8")
    for command in (["audit"], ["run"], ["show"], ["render", "--out", str(tmp_path / "d")]):
        assert main([*command, str(path)]) == 2
        err = capsys.readouterr().err
        located = [line for line in err.splitlines() if line.startswith(f"{path}:")]
        assert located == [
            f"{path}:10:35: steps[0].ask.type: 'yes-or-no' is not one of: {TYPES}",
            f"{path}:12:25: steps[0].branches[0].to: no step 'called_back'; steps: ask_callback, "
            "ask_reading, closed",
            f"{path}:22:12: steps[2].outcome: 'APKT_CLOSED' is not one of: {OUTCOMES}",
        ]
        assert err.startswith(f"sopfsm: error: 3 problems in SOP file {path}:\n")
    assert not (tmp_path / "d").exists()  # refused before anything ran


def test_a_missing_file_or_an_unknown_suffix_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(sopfsm.SopFileError, match="cannot read"):
        load_sop(tmp_path / "absent.yaml")
    (tmp_path / "sop.txt").write_text("x", encoding="utf-8")
    with pytest.raises(sopfsm.SopFileError, match=r"a SOP file ends in \.yaml, \.yml"):
        sop_from_argument(str(tmp_path / "sop.txt"))
    with pytest.raises(sopfsm.UnknownSop):
        sop_from_argument("lebih_tagih")  # an id, not a path: the catalogue's own error


def test_a_file_loaded_twice_unchanged_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "lt.yaml"
    path.write_text(LEBIH_TAGIH, encoding="utf-8")
    assert load_sop(path) is load_sop(str(path))
    path.write_text(LEBIH_TAGIH.replace("Keluhan Lebih Tagih", "Lebih Tagih"), encoding="utf-8")
    assert load_sop(path).title.id == "Lebih Tagih"


def test_an_export_for_call_platforms_is_not_mistaken_for_a_sop_file() -> None:
    for suffix in (".json", ".scxml"):
        with pytest.raises(sopfsm.SopFileError, match=r"a SOP file ends in \.yaml"):
            sop_from_argument(str(DOCS / "sops" / f"lebih-tagih{suffix}"))


def test_unquoted_yes_and_dates_are_read_as_the_text_written() -> None:
    text = LEBIH_TAGIH.replace("version: '2020-04-10'", "version: 2020-04-10")
    text = text.replace("answer: 'yes'", "answer: yes")
    assert text.count("'") < LEBIH_TAGIH.count("'")
    assert read_yaml(text, "plain.yaml") == get_sop("lebih-tagih")
    (problem,) = _problems(LEBIH_TAGIH.replace("answer: 'yes'", "answer: true"))
    assert problem.endswith("answer: expected text or a whole number, not True")


def test_export_all_writes_what_docs_sops_holds_and_export_needs_a_sop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--all", str(tmp_path)]) == 0
    for path in (DOCS / "sops").iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()
    capsys.readouterr()
    assert main(["export"]) == 2
    assert "name a SOP to export" in capsys.readouterr().err
    assert main(["export", "lebih-tagih", "--all", str(tmp_path)]) == 2
    assert main(["export", "lebih-tagih", "--format", "statechart-json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "lebih-tagih"
