"""Load and check scenario and catalog files, with errors that name file, field and line.

``load_scenario(path)`` returns a frozen ``Scenario`` whose ``equipment`` holds every type it can
use (the built-in catalog, then ``catalog_files``, then types defined inline, later ones winning),
after checking every cross-reference: equipment types, per-instance overrides, target assets,
network links and degradation events (``iads.scenario.network_checks``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from iads.errors import InputError, InputErrors
from iads.scenario.campaign import check_campaign
from iads.scenario.equipment import (
    KIND_MODELS,
    Catalog,
    EquipmentType,
    InterceptorType,
    LauncherType,
    RadarType,
    ThreatType,
)
from iads.scenario.model import LauncherSite, RadarSite, Scenario, Sensor
from iads.scenario.network_checks import Known, check_events, check_links, check_sensor_names
from iads.scenario.yamlio import PathKey, format_path, line_of, read_yaml

T = TypeVar("T", bound=EquipmentType)
BUILTIN_CATALOG_FILES = (
    "references.yaml",
    "radars.yaml",
    "interceptors.yaml",
    "launchers.yaml",
    "threats.yaml",
)


def _pydantic_errors(
    exc: ValidationError, file: str, lines: dict[PathKey, int], prefix: PathKey = ()
) -> list[InputError]:
    out = []
    for err in exc.errors():
        loc = _yaml_loc((*prefix, *err["loc"]), lines)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; `iads schema` lists the fields)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "finite_number":
            msg = "must be a finite number (NaN and infinity are not allowed)"
        out.append(InputError(msg, file=file, field=format_path(loc), line=line_of(lines, loc)))
    return out


def _yaml_loc(loc: PathKey, lines: dict[PathKey, int]) -> PathKey:
    """``loc`` without the tags pydantic inserts for a tagged union (``events[0].link_lost.x``
    is ``events[0].x`` in the file): an inner part that is not a key in the file."""
    out: PathKey = ()
    for k, part in enumerate(loc):
        if isinstance(part, str) and k + 1 < len(loc) and (*out, part) not in lines:
            continue
        out = (*out, part)
    return out


def _validate(model: type[BaseModel], data: Any, file: str, lines, prefix: PathKey = ()):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputErrors(_pydantic_errors(exc, file, lines, prefix)) from None


def load_catalog_file(path: str | Path) -> Catalog:
    """Read one catalog YAML file: top-level sections ``radars``, ``interceptors``,
    ``launchers``, ``threats``, each mapping a type name to its figures."""
    data, lines = read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("a catalog file must be a mapping of sections", file=str(path), line=1)
    return _validate(Catalog, data, str(path), lines)


def builtin_catalog() -> Catalog:
    """The reference catalog shipped with iads (open sources, cited per figure)."""
    catalog = Catalog()
    base = resources.files("iads.catalog")
    for name in BUILTIN_CATALOG_FILES:
        with resources.as_file(base / name) as p:
            catalog = catalog.merged(load_catalog_file(p))
    return catalog


def effective(base: T, overrides: dict[str, Any]) -> T:
    """``base`` with per-instance ``overrides`` applied and validated again."""
    if not overrides:
        return base
    return type(base).model_validate({**base.model_dump(), **overrides})


def radar_type(scenario: Scenario, site: RadarSite | Sensor) -> RadarType:
    """The radar type of ``site`` (a battery radar or a standalone sensor), overrides applied."""
    return effective(scenario.equipment.radars[site.type], site.overrides)


def launcher_type(scenario: Scenario, site: LauncherSite) -> LauncherType:
    """The launcher type of ``site`` with its overrides applied."""
    return effective(scenario.equipment.launchers[site.type], site.overrides)


def interceptor_type(scenario: Scenario, name: str) -> InterceptorType:
    """An interceptor type by name."""
    return scenario.equipment.interceptors[name]


def threat_type(scenario: Scenario, name: str) -> ThreatType:
    """A threat type by name."""
    return scenario.equipment.threats[name]


def _unknown(kind: str, name: str, known: dict[str, Any] | Known) -> str:
    pool = known if isinstance(known, Known) else Known(known)
    close = pool.close(name)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"unknown {kind} type {name!r}{hint} (`iads catalog` lists the types)"


def _check_refs(sc: Scenario, file: str, lines: dict[PathKey, int]) -> list[InputError]:
    errs: list[InputError] = []
    eq = sc.equipment

    def err(msg: str, loc: PathKey) -> None:
        errs.append(InputError(msg, file=file, field=format_path(loc), line=line_of(lines, loc)))

    def check_overrides(base: EquipmentType, overrides: dict[str, Any], loc: PathKey) -> None:
        try:
            effective(base, overrides)
        except ValidationError as exc:
            errs.extend(_pydantic_errors(exc, file, lines, (*loc, "overrides")))

    assets = Known(a.name for a in sc.assets)
    kinds = {k: Known(getattr(eq, k)) for k in KIND_MODELS}
    for b, battery in enumerate(sc.batteries):
        for r, site in enumerate(battery.radars):
            loc = ("batteries", b, "radars", r)
            if site.type not in eq.radars:
                err(_unknown("radar", site.type, kinds["radars"]), (*loc, "type"))
            else:
                check_overrides(eq.radars[site.type], site.overrides, loc)
        for n, site in enumerate(battery.launchers):
            loc = ("batteries", b, "launchers", n)
            if site.type not in eq.launchers:
                err(_unknown("launcher", site.type, kinds["launchers"]), (*loc, "type"))
                continue
            check_overrides(eq.launchers[site.type], site.overrides, loc)
            ltype = eq.launchers[site.type]
            for name in site.loadout:
                if name not in eq.interceptors:
                    err(
                        _unknown("interceptor", name, kinds["interceptors"]),
                        (*loc, "loadout", name),
                    )
                elif name not in ltype.interceptors:
                    err(f"launcher type {site.type!r} cannot fire {name!r}", (*loc, "loadout"))
            if sum(site.loadout.values()) > ltype.tubes:
                err(f"loadout exceeds the launcher's {ltype.tubes} tubes", (*loc, "loadout"))
    for i, sensor in enumerate(sc.sensors):
        if sensor.type not in eq.radars:
            err(_unknown("radar", sensor.type, kinds["radars"]), ("sensors", i, "type"))
        else:
            check_overrides(eq.radars[sensor.type], sensor.overrides, ("sensors", i))
    check_sensor_names(sc, err)
    check_links(sc, err)
    check_events(sc, err)
    check_campaign(sc, err)
    for kind, items in (("threats", sc.threats), ("raids", sc.raids)):
        for i, item in enumerate(items):
            if item.type not in eq.threats:
                err(_unknown("threat", item.type, kinds["threats"]), (kind, i, "type"))
            if item.target is not None and item.target not in assets:
                err(
                    f"unknown asset {item.target!r} (assets: {assets.listed()})",
                    (kind, i, "target"),
                )
    for i, item in enumerate(sc.traffic):
        if item.type not in eq.threats:
            err(_unknown("threat", item.type, kinds["threats"]), ("traffic", i, "type"))
    return errs


def _raw_refs(data: dict[str, Any], file: str, lines: dict[PathKey, int]) -> list[InputError]:
    """Cross-reference errors of a file that failed schema validation, read from the raw YAML
    (only where a name is text): equipment types against the built-in catalog and the types
    defined inline, target assets against the assets named. Catalog files are not read."""
    errs: list[InputError] = []
    known = builtin_catalog()
    inline = data.get("equipment") if isinstance(data.get("equipment"), dict) else {}
    names = {k: set(getattr(known, k)) for k in KIND_MODELS}
    for k in KIND_MODELS:
        if isinstance(inline.get(k), dict):
            names[k] |= set(inline[k])
    pools = {k: Known(v) for k, v in names.items()}
    if data.get("catalog_files"):
        return errs  # types may come from files not read here: leave them to the full check

    def items(value: Any) -> list[tuple[int, dict]]:
        return (
            [(i, x) for i, x in enumerate(value) if isinstance(x, dict)]
            if isinstance(value, list)
            else []
        )

    def check(kind: str, label: str, value: Any, loc: PathKey) -> None:
        if isinstance(value, str) and value not in names[kind]:
            msg = _unknown(label, value, pools[kind])
            errs.append(
                InputError(msg, file=file, field=format_path(loc), line=line_of(lines, loc))
            )

    assets = {a.get("name") for _, a in items(data.get("assets"))}
    asset_names = Known(a for a in assets if isinstance(a, str) and a)
    for b, bat in items(data.get("batteries")):
        for r, site in items(bat.get("radars")):
            check("radars", "radar", site.get("type"), ("batteries", b, "radars", r, "type"))
        for n, site in items(bat.get("launchers")):
            loc = ("batteries", b, "launchers", n)
            check("launchers", "launcher", site.get("type"), (*loc, "type"))
            loadout = site.get("loadout")
            for name in loadout if isinstance(loadout, dict) else ():
                check("interceptors", "interceptor", name, (*loc, "loadout", name))
    for i, sensor in items(data.get("sensors")):
        check("radars", "radar", sensor.get("type"), ("sensors", i, "type"))
    for kind in ("threats", "raids"):
        for i, item in items(data.get(kind)):
            check("threats", "threat", item.get("type"), (kind, i, "type"))
            target = item.get("target")
            if isinstance(target, str) and target not in assets:
                loc = (kind, i, "target")
                errs.append(InputError(f"unknown asset {target!r} (assets: {asset_names.listed()})",
                                       file=file, field=format_path(loc), line=line_of(lines, loc)))  # fmt: skip
    return errs


def _catalog_path(
    scenario_file: Path, name: str, anywhere: bool, file: str, lines: dict[PathKey, int], i: int
) -> Path:
    """Where ``catalog_files[i]`` lives: relative to the scenario's folder and inside it,
    unless ``anywhere`` (absolute paths and ``..`` allowed)."""
    from iads.io.files import inside

    loc = ("catalog_files", i)

    def refuse(reason: str) -> InputError:
        return InputError(reason, file=file, field=format_path(loc), line=line_of(lines, loc))

    if "\0" in name or not name.strip():
        raise refuse("must be a file name")
    base = scenario_file.parent
    if anywhere:
        return base / name
    if Path(name).is_absolute():
        raise refuse("must be a path relative to the scenario's folder, not absolute")
    target = inside(base, name)
    if target is None:
        raise refuse("leaves the scenario's folder (catalog files must lie inside it)")
    return base / name


def _with_terrain(
    sc: Scenario, scenario_file: Path, anywhere: bool, file: str, lines: dict[PathKey, int]
) -> Scenario:
    """``sc`` with its terrain file checked (a readable geographic GeoTIFF inside the
    scenario's folder unless ``anywhere``) and named by its absolute path, so that workers
    in other folders find it."""
    from iads.io.files import inside
    from iads.terrain import TerrainError, read_geotiff

    loc = ("terrain", "file")
    name = sc.terrain.file

    def refuse(reason: str) -> InputError:
        return InputError(reason, file=file, field=format_path(loc), line=line_of(lines, loc))

    if "\0" in name or not name.strip():
        raise refuse("must be a file name")
    base = scenario_file.parent
    if not anywhere:
        if Path(name).is_absolute():
            raise refuse("must be a path relative to the scenario's folder, not absolute")
        if inside(base, name) is None:
            raise refuse("leaves the scenario's folder (terrain files must lie inside it)")
    target = (base / name).resolve()
    try:
        read_geotiff(target)
    except TerrainError as exc:
        raise refuse(f"{exc} ({target.name})") from None
    return sc.model_copy(update={"terrain": sc.terrain.model_copy(update={"file": str(target)})})


def load_scenario(path: str | Path, *, catalog_anywhere: bool = False) -> Scenario:
    """Read, validate and resolve a scenario file.

    ``catalog_files`` and recorded ``traffic`` files must lie inside the scenario file's folder
    unless ``catalog_anywhere``; recorded traffic is resolved into routes
    (``iads.scenario.recorded``).
    Raises ``InputErrors`` listing every problem found (file, YAML path, line, reason).
    """
    file = str(path)
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError("a scenario file must be a YAML mapping", file=file, line=1)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:  # report the references too, in the same pass
        errs = _pydantic_errors(exc, file, lines) + _raw_refs(data, file, lines)
        errs.sort(key=lambda e: (e.line or 0, e.field or ""))
        raise InputErrors(errs) from None
    catalog = builtin_catalog()
    for i, name in enumerate(scenario.catalog_files):
        extra = _catalog_path(Path(path), name, catalog_anywhere, file, lines, i)
        try:
            catalog = catalog.merged(load_catalog_file(extra))
        except InputErrors as exc:
            raise exc from None
        except InputError as exc:
            if exc.reason == "file not found":
                loc = ("catalog_files", i)
                raise InputError(
                    f"catalog file not found: {extra}",
                    file=file,
                    field=format_path(loc),
                    line=line_of(lines, loc),
                ) from None
            raise
    catalog = catalog.merged(scenario.equipment)
    scenario = scenario.model_copy(update={"equipment": catalog})
    if scenario.terrain is not None:
        scenario = _with_terrain(scenario, Path(path), catalog_anywhere, file, lines)
    errs = _check_refs(scenario, file, lines)
    if errs:
        raise InputErrors(errs)
    from iads.scenario.recorded import expand_recorded

    return expand_recorded(scenario, Path(path), lines, catalog_anywhere)  # traffic files


__all__ = [
    "KIND_MODELS",
    "builtin_catalog",
    "interceptor_type",
    "launcher_type",
    "load_catalog_file",
    "load_scenario",
    "radar_type",
    "threat_type",
]
