"""Read a YAML definition file safely, keeping the line and column of every key and value.

YAML is untrusted input. This reader:

- refuses files above a size cap before parsing them;
- requires UTF-8 text and reports the first bad byte's position;
- refuses anchors and aliases (nested aliases expand without bound: "billion laughs");
- reports duplicate keys, which PyYAML would silently drop;
- refuses explicit tags other than YAML's plain ones (no `!!python/object`);
- resolves plain scalars by the YAML 1.2 core schema, not YAML 1.1: `NO`, `on`, `yes` stay
  text, `0123` and `1:30` stay text, so a key that needs a boolean or a number reports the
  value instead of silently reading `NO` as false or `1:30` as 90.

Problems are returned as findings; nothing here raises for bad input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from opsgov.issues import Issue, Location, make_issue

MAX_BYTES = 1_000_000
"""Largest definition file read; frameworks with a hundred KPIs are well under 100 KB."""
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings accepted."""
MAX_NUMBER = 1e15
"""Largest number a definition may hold: every value must survive conversion to a float and
to JSON, and no real target, weight or rate comes near it."""

PathKey = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_ALLOWED_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _SEQ, _MAP}


class _CoreResolver(BaseResolver):
    """YAML 1.2 core schema, minus integers with leading zeros (kept as text: ids like 0123)."""


_CoreResolver.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreResolver.add_implicit_resolver(
    _INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_CoreResolver.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_CoreResolver.add_implicit_resolver(
    _NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class _AliasRefusedError(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("alias")
        self.mark = mark


class _Loader(Reader, Scanner, Parser, Composer, _CoreResolver):
    """PyYAML's pure-Python parser and composer with the core resolver; aliases refused."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _CoreResolver.__init__(self)

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _AliasRefusedError(event.start_mark)
        node: Node | None = super().compose_node(parent, index)
        return node


class _FastLoader(Composer, CParser, _CoreResolver):
    """libyaml's C scanner and parser under PyYAML's composer and the core resolver.

    The same nodes at the same marks, six to seven times faster; used only for text without
    what the two parsers read differently (`_SLOW_PATH`, `_has_empty_plain`).
    """

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        Composer.__init__(self)
        _CoreResolver.__init__(self)

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            event: Any = self.peek_event()
            raise _AliasRefusedError(event.start_mark)
        node: Node | None = super().compose_node(parent, index)
        return node


_SLOW_PATH = re.compile(r"[\t\r?\x85\u2028\u2029]|[|>][-+0-9]*#")
"""Where libyaml and PyYAML's own parser disagree (tabs as separators, `?` in flow
collections, the extra line breaks, a comment touching a block scalar's indicator): text
holding any of them takes the pure-Python path, so that every finding, position and message is
PyYAML's."""


def _compose(text: str, *, fast: bool) -> Node | None:
    """The document's root node, with PyYAML's messages for every problem.

    With `fast`, libyaml composes text without the characters the two parsers read
    differently; anything it refuses is composed again by the pure-Python loader, whose
    messages and marks the findings quote (libyaml also refuses some text PyYAML accepts, such
    as `:` inside plain flow scalars: the second pass accepts it).
    """
    if fast and _SLOW_PATH.search(text) is None:
        quick: _FastLoader | None = None
        try:
            quick = _FastLoader(text)
            node: Node | None = quick.get_single_node()
            return node
        except (yaml.YAMLError, _AliasRefusedError, RecursionError):
            pass
        finally:
            if quick is not None:
                quick.dispose()
    loader = _Loader(text)
    try:
        slow: Node | None = loader.get_single_node()
        return slow
    finally:
        loader.dispose()


def _has_empty_plain(node: Node) -> bool:
    """Whether any value is an empty plain scalar (`key:` with nothing after it).

    libyaml marks an empty value in a flow mapping one column before PyYAML does, so a
    document holding one is composed again by PyYAML for its positions.
    """
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ScalarNode):
            if item.value == "" and not item.style:  # libyaml's plain style is ""
                return True
        elif isinstance(item, SequenceNode):
            stack.extend(item.value)
        elif isinstance(item, MappingNode):
            stack.extend(value for _, value in item.value)
    return False


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: plain data plus the position of every value and key."""

    file: str
    data: Any
    positions: Mapping[PathKey, tuple[int, int]] = field(repr=False)
    key_positions: Mapping[PathKey, tuple[int, int]] = field(repr=False)
    lines: tuple[str, ...] = field(repr=False)

    def locate(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of the value at `path` (of its key with `key=True`).

        Falls back to the nearest enclosing node that has a position, so a missing key is
        reported where its parent mapping starts.
        """
        table = self.key_positions if key else self.positions
        if key and path not in table:
            table = self.positions
        probe = path
        while probe and probe not in table:
            probe = probe[:-1]
        line, col = table.get(probe, (1, 1))
        return Location(file=self.file, line=line, column=col, path=dotted(path) or None)

    def get(self, path: PathKey) -> Any:
        """The value at `path`, or None where the path does not exist."""
        node: Any = self.data
        for part in path:
            if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):  # noqa: SIM114 - two branches keep mypy's narrowing
                node = node[part]
            elif isinstance(part, str) and isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return None
        return node


def dotted(path: PathKey) -> str:
    """`("kpis", 3, "target")` as `kpis[3].target`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class _Builder:
    file: str
    issues: list[Issue] = field(default_factory=list)
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def loc(self, mark: yaml.Mark, path: PathKey) -> Location:
        return Location(
            file=self.file, line=mark.line + 1, column=mark.column + 1, path=dotted(path) or None
        )

    def build(self, node: Node, path: PathKey, depth: int = 0) -> Any:
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if depth > MAX_DEPTH:
            self.issues.append(
                make_issue(
                    "D109",
                    f"nesting deeper than {MAX_DEPTH} levels",
                    location=self.loc(node.start_mark, path),
                )
            )
            return None
        if node.tag not in _ALLOWED_TAGS:
            self.issues.append(
                make_issue(
                    "D108",
                    f"the tag {node.tag!r} is not allowed in a definition",
                    location=self.loc(node.start_mark, path),
                    hint="Remove the tag; write the value as plain YAML.",
                )
            )
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self.mapping(node, path, depth)
        return None  # pragma: no cover - PyYAML has no other node kinds

    def scalar(self, node: ScalarNode, path: PathKey) -> Any:
        text: str = node.value
        if node.tag == _STR:
            return text
        if node.tag == _NULL:
            return None
        if node.tag == _BOOL:
            return text.lower() == "true"
        try:
            number: int | float = int(text) if node.tag == _INT else float(text)
        except ValueError:
            self.issues.append(
                make_issue(
                    "D112",
                    f"{text[:40]!r} is tagged as a number but is not one",
                    location=self.loc(node.start_mark, path),
                )
            )
            return text
        if not (math.isfinite(number) and abs(number) <= MAX_NUMBER):
            self.issues.append(
                make_issue(
                    "D112",
                    f"{text[:40]} is too large a number: at most {MAX_NUMBER:g} either way",
                    location=self.loc(node.start_mark, path),
                    hint="A target or threshold this large is a typing mistake.",
                )
            )
            return None
        return number

    def mapping(self, node: MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.issues.append(
                    make_issue(
                        "D112",
                        "a mapping key must be plain text, not a list or mapping",
                        location=self.loc(key_node.start_mark, path),
                    )
                )
                continue
            key = key_node.value
            child = (*path, key)
            if key in out:
                self.issues.append(
                    make_issue(
                        "D101",
                        f"duplicate key {key!r}: first defined on line {first_seen[key]}; "
                        "a YAML reader would silently keep only the last value",
                        location=self.loc(key_node.start_mark, child),
                        field=key,
                        hint="Remove one of the two, or rename it.",
                    )
                )
                continue
            first_seen[key] = key_node.start_mark.line + 1
            self.key_positions[child] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            out[key] = self.build(value_node, child, depth + 1)
        return out


def _decode(raw: bytes, file: str) -> tuple[str | None, Issue | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, make_issue(
            "D104",
            f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8",
            location=Location(file=file, line=line, column=column),
            hint="Re-save the file as UTF-8 text.",
        )
    return text, None


def _marked_issue(exc: yaml.MarkedYAMLError, file: str) -> Issue:
    mark = exc.problem_mark or exc.context_mark
    location = (
        Location(file=file, line=mark.line + 1, column=mark.column + 1)
        if mark is not None
        else Location(file=file)
    )
    problem = exc.problem or "invalid YAML"
    if "'\\t'" in problem or "\\t" in problem:
        return make_issue(
            "D105",
            "a tab character is used for indentation or layout",
            location=location,
            hint="YAML allows only spaces for indentation: replace the tab with spaces.",
        )
    context = f"{exc.context}: " if exc.context else ""
    started = exc.context_mark
    if started is not None and mark is not None and started.line != mark.line:
        context += f"(it started on line {started.line + 1}) "
    return make_issue(
        "D100",
        f"{context}{problem}",
        location=location,
        hint="Check the line shown and the one before it: an unclosed quote or bracket, a "
        "missing colon or a bad indent. A file cut short ends like this too.",
    )


def parse_yaml(
    text: str, file: str, *, accelerated: bool = True
) -> tuple[YamlDocument | None, list[Issue]]:
    """Parse YAML text. Returns the document (None if unusable) and the findings.

    `accelerated` lets libyaml scan and parse where it reads the text exactly as PyYAML's
    own parser does (the same nodes, positions, findings and messages); False always uses
    the pure-Python parser.
    """
    try:
        root = _compose(text, fast=accelerated)
        if (
            accelerated
            and root is not None
            and _SLOW_PATH.search(text) is None
            and _has_empty_plain(root)
        ):
            root = _compose(text, fast=False)
    except _AliasRefusedError as exc:
        return None, [
            make_issue(
                "D102",
                "anchors and aliases are not allowed",
                location=Location(file=file, line=exc.mark.line + 1, column=exc.mark.column + 1),
                hint="Write the repeated values out in full.",
            )
        ]
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        return None, [
            make_issue(
                "D104",
                f"the file holds a control character YAML does not allow (U+{exc.character:04X})",
                location=Location(file=file, line=line, column=column),
                hint="The file looks binary or damaged. Re-save it as UTF-8 text.",
            )
        ]
    except yaml.MarkedYAMLError as exc:
        return None, [_marked_issue(exc, file)]
    except RecursionError:
        return None, [
            make_issue(
                "D109", "the document nests too deeply to read", location=Location(file=file)
            )
        ]
    if root is None:
        return None, [
            make_issue(
                "D106",
                "the file holds no YAML document",
                location=Location(file=file, line=1, column=1),
            )
        ]
    builder = _Builder(file)
    data = builder.build(root, ())
    doc = YamlDocument(
        file=file,
        data=data,
        positions=builder.positions,
        key_positions=builder.key_positions,
        lines=tuple(text.splitlines()),
    )
    return doc, builder.issues


def read_yaml(
    path: Path, display: str | None = None, max_bytes: int = MAX_BYTES
) -> tuple[YamlDocument | None, list[Issue]]:
    """Read and parse one YAML file; I/O problems come back as findings too."""
    file = display or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, [
                make_issue(
                    "D103",
                    f"the file is {size:,} bytes; definition files are capped at {max_bytes:,}",
                    location=Location(file=file),
                    hint="Check that this is the right file; split a very large definition.",
                )
            ]
        raw = path.read_bytes()[: max_bytes + 1]
    except OSError as exc:
        return None, [
            make_issue(
                "D148",
                f"cannot read the file: {exc.strerror or exc}",
                location=Location(file=file),
            )
        ]
    text, problem = _decode(raw, file)
    if text is None:
        return None, [problem] if problem else []
    return parse_yaml(text, file)
