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


_Base: type = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
"""libyaml's parser (C) where PyYAML was built with it, else the pure-Python one (about 30 times
slower: 40,000 assets in ~90 s instead of ~3 s). The constructors (YAML scalar -> Python value)
are PyYAML's safe ones either way."""


def _unreadable(node: yaml.Node) -> yaml.constructor.ConstructorError:
    """The YAML error for a value that cannot be read as its tag says, at the value's line."""
    value = node.value if isinstance(node, yaml.ScalarNode) else ""
    shown = value if len(value) <= 40 else value[:40] + "..."
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    return yaml.constructor.ConstructorError(
        None, None, f"cannot read {shown!r} as {tag}", node.start_mark
    )


_READ_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader whose values that cannot be read as their tag says (``!!int abc``, an
    integer of 5,000 digits, ``!!timestamp x``, ``!!bool maybe``) are YAML errors at their line,
    not ``ValueError``/``KeyError``/``AttributeError`` from deep inside PyYAML."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except _READ_ERRORS:
            raise _unreadable(node) from None


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)
"""YAML 1.2 reads ``1e3`` and ``3.0e9`` as numbers; PyYAML (YAML 1.1) reads them as text unless
the exponent has a sign. Numbers are strict (text is not a number), so accept both forms."""

_OPEN = None
"""An anchor whose collection is still open: an alias to it refers to its own container."""

_Y = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE, _VALUE = (_Y + t for t in ("str", "map", "seq", "merge", "value"))
_PLAIN_SCALARS = frozenset(_Y + t for t in ("null", "bool", "int", "float", "timestamp", "binary"))
"""Scalar tags whose safe constructor reads the scalar alone (no generator, no child nodes)."""
_NOT_BUILT = object()
"""A key this pass does not build (a ``<<`` merge key): the document is composed instead."""


def _fail(problem: str, event: yaml.Event) -> None:
    raise yaml.composer.ComposerError(None, None, problem, event.start_mark)


_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})\Z")
_DECIMAL_FLOAT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
"""Plain numbers that Python's ``int``/``float`` read exactly as PyYAML's constructors do (no
``_``, no base prefix, no leading zero, no sexagesimal, no ``.inf``): read without a node."""
_CACHED = 4096
"""Most distinct plain scalars remembered per kind (keys, values): a big scenario repeats its
keys and many numbers; the values are immutable (text, numbers, booleans, dates)."""


def _scalar_reader(loader: _Loader):
    """``read(event, is_key)``: the value PyYAML's safe loader gives a scalar event (the same
    implicit resolvers, the same constructors), without composing a node for text."""
    wild = list(loader.yaml_implicit_resolvers.get(None, []))
    by_first = {
        k: list(v) + wild for k, v in loader.yaml_implicit_resolvers.items() if k is not None
    }
    constructors = loader.yaml_constructors
    scalar_node = yaml.ScalarNode
    int_tag, float_tag = _Y + "int", _Y + "float"
    cache: tuple[dict[str, Any], dict[str, Any]] = ({}, {})  # values, keys

    def read(ev: yaml.ScalarEvent, is_key: bool) -> Any:
        tag, value = ev.tag, ev.value
        if tag is None:
            if not ev.implicit[0]:
                return value  # quoted: text
            seen = cache[is_key]
            if value in seen:
                return seen[value]
            out = _read(ev, None, value, is_key)
            if len(seen) < _CACHED:
                seen[value] = out
            return out
        return _read(ev, tag, value, is_key)

    def _read(ev: yaml.ScalarEvent, tag: str | None, value: str, is_key: bool) -> Any:
        if tag is None or tag == "!":
            tag = _STR
            if ev.implicit[0]:
                for t, regexp in by_first.get(value[0] if value else "", wild):
                    if regexp.match(value):
                        tag = t
                        break
        if tag == _STR:
            return value
        if tag == float_tag and _DECIMAL_FLOAT.match(value):
            return float(value)
        if tag == int_tag and _DECIMAL_INT.match(value):
            return int(value)
        if is_key and tag == _MERGE:
            return _NOT_BUILT
        if is_key and tag == _VALUE:  # PyYAML's flatten_mapping reads a ``=`` key as text
            return value
        node = scalar_node(tag, value, ev.start_mark, ev.end_mark, ev.style)
        if tag not in _PLAIN_SCALARS:
            return loader.construct_object(node, deep=True)  # !!python/... refused there
        try:
            return constructors[tag](loader, node)
        except _READ_ERRORS:
            raise _unreadable(node) from None

    return read


def _scan(text: str) -> tuple[Any, dict[PathKey, int], bool]:
    """One pass over the parser's events that checks every limit before any value is kept
    beyond what the file itself spells out: refuse more than ``MAX_YAML_NODES`` nodes (aliases
    counted as the nodes they stand for, so an alias bomb of a few hundred bytes is refused
    after a million steps, not 10^9), nesting deeper than ``MAX_YAML_DEPTH`` (directly or
    through aliases), an alias inside the node it names, undefined or duplicate anchors,
    mapping keys that are not plain scalars, duplicate keys (YAML silently keeps the last one)
    and more than one document.

    Returns ``(data, lines, built)``: the document as PyYAML's safe loader reads it (an alias
    is the very object of its anchor, as there), the YAML path -> 1-based line of every node (a
    key's line winning over its value's; paths through an alias get the lines of the anchored
    nodes), and whether ``data`` was built: a ``<<`` merge key or a tag on a mapping or list
    other than ``!!map``/``!!seq`` is left to PyYAML's composer and constructor (``data`` is
    then None). Iterative and linear in the expanded size: no recursion on deep files; one
    parse, no node tree."""
    ev_scalar, ev_alias = yaml.ScalarEvent, yaml.AliasEvent
    ev_map, ev_seq = yaml.MappingStartEvent, yaml.SequenceStartEvent
    ev_ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    ev_doc = yaml.DocumentStartEvent
    lines: dict[PathKey, int] = {}
    order: list[PathKey] = []  # paths in the order first seen (anchors copy slices of it)
    # anchor -> (size, levels, path, first, last, line, scalar text or None, value); _OPEN while
    # its collection is open
    anchors: dict[str, tuple | None] = {}
    # open collections: [is_map, path, expect_key, keys, next_index, size, levels, anchor,
    #                    first_order, line, value (dict or list), pending key, its path part]
    stack: list[list] = []
    expanded = 0
    aliased = False
    built = True
    root: Any = None
    document: yaml.Event | None = None
    loader = _Loader(text)
    read_scalar = _scalar_reader(loader)
    try:
        while loader.check_event():
            ev = loader.get_event()
            kind = type(ev)
            if kind in ev_ends:
                f = stack.pop()
                size, levels = 1 + f[5], 1 + f[6]
                if f[7] is not None:
                    anchors[f[7]] = (size, levels, f[1], f[8], len(order), f[9], None, f[10])
                if stack:
                    top = stack[-1]
                    top[5] += size
                    if levels > top[6]:
                        top[6] = levels
                continue
            if kind is ev_doc:
                if document is not None:
                    raise yaml.composer.ComposerError(
                        "expected a single document in the stream",
                        document.start_mark,
                        "but found another document",
                        ev.start_mark,
                    )
                document = ev
                continue
            if (
                kind is not ev_scalar
                and kind is not ev_alias
                and kind is not ev_map
                and (kind is not ev_seq)
            ):
                continue  # stream and document end events
            anchor_rec = None
            value: Any = None
            if kind is ev_alias:
                if ev.anchor not in anchors:
                    _fail(f"found undefined alias {ev.anchor!r}", ev)
                anchor_rec = anchors[ev.anchor]
                if anchor_rec is _OPEN:
                    _fail("an alias refers to the node that contains it", ev)
                aliased = True
                expanded += anchor_rec[0]
                if len(stack) + anchor_rec[1] > MAX_YAML_DEPTH + 1:
                    _fail(f"aliases nest deeper than {MAX_YAML_DEPTH} levels", ev)
                value = anchor_rec[7]
            else:
                expanded += 1
                if ev.anchor is not None and ev.anchor in anchors:
                    _fail(f"found duplicate anchor {ev.anchor!r}", ev)
            if expanded > MAX_YAML_NODES:
                what = "aliases expand to more than" if aliased else "more than"
                _fail(f"{what} {MAX_YAML_NODES:,} YAML nodes", ev)
            line = ev.start_mark.line + 1
            top = stack[-1] if stack else None
            if top is None:
                path: PathKey = ()
            elif top[0] and top[2]:  # a mapping key
                if kind is ev_scalar:
                    key = ev.value
                elif anchor_rec is not None and anchor_rec[6] is not None:
                    key = anchor_rec[6]
                else:
                    _fail("a mapping key must be a plain name, not a list or mapping", ev)
                if key in top[3]:
                    _fail(f"duplicate key {key!r}", ev)
                top[3].add(key)
                top[2] = False
                top[5] += anchor_rec[0] if anchor_rec is not None else 1
                if top[6] < 1:
                    top[6] = 1
                path = (*top[1], key)
                if path not in lines:
                    order.append(path)
                lines[path] = line  # a key's line wins over its value's
                top[12] = key  # the value's path part, taken by the value
                if built:
                    if kind is ev_scalar:
                        value = read_scalar(ev, True)
                    if value is _NOT_BUILT:
                        built = False
                    else:
                        try:
                            seen = value in top[10]
                        except TypeError:
                            _fail("found unhashable key", ev)
                        if seen:  # two spellings of one key: ``1`` and ``0x1``, ``y`` and ``yes``
                            _fail(f"duplicate key {key!r} (the same as an earlier key)", ev)
                        top[11] = value
                if kind is ev_scalar and ev.anchor is not None:
                    anchors[ev.anchor] = (1, 1, path, len(order), len(order), line, key, value)
                continue
            elif top[0]:
                path = (*top[1], top[12])
                top[2] = True
            else:
                path = (*top[1], top[4])
                top[4] += 1
            if path not in lines:  # a mapping value has its key's line already
                order.append(path)
                lines[path] = line if anchor_rec is None else anchor_rec[5]
            if kind is ev_map or kind is ev_seq:
                if len(stack) >= MAX_YAML_DEPTH:
                    _fail(f"nested deeper than {MAX_YAML_DEPTH} levels", ev)
                if built:
                    tag = ev.tag
                    if tag is None or tag == "!" or tag == (_MAP if kind is ev_map else _SEQ):
                        value = {} if kind is ev_map else []
                    else:
                        built = False  # !!set, !!omap, !!pairs, !!python/...: PyYAML decides
                if ev.anchor is not None:
                    anchors[ev.anchor] = _OPEN
            elif kind is ev_scalar:
                if built:
                    value = read_scalar(ev, False)
                if ev.anchor is not None:
                    anchors[ev.anchor] = (1, 1, path, len(order), len(order), line, ev.value, value)
            else:
                size, levels, apath, first, last = anchor_rec[:5]
                cut = len(apath)
                for k in order[first:last]:
                    q = path + k[cut:]
                    if q not in lines:
                        order.append(q)
                        lines[q] = lines[k]
            if top is not None:
                if kind is ev_alias:
                    top[5] += anchor_rec[0]
                    if anchor_rec[1] > top[6]:
                        top[6] = anchor_rec[1]
                elif kind is ev_scalar:
                    top[5] += 1
                    if top[6] < 1:
                        top[6] = 1
                if built:
                    if top[0]:
                        top[10][top[11]] = value
                    else:
                        top[10].append(value)
            elif built:
                root = value
            if kind is ev_map or kind is ev_seq:
                stack.append([kind is ev_map, path, True, set(), 0, 0, 0, ev.anchor,
                              len(order), line, value, None, None])  # fmt: skip
    finally:
        loader.dispose()
    return (root if built else None), lines, built


_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


def read_yaml(path: str | Path) -> tuple[Any, dict[PathKey, int]]:
    """Parse a YAML file; return its data and a map from YAML path to 1-based line number.

    Raises ``InputError`` for a missing, unreadable, non-regular or too large file, invalid
    YAML, control characters, aliases that expand too far or refer to themselves, too deep
    nesting, complex or duplicate keys, more than one document, values that cannot be read as
    their tag says (``!!python/...`` among them). One pass over libyaml's events (``_scan``)
    checks every limit as it goes and builds the values PyYAML's safe loader would, with the
    garbage collector paused (its passes over the growing tree cost more than the parse): 40,000
    assets in about 2 s instead of 5 s for parse, compose and construct. Only a document with a
    ``<<`` merge key or a tagged collection is composed and constructed by PyYAML after that
    pass has checked it.
    """
    import gc

    from iads.io.files import read_regular

    raw = read_regular(path, MAX_YAML_BYTES, "YAML file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text (byte {exc.start + 1})"
        raise InputError(reason, file=str(path)) from None
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        reason = (
            f"invalid YAML: character U+{ord(bad.group()):04X} is not allowed (a control character)"
        )
        raise InputError(reason, file=str(path), line=line)
    loader = None
    paused = gc.isenabled()
    gc.disable()
    try:
        data, lines, built = _scan(text)
        if not built:
            loader = _Loader(text)
            node = loader.get_single_node()
            data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = f"invalid YAML: {exc.problem or exc.context}"
        raise InputError(reason, file=str(path), line=line) from None
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"invalid YAML: {first}", file=str(path)) from None
    except RecursionError:  # not reached with MAX_YAML_DEPTH; a last guard
        raise InputError("invalid YAML: nested too deeply", file=str(path)) from None
    finally:
        if loader is not None:
            loader.dispose()
        if paused:
            gc.enable()
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
