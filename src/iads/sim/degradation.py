"""Degradation at scenario times: links lost and restored, radars off and on, batteries lost.

``Degradation`` is an engine system that runs first in each tick and applies every scenario
event whose time has come: a lost link drops what is sent over it until restored; a radar
switched off publishes nothing; a destroyed battery's radars stop, its command post stops
deciding and its outgoing links go silent (rounds already in the air fly on). Each event is
logged (``degrade``: entity = the event's row, value = the kind's code in ``KINDS``) and kept
in ``applied`` for the results' ``degradation`` table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

KINDS = ("link_lost", "link_restored", "radar_off", "radar_on", "battery_destroyed")
"""Event kinds, as in the scenario; the code is the index."""


def link_key(label: str) -> str:
    """A link label without spaces around the arrow ("A->B")."""
    a, _, b = label.partition("->")
    return f"{a.strip()}->{b.strip()}"


@dataclass
class Degradation:
    """Applies ``events`` (scenario ``Event`` models) to the systems named in the maps."""

    events: list[Any]
    links: dict[str, list[Any]]
    """Link key ("A->B") -> its channels (tracks, status, plots)."""
    radars: dict[str, Any]
    """Radar or sensor name -> its ``RadarSystem``."""
    posts: dict[str, Any]
    """Battery name -> its ``CommandPost`` (absent for a battery without launchers)."""
    battery_radars: dict[str, list[str]]
    outgoing: dict[str, list[str]]
    """Unit name -> the keys of its outgoing links."""
    name: str = "degradation"
    period_s: float = 0.0
    applied: list[tuple[float, str, str]] = field(default_factory=list)
    _next: int = 0

    def __post_init__(self) -> None:
        self.events = sorted(self.events, key=lambda e: e.time_s)

    def next_due_s(self, world: Any, t_s: float) -> float:
        """The time of the next event not yet applied (s; inf when none is left)."""
        del world, t_s
        return self.events[self._next].time_s if self._next < len(self.events) else np.inf

    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        del dt_s
        while self._next < len(self.events) and self.events[self._next].time_s <= t_s + 1e-9:
            ev = self.events[self._next]
            target = link_key(ev.link) if hasattr(ev, "link") else ev.unit
            self._apply(ev.kind, target)
            world.log.record("degrade", t_s, self._next, value=float(KINDS.index(ev.kind)))
            self.applied.append((float(t_s), ev.kind, target))
            self._next += 1

    def _apply(self, kind: str, target: str) -> None:
        if kind in ("link_lost", "link_restored"):
            for ch in self.links.get(target, []):
                ch.up = kind == "link_restored"
        elif kind in ("radar_off", "radar_on"):
            self.radars[target].on = kind == "radar_on"
        elif kind == "battery_destroyed":
            for r in self.battery_radars.get(target, []):
                self.radars[r].on = False
            if target in self.posts:
                self.posts[target].destroyed = True
            for key in self.outgoing.get(target, []):
                for ch in self.links.get(key, []):
                    ch.up = False

    def table(self) -> dict[str, np.ndarray]:
        """The events applied: ``time_s``, ``kind``, ``target``."""
        return {
            "time_s": np.array([a[0] for a in self.applied], dtype=float),
            "kind": np.array([a[1] for a in self.applied], dtype=object),
            "target": np.array([a[2] for a in self.applied], dtype=object),
        }


__all__ = ["KINDS", "Degradation", "link_key"]
