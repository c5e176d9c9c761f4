"""The field reference of scenario files (docs/reference.md), generated from the JSON Schema.

``reference_markdown()`` walks ``Scenario.model_json_schema()`` from the top-level object through
every nested model it refers to, in order of first mention, and writes one table per model:
field, type, default, unit (read from the name's unit suffix, house style), allowed range and
description. ``iads schema --markdown`` prints it; a test keeps docs/reference.md equal to it
and fails on any field without a description.
"""

from __future__ import annotations

import json
from typing import Any

UNIT_SUFFIXES = (
    ("_mps2", "m/s²"),
    ("_mps", "m/s"),
    ("_m2", "m²"),
    ("_deg", "degrees"),
    ("_rad", "rad"),
    ("_usd", "US dollars"),
    ("_hz", "Hz"),
    ("_db", "dB"),
    ("_kg", "kg"),
    ("_g", "g (9.81 m/s²)"),
    ("_s", "s"),
    ("_m", "m"),
    ("_w", "W"),
    ("_n", "N"),
)
"""Name suffix -> unit, longest first (``speed_mps2`` is not ``_m``)."""
NOT_UNITS = frozenset({"confirm_m", "confirm_n"})
"""Names whose suffix is not a unit (M and N of the M-of-N confirmation rule)."""

_BOUNDS = (
    ("minimum", ">="),
    ("exclusiveMinimum", ">"),
    ("maximum", "<="),
    ("exclusiveMaximum", "<"),
    ("minItems", "items >="),
    ("minLength", "length >="),
)


def unit_of(name: str) -> str:
    """The unit a field name's suffix states (``range_m`` -> m), or "" when it has none."""
    if name in NOT_UNITS:
        return ""
    for suffix, unit in UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit
    return ""


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(p: dict[str, Any]) -> str:
    """A short type text of one property schema (models as links to their section)."""
    if "$ref" in p:
        name = _ref_name(p["$ref"])
        return f"[{name}](#{name.lower()})"
    if "const" in p:
        return f"`{json.dumps(p['const'])}`"
    if "enum" in p:
        return " \\| ".join(f"`{v}`" for v in p["enum"])
    for key in ("anyOf", "oneOf"):
        if key in p:
            parts = [_type(q) for q in p[key]]
            return " or ".join(dict.fromkeys(parts))
    t = p.get("type", "")
    if t == "array":
        if "prefixItems" in p:
            return "[" + ", ".join(_type(q) for q in p["prefixItems"]) + "]"
        return f"list of {_type(p.get('items', {}))}"
    if t == "object":
        extra = p.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            return f"map of name to {_type(extra)}"
        return "map"
    return {"number": "number", "integer": "integer", "string": "text", "boolean": "true/false",
            "null": "none"}.get(t, t or "any")  # fmt: skip


def _bounds(p: dict[str, Any]) -> str:
    parts = [f"{op} {p[key]:g}" for key, op in _BOUNDS if key in p]
    for q in p.get("anyOf", []):
        parts += [f"{op} {q[key]:g}" for key, op in _BOUNDS if key in q]
    return ", ".join(parts)


def _default(p: dict[str, Any], required: bool) -> str:
    if required:
        return "required"
    if "default" not in p:  # a default_factory: an empty list or map, or a model's defaults
        if p.get("type") in ("array", "object"):
            return "empty"
        return "its defaults" if "$ref" in p else "see description"
    d = p["default"]
    if d is None:
        return "none"
    if d in ([], {}):
        return "empty"
    if isinstance(d, dict):
        return "all defaults"
    if isinstance(d, bool):
        return "true" if d else "false"
    if isinstance(d, float):
        return f"`{d:g}`"
    return f"`{json.dumps(d)}`"


def _refs(p: Any) -> list[str]:
    """Model names referred to anywhere inside a property schema, in order."""
    out: list[str] = []
    if isinstance(p, dict):
        if "$ref" in p:
            out.append(_ref_name(p["$ref"]))
        for key, v in p.items():
            if key != "discriminator":
                out += _refs(v)
    elif isinstance(p, list):
        for v in p:
            out += _refs(v)
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def undocumented_fields(schema: dict[str, Any]) -> list[str]:
    """``Model.field`` for every property of every model in ``schema`` without a description."""
    models = {"Scenario": schema, **schema.get("$defs", {})}
    return [
        f"{name}.{field}"
        for name, model in models.items()
        for field, p in model.get("properties", {}).items()
        if not p.get("description")
    ]


def _section(name: str, model: dict[str, Any], level: str) -> list[str]:
    lines = [f"{level} {name}", ""]
    doc = " ".join(model.get("description", "").split())
    if doc:
        lines += [_cell(doc), ""]
    lines += [
        "| field | type | default | unit | allowed | description |",
        "|---|---|---|---|---|---|",
    ]
    required = set(model.get("required", []))
    for field, p in model.get("properties", {}).items():
        desc = " ".join(p.get("description", "").split())
        lines.append(
            f"| `{field}` | {_cell(_type(p))} | {_cell(_default(p, field in required))} "
            f"| {unit_of(field)} | {_cell(_bounds(p))} | {_cell(desc)} |"
        )
    return [*lines, ""]


def reference_markdown(schema: dict[str, Any] | None = None) -> str:
    """docs/reference.md: every model of the scenario schema, top-level first."""
    if schema is None:
        from iads.scenario.model import Scenario

        schema = Scenario.model_json_schema()
    defs = schema.get("$defs", {})
    order: list[str] = []
    queue = _refs(schema.get("properties", {}))
    while queue:
        name = queue.pop(0)
        if name in order or name not in defs:
            continue
        order.append(name)
        queue += _refs(defs[name].get("properties", {}))
    order += [n for n in defs if n not in order]
    lines = [
        "# Scenario file reference",
        "",
        "<!-- generated by `iads schema --markdown > docs/reference.md`; do not edit by hand -->",
        "",
        "Every field of a scenario file, from the JSON Schema that validates it (`iads schema`).",
        "SI units inside; degrees only for angles at the file boundary. The unit column is read",
        "from the field name's suffix (`_m` metres, `_s` seconds, `_mps` m/s, `_deg` degrees,",
        '`_usd` US dollars ...). "required" fields have no default. Catalog types',
        "(`equipment:` and `catalog_files`) use the same fields as the built-in catalog",
        "(`iads catalog`); `overrides` of a site take any field of its type.",
        "",
    ]
    lines += _section("Scenario", schema, "##")
    for name in order:
        lines += _section(name, defs[name], "##")
    return "\n".join(lines).rstrip() + "\n"


__all__ = ["UNIT_SUFFIXES", "reference_markdown", "undocumented_fields", "unit_of"]
