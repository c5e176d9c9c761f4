"""YAML reading that remembers the line of every node, for errors that point at the line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from iads.errors import InputError

PathKey = tuple[str | int, ...]


MAX_YAML_BYTES = 32 * 1024 * 1024
"""Largest scenario or catalog file read (bytes); 40,000 assets take about 4 MiB."""
MAX_YAML_DEPTH = 64
"""Deepest nesting of mappings and lists accepted (a scenario needs about 8)."""
MAX_YAML_NODES = 1_000_000
"""Most YAML nodes (scalars, mappings, lists) in one file."""


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses, while composing: nesting deeper than ``MAX_YAML_DEPTH``
    (recursion), more than ``MAX_YAML_NODES`` nodes, mapping keys that are not plain scalars
    (a list or mapping as a key) and duplicate keys (YAML silently keeps the last one).
    Aliases are checked by ``_check_expansion`` once the node graph is composed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(
                None, None, f"more than {MAX_YAML_NODES:,} YAML nodes", event.start_mark
            )
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._depth += 1
            if self._depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_YAML_DEPTH} levels", event.start_mark
                )
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        node = super().compose_mapping_node(anchor)
        seen: set[str] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.composer.ComposerError(
                    None, None, "a mapping key must be a plain name, not a list or mapping",
                    key_node.start_mark,
                )  # fmt: skip
            if key_node.value in seen:
                raise yaml.composer.ComposerError(
                    None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                )
            seen.add(key_node.value)
        return node


_SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)
"""YAML 1.2 reads ``1e3`` and ``3.0e9`` as numbers; PyYAML (YAML 1.1) reads them as text unless
the exponent has a sign. Numbers are strict (text is not a number), so accept both forms."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [v for _, v in node.value]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases (``*name``) expand it beyond ``MAX_YAML_NODES`` nodes
    or ``MAX_YAML_DEPTH`` levels, or refer to themselves: an alias bomb (each level repeating
    the one before) is a few hundred bytes and billions of nodes. Sizes are counted on the
    node graph, each shared node once, iteratively, before anything walks the document."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        k = id(node)
        if done:
            kids = _children(node)
            size[k] = 1 + sum(size[id(c)] for c in kids)
            depth[k] = 1 + max((depth[id(c)] for c in kids), default=0)
            open_.discard(k)
            if size[k] > MAX_YAML_NODES:
                raise yaml.composer.ComposerError(
                    None, None, f"aliases expand to more than {MAX_YAML_NODES:,} YAML nodes",
                    node.start_mark,
                )  # fmt: skip
            if depth[k] > MAX_YAML_DEPTH + 1:
                raise yaml.composer.ComposerError(
                    None, None, f"aliases nest deeper than {MAX_YAML_DEPTH} levels",
                    node.start_mark,
                )  # fmt: skip
            continue
        if k in size:
            continue
        if k in open_:
            raise yaml.composer.ComposerError(
                None, None, "an alias refers to the node that contains it", node.start_mark
            )
        open_.add(k)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node))


def _line_map(root: yaml.Node | None) -> dict[PathKey, int]:
    """YAML path -> 1-based line of every node; iterative (no recursion on deep files)."""
    out: dict[PathKey, int] = {}
    stack: list[tuple[yaml.Node, PathKey]] = [] if root is None else [(root, ())]
    while stack:
        node, path = stack.pop()
        out.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = (*path, key_node.value)
                out[key] = key_node.start_mark.line + 1  # a key's line wins over its value's
                stack.append((value_node, key))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
    return out


def read_yaml(path: str | Path) -> tuple[Any, dict[PathKey, int]]:
    """Parse a YAML file; return its data and a map from YAML path to 1-based line number.

    Raises ``InputError`` for a missing, unreadable, non-regular or too large file, invalid
    YAML, aliases that expand too far or refer to themselves, too deep nesting, complex or
    duplicate keys.
    """
    from iads.io.files import read_regular

    raw = read_regular(path, MAX_YAML_BYTES, "YAML file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text (byte {exc.start + 1})"
        raise InputError(reason, file=str(path)) from None
    loader = None
    try:
        loader = _SafeLoader(text)  # the reader refuses control characters here
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node)
        lines = _line_map(node)
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = f"invalid YAML: {exc.problem or exc.context}"
        raise InputError(reason, file=str(path), line=line) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        ch = exc.character
        code = ch if isinstance(ch, int) else ord(ch)
        reason = f"invalid YAML: character U+{code:04X} is not allowed (a control character)"
        raise InputError(reason, file=str(path), line=line) from None
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"invalid YAML: {first}", file=str(path)) from None
    except RecursionError:  # not reached with MAX_YAML_DEPTH; a last guard
        raise InputError("invalid YAML: nested too deeply", file=str(path)) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines


def line_of(lines: dict[PathKey, int], loc: PathKey) -> int | None:
    """The line of the deepest known prefix of ``loc`` (pydantic locations may go deeper)."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def format_path(loc: PathKey) -> str:
    """A YAML path as users read it: ``batteries[0].radars[1].type``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"
