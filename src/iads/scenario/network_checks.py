"""Cross-reference checks of standalone sensors, the network's links and degradation events.

Called by ``iads.scenario.load`` after the schema has been validated; each problem is reported
once, through ``err(reason, yaml_path)``, so the user sees every one in a single pass.

The relay-cycle rule: a link with ``relay: true`` forwards the remote tracks its sender has
received. Around a directed cycle made only of relay links carrying tracks, every unit's own
tracks come back to it as "remote" tracks (and keep circulating), so fusion would count the
same information twice; such a cycle is refused, named unit by unit.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from iads.scenario.model import BatteryEvent, Link, LinkEvent, RadarEvent, Scenario
from iads.scenario.yamlio import PathKey

Report = Callable[[str, PathKey], None]


MAX_LISTED = 10
"""Most names listed in one 'unknown ...' error (the rest counted): an error stays one
readable line, and 40,000 bad references to 40,000 assets cost no more than listing ten."""
MAX_SUGGESTION_POOL = 500
"""Close matches (difflib) are looked for only among this many names or fewer; its cost grows
with the pool, once per bad reference."""


class Known:
    """The names a reference may take, sorted and listed once for every error about them."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = set(names)
        self._listed: str | None = None
        self._sorted: list[str] | None = None

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def listed(self) -> str:
        """``a, b, c`` (at most ``MAX_LISTED``, then ``and N more``) or ``none defined``."""
        if self._listed is None:
            shown = sorted(self.names, key=str)[:MAX_LISTED] if self.names else []
            more = len(self.names) - len(shown)
            self._listed = ", ".join(map(str, shown)) + (f" and {more:,} more" if more else "")
            self._listed = self._listed or "none defined"
        return self._listed

    def close(self, name: str, n: int = 3) -> list[str]:
        """Up to ``n`` close matches of ``name`` (none when the pool is too large to search)."""
        if len(self.names) > MAX_SUGGESTION_POOL:
            return []
        if self._sorted is None:
            self._sorted = sorted(str(x) for x in self.names)
        return difflib.get_close_matches(name, self._sorted, n=n, cutoff=0.5)

    def unknown(self, kind: str, name: str) -> str:
        """``unknown KIND 'name'; did you mean ...?`` or ``... (known: ...)``."""
        close = self.close(name)
        if close:
            return f"unknown {kind} {name!r}; did you mean {', '.join(map(repr, close))}?"
        return f"unknown {kind} {name!r} (known: {self.listed()})"


def check_sensor_names(sc: Scenario, err: Report) -> None:
    """Sensor names are unique among batteries, battery radars and sensors."""
    taken = {b.name: "battery" for b in sc.batteries}
    for b in sc.batteries:
        taken.update({r.name: "radar" for r in b.radars})
    for i, sensor in enumerate(sc.sensors):
        if sensor.name in taken:
            err(
                f"name {sensor.name!r} is already used by a {taken[sensor.name]}; "
                "sensor names must be unique among batteries, radars and sensors",
                ("sensors", i, "name"),
            )
        else:
            taken[sensor.name] = "sensor"


def check_links(sc: Scenario, err: Report) -> None:
    """Links name known units, end at a battery, are not self-links, repeats or relay cycles."""
    if sc.network is None:
        return
    batteries = Known(b.name for b in sc.batteries)
    sensors = {s.name for s in sc.sensors}
    units = Known(batteries.names | sensors)
    seen: dict[tuple[str, str], int] = {}
    for i, link in enumerate(sc.network.links):
        loc = ("network", "links", i)
        if link.sender not in units:
            err(units.unknown("unit (battery or sensor)", link.sender), (*loc, "from"))
        if link.receiver in sensors:
            err(
                f"{link.receiver!r} is a sensor; sensors only send, a link must end at a battery",
                (*loc, "to"),
            )
        elif link.receiver not in batteries:
            err(batteries.unknown("battery", link.receiver), (*loc, "to"))
        if link.sender == link.receiver:
            err(f"link from {link.sender!r} to itself", loc)
            continue
        key = (link.sender, link.receiver)
        if key in seen:
            err(
                f"duplicate link {link.label!r} (first at network.links[{seen[key]}]); "
                "give one link per sender and receiver",
                loc,
            )
        else:
            seen[key] = i
    for cycle in relay_cycles(sc.network.links):
        first = cycle.index(min(cycle))
        cycle = cycle[first:] + cycle[:first]
        units = [sc.network.links[k].sender for k in cycle] + [sc.network.links[cycle[0]].sender]
        err(
            "relay links carrying tracks form a cycle that feeds each unit's own tracks back "
            f"to it (double counting): {' -> '.join(units)}; set relay: false on one of them",
            ("network", "links", cycle[0], "relay"),
        )


def relay_cycles(links: list[Link]) -> list[list[int]]:
    """One directed cycle (as link indices in order) per strongly connected group of units
    joined by ``relay: true`` links carrying tracks. Self-links are ignored (refused elsewhere)."""
    out: dict[str, list[tuple[str, int]]] = {}
    for k, link in enumerate(links):
        if link.relay and link.carries == "tracks" and link.sender != link.receiver:
            out.setdefault(link.sender, []).append((link.receiver, k))
    cycles: list[list[int]] = []
    covered: set[str] = set()
    for start in sorted(out):
        if start in covered:
            continue
        path = _path_back(out, start)
        if path is not None:
            cycles.append(path)
            covered |= _reachable(out, start) & _reaching(out, start)
    return cycles


def _path_back(out: dict[str, list[tuple[str, int]]], start: str) -> list[int] | None:
    """Shortest cycle through ``start`` (breadth first), as link indices, or None."""
    parent: dict[str, tuple[str, int]] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for unit in frontier:
            for to, k in out.get(unit, []):
                if to == start:
                    path = [k]
                    while unit != start:
                        unit, k = parent[unit]
                        path.append(k)
                    return path[::-1]
                if to not in parent:
                    parent[to] = (unit, k)
                    nxt.append(to)
        frontier = nxt
    return None


def _reachable(out: dict[str, list[tuple[str, int]]], start: str) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for to, _ in out.get(stack.pop(), []):
            if to not in seen:
                seen.add(to)
                stack.append(to)
    return seen


def _reaching(out: dict[str, list[tuple[str, int]]], start: str) -> set[str]:
    back: dict[str, list[tuple[str, int]]] = {}
    for unit, edges in out.items():
        for to, k in edges:
            back.setdefault(to, []).append((unit, k))
    return _reachable(back, start)


def check_events(sc: Scenario, err: Report) -> None:
    """Events name known links or units and happen within the scenario's duration."""
    links = {(lk.sender, lk.receiver) for lk in sc.network.links} if sc.network else set()
    labels = Known(f"{a} -> {b}" for a, b in links)
    radars = Known([r.name for b in sc.batteries for r in b.radars] + [s.name for s in sc.sensors])
    batteries = Known(b.name for b in sc.batteries)
    for i, event in enumerate(sc.events):
        loc = ("events", i)
        if event.time_s > sc.duration_s:
            err(
                f"time {event.time_s:g} s is after the end of the scenario "
                f"(duration_s {sc.duration_s:g})",
                (*loc, "time_s"),
            )
        if isinstance(event, LinkEvent):
            ends = event.ends
            if ends is None:
                err(f"link {event.link!r} must be written 'sender -> receiver'", (*loc, "link"))
            elif ends not in links:
                err(labels.unknown("link", f"{ends[0]} -> {ends[1]}"), (*loc, "link"))
        elif isinstance(event, RadarEvent) and event.unit not in radars:
            err(radars.unknown("radar or sensor", event.unit), (*loc, "unit"))
        elif isinstance(event, BatteryEvent) and event.unit not in batteries:
            err(batteries.unknown("battery", event.unit), (*loc, "unit"))
