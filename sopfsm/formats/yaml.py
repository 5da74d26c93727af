"""SOP files in YAML: read with every value's line and column, and written from a SopSpec.

Reading composes PyYAML's node tree (rather than loading plain data) so that each value
keeps its position, and a mistake anywhere is reported at its ``file:line:column``. Only
``true``/``false`` are booleans: ``yes``/``no`` stay the strings a SOP author means.
"""

from __future__ import annotations

from typing import Any, Final

import yaml

from sopfsm._memory import collector_paused
from sopfsm.errors import SopFileError, SopFileProblem, one_line
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


MAX_CHARACTERS: Final = 16_000_000
"""The longest SOP file read: a 10,000-step SOP is about 3 MB."""
MAX_DEPTH: Final = 32
"""How deep mappings and lists may nest, aliases expanded: a SOP file needs 6."""
MAX_ALIASES: Final = 1_000
"""Aliases (``*name``) a file may hold."""
MAX_VALUES: Final = 1_000_000
"""Values (mappings, lists, scalars and keys) a file may hold once its aliases are
expanded: bounded before anything is expanded, so a billion-laughs file is refused at
once instead of filling the memory."""

_CORE = "tag:yaml.org,2002:"
# The tags a SOP file may spell out (!!str 5B); any other, custom or Python, is refused.
ACCEPTED_TAGS: Final = tuple(
    f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)
_ACCEPTED = frozenset((*ACCEPTED_TAGS, None, "!"))


def read_yaml(text: str, file: str = "<sop>") -> SopSpec:
    """The SOP that YAML ``text`` describes; :class:`SopFileError` locating each mistake."""
    with collector_paused():
        return spec_from_document(parse_yaml(text, file))


class _Refused(Exception):
    """One located mistake that stops reading: the file is not read further."""

    def __init__(self, line: int, column: int, message: str) -> None:
        self.line, self.column, self.message = line, column, message


def _at(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def _tag_problem(tag: str) -> str:
    if tag == f"{_CORE}merge":
        return "the merge key << is not accepted: write the keys out"
    accepted = ", ".join(map(_tag_name, ACCEPTED_TAGS))
    return f"tag {one_line(_tag_name(tag), 60)} is not accepted; accepted: {accepted}"


def parse_yaml(text: str, file: str = "<sop>") -> Located:
    """``text`` as plain data, with the position of every value and key.

    The file's size, its nesting, its aliases and its tags are checked on the parser's
    events, before any node is built; the values aliases would expand to are counted on
    the nodes, before any is expanded.
    """
    try:
        if len(text) > MAX_CHARACTERS:
            raise _Refused(1, 1, f"larger than {MAX_CHARACTERS:,} characters")
        _check_events(text)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        if root is not None:
            _measure(root)
    except _Refused as refused:
        problem = SopFileProblem(file, refused.line, refused.column, refused.message)
        raise SopFileError(file, [problem]) from None
    except yaml.MarkedYAMLError as error:
        line, column = _at(error.problem_mark or error.context_mark)
        message = f"not valid YAML: {one_line(str(error.problem or error.context))}"
        raise SopFileError(file, [SopFileProblem(file, line, column, message)]) from None
    except yaml.YAMLError as error:  # the reader's: a character YAML does not allow
        position = getattr(error, "position", None)
        line, column = _position(text, position) if isinstance(position, int) else (1, 1)
        reason = getattr(error, "reason", None) or "unreadable"
        character = getattr(error, "character", None)
        if isinstance(character, str):
            reason = f"{reason}: character U+{ord(character):04X}"
        message = f"not valid YAML: {one_line(str(reason))}"
        raise SopFileError(file, [SopFileProblem(file, line, column, message)]) from None
    located = Located(file)
    if root is None:
        located.data = None
        return located
    problems: list[SopFileProblem] = []
    located.data = _walk(loader, root, (), located, problems)
    if problems:
        raise SopFileError(file, problems)
    return located


def _check_events(text: str) -> None:
    """Nesting, aliases and tags, from the parser's events: nothing is built yet."""
    loader = _Loader(text)
    depth = aliases = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Refused(*_at(event.start_mark), f"nested deeper than {MAX_DEPTH}")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _Refused(*_at(event.start_mark), f"more than {MAX_ALIASES} aliases")
            tag = getattr(event, "tag", None)
            if tag not in _ACCEPTED:
                raise _Refused(*_at(event.start_mark), _tag_problem(str(tag)))
    finally:
        loader.dispose()


def _measure(root: yaml.Node) -> None:
    """Refuse, before expanding anything, aliases that would expand past the bounds or
    into themselves; each node is measured once, however often it is an alias's target."""
    measured: dict[int, tuple[int, int]] = {}  # node -> (values, levels below it)
    open_nodes: set[int] = set()

    def too_deep(node: yaml.Node) -> _Refused:
        return _Refused(*_at(node.start_mark), f"nested deeper than {MAX_DEPTH}")

    def measure(node: yaml.Node, depth: int) -> tuple[int, int]:
        key = id(node)
        if key in measured:
            if depth + measured[key][1] > MAX_DEPTH:  # reached again, through an alias
                raise too_deep(node)
            return measured[key]
        if depth > MAX_DEPTH:
            raise too_deep(node)
        if key in open_nodes:
            raise _Refused(*_at(node.start_mark), "an alias refers to the value holding it")
        if isinstance(node, yaml.SequenceNode):
            children: list[yaml.Node] = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        open_nodes.add(key)
        values, below = 1, 0
        for child in children:
            child_values, child_below = measure(child, depth + 1)
            values += child_values
            below = max(below, child_below + 1)
        open_nodes.discard(key)
        if values > MAX_VALUES:
            raise _Refused(
                *_at(node.start_mark), f"more than {MAX_VALUES:,} values once aliases expand"
            )
        measured[key] = (values, below)
        return values, below

    measure(root, 0)


def _walk(
    loader: _Loader, node: yaml.Node, path: Path, located: Located, problems: list[SopFileProblem]
) -> Any:
    located.at[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag not in _ACCEPTED:  # a key << or a value = resolves to a tag of its own
        line, column = _at(node.start_mark)
        problems.append(SopFileProblem(located.file, line, column, _tag_problem(node.tag)))
        return None
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _walk(loader, key_node, (*path, "<key>"), located, problems)
            if key_node.tag not in _ACCEPTED:
                continue  # reported
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
                message = f"{one_line(repr(key), 60)} is given twice"
                problems.append(SopFileProblem(located.file, line, column, message))
            mapping[key] = _walk(loader, value_node, (*path, key), located, problems)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk(loader, item, (*path, index), located, problems)
            for index, item in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node)
    except (yaml.YAMLError, ValueError, KeyError, TypeError, AttributeError, OverflowError):
        # !!int 0xZZ, !!bool maybe, a 5,000-digit number: a value its tag cannot be.
        line, column = _at(node.start_mark)
        value = one_line(repr(node.value), 60)
        message = f"{value} is not a valid {_tag_name(node.tag)}"
        problems.append(SopFileProblem(located.file, line, column, message))
        return None


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
