"""Recorded trajectories as scenario traffic: ``traffic[] - file: flights.parquet``.

The loader calls :func:`expand_recorded` after validation: each ``traffic`` entry with a
``file`` is read and cleaned (``iads.tracking.adsb.read_adsb``), cut into continuous pieces of
flight and resampled every ``resample_s`` (``flight_segments``), and replaced by one routed
``Traffic`` entry per piece: its route points are the resampled positions (altitude as reported,
taken as height above the scenario's flat ground at 0 m), the speed of each leg the geodesic
length of the leg over its duration, its ``start_time_s`` the piece's first point on the scenario
clock, ``scenario time = file time - first report of the file + time_offset_s``. Points before
scenario time 0 are left out and a piece ends at the first point past ``duration_s``. Names
are ``NAME/ICAO24`` and ``NAME/ICAO24-k`` when an aircraft has several pieces. The loaded
scenario thus holds the routes themselves: the run (and its hash) depends on the file's
content, not its name, and the simulation treats recorded traffic as any routed traffic
(``iads.sim.traffic``). Position between route points follows the route model (geodesic legs,
coordinated turns at the type's lateral acceleration limit), so it departs from the recorded
track by the turn fillets only (``docs/trajectories.md`` gives the measured departure).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from iads.errors import InputError, InputErrors
from iads.scenario.traffic import Traffic, TrafficWaypoint
from iads.scenario.yamlio import PathKey, format_path, line_of

MIN_LEG_SPEED_MPS = 0.1
"""Floor of a resampled leg's speed (m/s): a leg with no horizontal motion (a hovering or
stationary report pair) still needs a speed > 0."""


def _data_path(scenario_file: Path, name: str, anywhere: bool) -> Path | str:
    """The data file (relative to the scenario's folder, inside it unless ``anywhere``), or a
    reason it is refused."""
    from iads.io.files import inside

    base = scenario_file.parent
    if anywhere:
        return base / name
    if Path(name).is_absolute():
        return "must be a path relative to the scenario's folder, not absolute"
    if inside(base, name) is None:
        return "leaves the scenario's folder (trajectory files must lie inside it)"
    return base / name


TIMING_PASSES = 3
"""Passes of the leg-speed correction (each re-plans the route with the speeds of the last):
after the third the time at every point is within milliseconds of the recording."""


def leg_speeds(
    lat_deg: np.ndarray, lon_deg: np.ndarray, t_s: np.ndarray, max_lateral_accel_mps2: float
) -> np.ndarray:
    """Leg speeds (m/s, (K-1,)) that bring the route model (``iads.motion.route``: geodesic
    legs, turns cut at the lateral acceleration limit) abeam each point ``k`` at ``t_s[k]``:
    the path length between successive points over their time difference, the path planned
    with the speeds of the previous pass (a turn's radius depends on the speed)."""
    from iads.geo import geodesic_inverse
    from iads.motion.route import plan_route

    dt = np.diff(t_s)
    dist, _, _ = geodesic_inverse(lat_deg[:-1], lon_deg[:-1], lat_deg[1:], lon_deg[1:])
    speed = np.maximum(np.asarray(dist, dtype=float) / dt, MIN_LEG_SPEED_MPS)
    for _ in range(TIMING_PASSES):
        flown = np.diff(plan_route(lat_deg, lon_deg, speed, max_lateral_accel_mps2).waypoint_s_m)
        speed = np.maximum(flown / dt, MIN_LEG_SPEED_MPS)
    return speed


def recorded_entries(
    tr: Traffic, path: Path, duration_s: float, max_lateral_accel_mps2: float
) -> list[Traffic]:
    """The routed entries of the recorded ``tr`` read from ``path`` (InputError naming the
    data file on bad data); turns are flown at up to ``max_lateral_accel_mps2`` (its type's)."""
    from iads.tracking.adsb import flight_segments, read_adsb

    adsb = read_adsb(path, units=tr.units)
    if tr.aircraft:
        wanted = {a.strip().lower() for a in tr.aircraft}
        have = np.array([a.lower() in wanted for a in adsb["icao24"]], dtype=bool)
        if not np.any(have):
            raise InputError(
                f"none of the aircraft {', '.join(sorted(wanted))} is in the file",
                file=str(path),
                field="icao24",
            )
        adsb = {k: v[have] for k, v in adsb.items()}
    if adsb["time_s"].size == 0:
        raise InputError("no usable reports", file=str(path))
    shift = tr.time_offset_s - float(adsb["time_s"].min())
    segments = flight_segments(adsb, tr.resample_s, tr.max_gap_s, tr.min_alt_m)
    pieces: dict[str, int] = {}
    out: list[Traffic] = []
    for seg in segments:
        t = seg.time_s + shift
        keep = t >= 0.0
        past = np.flatnonzero(t > duration_s)
        if past.size:
            keep[past[0] + 1 :] = False
        if int(keep.sum()) < 2:
            continue
        t, lat, lon = t[keep], seg.lat_deg[keep], seg.lon_deg[keep]
        alt = np.clip(seg.alt_m[keep], 0.0, None)
        speed = leg_speeds(lat, lon, t, max_lateral_accel_mps2)
        speed = np.r_[speed[0], speed]  # the first point's speed is ignored
        k = pieces.get(seg.icao24, 0) + 1
        pieces[seg.icao24] = k
        route = [
            TrafficWaypoint(lat_deg=float(a), lon_deg=float(b), alt_m=float(h), speed_mps=float(v))
            for a, b, h, v in zip(lat, lon, alt, speed, strict=True)
        ]
        out.append(
            Traffic(
                name=f"{tr.name}/{seg.icao24}",
                type=tr.type,
                allegiance=tr.allegiance,
                start_time_s=float(t[0]),
                route=route,
                transponder=tr.transponder,
            )
        )
    counts = {n: pieces[n] for n in pieces if pieces[n] > 1}
    seen: dict[str, int] = {}
    for i, entry in enumerate(out):
        icao = entry.name.split("/", 1)[1]
        if icao in counts:
            seen[icao] = seen.get(icao, 0) + 1
            out[i] = entry.model_copy(update={"name": f"{entry.name}-{seen[icao]}"})
    return out


def expand_recorded(
    scenario: object, scenario_file: Path, lines: dict[PathKey, int], anywhere: bool = False
) -> object:
    """``scenario`` (a ``Scenario``) with each recorded ``traffic`` entry replaced by its
    routed entries; every problem an InputError naming the scenario file, line and field,
    and in its reason the data file, column and row."""
    traffic = scenario.traffic  # type: ignore[attr-defined]
    if not any(tr.file is not None for tr in traffic):
        return scenario
    file = str(scenario_file)
    errs: list[InputError] = []
    out: list[Traffic] = []
    for i, tr in enumerate(traffic):
        if tr.file is None:
            out.append(tr)
            continue
        loc: PathKey = ("traffic", i, "file")
        where = {"file": file, "field": format_path(loc), "line": line_of(lines, loc)}
        path = _data_path(scenario_file, tr.file, anywhere)
        if isinstance(path, str):
            errs.append(InputError(path, **where))
            continue
        try:
            accel = scenario.equipment.threats[tr.type].max_lateral_accel_mps2  # type: ignore[attr-defined]
            out.extend(recorded_entries(tr, path, scenario.duration_s, accel))  # type: ignore[attr-defined]
        except InputError as exc:
            errs.append(InputError(exc.one_line(), **where))
    names = [tr.name for tr in out]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        errs.append(
            InputError(
                f"traffic names must be unique; repeated after import: {', '.join(dupes[:5])}",
                file=file,
                field="traffic",
                line=line_of(lines, ("traffic",)),
            )
        )
    if errs:
        raise InputErrors(errs)
    return scenario.model_copy(update={"traffic": out})  # type: ignore[attr-defined]


__all__ = ["MIN_LEG_SPEED_MPS", "expand_recorded", "recorded_entries"]
