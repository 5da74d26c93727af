"""SOP files in YAML: read with every value's line and column, and written from a SopSpec.

Reading composes PyYAML's node tree (rather than loading plain data) so that each value
keeps its position, and a mistake anywhere is reported at its ``file:line:column``. Only
``true``/``false`` are booleans: ``yes``/``no`` stay the strings a SOP author means.
"""

from __future__ import annotations

from typing import Any

import yaml

from sopfsm.errors import SopFileError, SopFileProblem
from sopfsm.formats.interpret import spec_from_document
from sopfsm.formats.located import Located, Path, document_of
from sopfsm.model import SopSpec

# libyaml's parser when PyYAML was built with it: five times faster, the same nodes.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]  # chosen at import
    """YAML 1.1 reads ``yes``, ``no``, ``on`` and ``off`` as booleans; a SOP file does not."""


# Nor is 2020-04-10 a date object: a version or an effective date stays the text written.
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, pattern)
        for tag, pattern in resolvers
        if not (tag == "tag:yaml.org,2002:bool" and first not in "tTfF")
        and tag != "tag:yaml.org,2002:timestamp"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(text: str, file: str = "<sop>") -> SopSpec:
    """The SOP that YAML ``text`` describes; :class:`SopFileError` locating each mistake."""
    return spec_from_document(parse_yaml(text, file))


def parse_yaml(text: str, file: str = "<sop>") -> Located:
    """``text`` as plain data, with the position of every value and key."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"not valid YAML: {error.problem or error.context}"
        raise SopFileError(file, [SopFileProblem(file, line, column, message)]) from None
    finally:
        loader.dispose()
    located = Located(file)
    if root is None:
        located.data = None
        return located
    problems: list[SopFileProblem] = []
    located.data = _walk(loader, root, (), located, problems)
    if problems:
        raise SopFileError(file, problems)
    return located


def _walk(
    loader: _Loader, node: yaml.Node, path: Path, located: Located, problems: list[SopFileProblem]
) -> Any:
    located.at[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _walk(loader, key_node, (*path, "<key>"), located, problems)
            if not isinstance(key, str | int) or isinstance(key, bool):
                line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                problems.append(SopFileProblem(located.file, line, column, "a key must be text"))
                continue
            key = str(key)
            located.keys[(*path, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            if key in mapping:
                line, column = located.keys[(*path, key)]
                message = f"{key!r} is given twice"
                problems.append(SopFileProblem(located.file, line, column, message))
            mapping[key] = _walk(loader, value_node, (*path, key), located, problems)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk(loader, item, (*path, index), located, problems)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node)


def sop_to_yaml(sop: SopSpec) -> str:
    """The SOP file of ``sop``: loading it back gives a SOP equal to ``sop``."""
    header = (
        f"# SOP {sop.sop_id} (clause {sop.clause}), a sopfsm SOP file.\n"
        "# Schema: docs/sop.schema.json (in the package: sopfsm/formats/schemas/).\n"
    )
    body = yaml.dump(
        document_of(sop),
        Dumper=yaml.SafeDumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
        default_flow_style=False,
    )
    return header + body
