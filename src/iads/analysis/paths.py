"""Scenario fields addressed by path, and value lists, for sweeps.

A path walks the validated scenario: ``raids.0.count``, ``raids[0].count``,
``raids[name=CM].count`` (the list item whose ``name`` is ``CM``; case-insensitive if that is
unique), ``batteries.0.command_post.salvo_size``, ``batteries.0.launchers.0.loadout.48N6-class``,
``settings.<field>`` (any field the scenario model has). Model fields must exist (an unknown one
is an error listing the known ones); free mappings (``overrides``, ``loadout``) take new keys.

Values: ``8,16,32``; ``8:512:x2`` (8, 16, ... up to 512, doubling); ``0:60:+15`` or ``0:60:15``
(arithmetic, end included when hit); each item is read as YAML (``true``, ``salvo``, ``1.5``);
a whole YAML flow list ``[[0, 10], [0, 60]]`` for list-valued fields.

``apply_values`` changes the scenario data and validates the result again (the model, then the
cross-references of ``iads.scenario.load``), so an error names the path and the value.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from iads.errors import InputError
from iads.scenario.model import Scenario
from iads.scenario.yamlio import format_path

MAX_VALUES = 10_000
"""Most values one ``--vary`` range may expand to (a guard against typos such as ``1:1e9:1``)."""

Segment = str | int | tuple[str, str]
_TOKEN = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)|(\.)")


def parse_path(path: str, option: str = "--vary") -> list[Segment]:
    """Split a path into segments: field names (str), list indices (int), ``(key, value)``
    selectors from ``[key=value]``."""
    out: list[Segment] = []
    pos = 0
    text = path.strip()
    if not text:
        raise InputError("empty field path", field=option)
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise InputError(f"{path}: cannot read the path at {text[pos:]!r}", field=option)
        pos = m.end()
        bracket, word, _dot = m.groups()
        if bracket is not None:
            if "=" in bracket:
                key, _, value = bracket.partition("=")
                out.append((key.strip(), value.strip()))
            elif bracket.strip().lstrip("-").isdigit():
                out.append(int(bracket))
            else:
                out.append(bracket.strip())
        elif word is not None:
            out.append(int(word) if word.isdigit() else word)
    return out


def _select(items: list[Any], key: str, value: str, where: str, option: str) -> int:
    def name_of(item: Any) -> str:
        return str(getattr(item, key, item.get(key) if isinstance(item, dict) else None))

    names = [name_of(it) for it in items]
    hits = [i for i, n in enumerate(names) if n == value]
    if not hits:
        hits = [i for i, n in enumerate(names) if n.lower() == value.lower()]
    if len(hits) != 1:
        known = ", ".join(names) or "none"
        what = "no item" if not hits else "more than one item"
        raise InputError(f"{where}: {what} with {key}={value} ({key}s: {known})", field=option)
    return hits[0]


def resolve(scenario: Scenario, path: str, option: str = "--vary") -> tuple[Any, ...]:
    """The concrete location of ``path`` in ``scenario.model_dump()``: field names and list
    indices, selectors resolved. Raises InputError naming the path if it does not exist."""
    node: Any = scenario
    loc: list[str | int] = []
    for seg in parse_path(path, option):
        where = f"{path}: {format_path(tuple(loc)) if loc else '(top level)'}"
        if isinstance(node, list | tuple):
            if isinstance(seg, tuple):
                seg = _select(list(node), seg[0], seg[1], where, option)
            if not isinstance(seg, int):
                raise InputError(f"{where} is a list: index it with .N or [name=...]", field=option)
            if not -len(node) <= seg < len(node):
                raise InputError(f"{where} has {len(node)} items, no index {seg}", field=option)
            seg = seg % len(node)
            node = node[seg]
        elif isinstance(node, BaseModel):
            name = str(seg) if not isinstance(seg, tuple) else f"{seg[0]}={seg[1]}"
            fields = type(node).model_fields
            if name not in fields:
                known = ", ".join(fields)
                raise InputError(f"{where}: unknown field {name!r} (fields: {known})", field=option)
            seg, node = name, getattr(node, name)
        elif isinstance(node, dict):
            seg = str(seg) if not isinstance(seg, tuple) else f"{seg[0]}={seg[1]}"
            node = node.get(seg)
        else:
            raise InputError(f"{where} is a value ({node!r}), not a section", field=option)
        loc.append(seg)
    if not loc:
        raise InputError(f"{path}: names no field", field=option)
    return tuple(loc)


def _set(data: Any, loc: tuple[Any, ...], value: Any) -> None:
    for key in loc[:-1]:
        data = data[key]
    data[loc[-1]] = value


def _number(text: str, path: str, option: str) -> float | int:
    import yaml

    v = yaml.safe_load(text)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise InputError(f"{path}: {text!r} in a range is not a number", field=option)
    return v


def _range(item: str, path: str, option: str) -> list[Any]:
    start_s, stop_s, step_s = (p.strip() for p in item.split(":"))
    start, stop = _number(start_s, path, option), _number(stop_s, path, option)
    geometric = step_s.lower().startswith("x")
    step = _number(step_s[1:] if geometric or step_s.startswith("+") else step_s, path, option)
    if geometric and (step <= 1 or start <= 0):
        raise InputError(f"{path}: range {item}: needs start > 0 and factor > 1", field=option)
    if not geometric and step <= 0:
        raise InputError(f"{path}: range {item}: the step must be > 0", field=option)
    values: list[Any] = []
    v = start
    while v <= stop * (1 + 1e-12) + 1e-12:
        values.append(v)
        if len(values) > MAX_VALUES:
            raise InputError(f"{path}: range {item} has over {MAX_VALUES} values", field=option)
        v = v * step if geometric else v + step
    if not values:
        raise InputError(f"{path}: range {item} is empty (start > end)", field=option)
    return values


def parse_values(text: str, path: str = "", option: str = "--vary") -> list[Any]:
    """The values of one ``--vary`` (see the module docstring)."""
    import yaml

    text = text.strip()
    if not text:
        raise InputError(f"{path}: no values after '='", field=option)
    if text.startswith("["):
        try:
            values = yaml.safe_load(text)
        except yaml.YAMLError:
            raise InputError(f"{path}: cannot read {text!r} as a YAML list", field=option) from None
        if not isinstance(values, list) or not values:
            raise InputError(f"{path}: {text!r} is not a non-empty list", field=option)
        return values
    out: list[Any] = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise InputError(f"{path}: empty value in {text!r}", field=option)
        if item.count(":") == 2:
            out.extend(_range(item, path, option))
        else:
            try:
                out.append(yaml.safe_load(item))
            except yaml.YAMLError:
                raise InputError(f"{path}: cannot read value {item!r}", field=option) from None
    return out


def parse_vary(spec: str, option: str = "--vary") -> tuple[str, list[Any]]:
    """``PATH=VALUES`` -> (path, values)."""
    depth, cut = 0, -1
    for i, ch in enumerate(spec):
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if ch == "=" and depth == 0:
            cut = i
            break
    path, values = (spec[:cut], spec[cut + 1 :]) if cut >= 0 else (spec, "")
    if cut < 0 or not path.strip():
        raise InputError(f"{spec!r}: expected PATH=VALUES, e.g. raids.0.count=8,16", field=option)
    return path.strip(), parse_values(values, path.strip(), option)


def _validated(data: dict[str, Any], what: str, option: str) -> Scenario:
    from iads.scenario.load import _check_refs

    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = err["msg"].removeprefix("Value error, ")
        raise InputError(f"{what}: {format_path(tuple(err['loc']))}: {msg}", field=option) from None
    errs = _check_refs(scenario, "", {})
    if errs:
        raise InputError(f"{what}: {errs[0].field}: {errs[0].reason}", field=option)
    return scenario


def apply_values(
    scenario: Scenario, changes: list[tuple[str, Any]], option: str = "--vary"
) -> Scenario:
    """``scenario`` with each ``(path, value)`` set, validated after each change (so an error
    names the change that broke it) and returned as a new, fully validated Scenario."""
    current = scenario
    for path, value in changes:
        loc = resolve(current, path, option)
        data = current.model_dump(mode="json")
        _set(data, loc, value)
        current = _validated(data, f"{path}={value!r}", option)
    return current


__all__ = ["MAX_VALUES", "apply_values", "parse_path", "parse_values", "parse_vary", "resolve"]
