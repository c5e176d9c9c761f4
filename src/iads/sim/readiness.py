"""Readiness: which radars, launchers and command posts work in a replication.

Each radar site, standalone sensor, launcher (each of a site's ``count``) and command post has
an ``availability`` A in [0, 1] (the scenario's; steady-state A = MTBF / (MTBF + MTTR)). Once
per replication, before the first tick, each is drawn up with probability A from the run's
``readiness`` random stream, in a fixed order (radars in world order, then launcher units
battery by battery, then command posts), so a replication is a pure function of its seed. A
radar that is down never transmits (a later ``radar_on`` event brings it up: a repair); a
launcher that is down holds no rounds and takes no share of the battery's reload pool; a
command post that is down never decides (its radars and tracker still feed the network). Left
out: failures during the run (use degradation events) and partial degradation.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from iads.engagement.battery import LauncherBank


def withhold_units(
    bank: LauncherBank, units: np.ndarray, reloads_per_unit: int = 1
) -> LauncherBank:
    """The bank with launcher ``units`` out of action: no rounds, no reloads, and the reload
    pool less their share (``reloads_per_unit`` loads each, as ``make_bank`` gave it)."""
    units = np.asarray(units, np.int64)
    if units.size == 0:
        return bank
    rounds, load = bank.rounds.copy(), bank.loadout.copy()
    share = reloads_per_unit * load[units].sum(axis=0)
    rounds[units] = 0
    load[units] = 0
    return replace(bank, rounds=rounds, loadout=load, reserve=np.maximum(bank.reserve - share, 0))


def _availabilities(scenario: Any, world: Any) -> dict[str, float]:
    """Radar or sensor name -> its availability."""
    out = {r.name: r.availability for b in scenario.batteries for r in b.radars}
    out.update({s.name: s.availability for s in scenario.sensors})
    return {rec.name: float(out.get(rec.name, 1.0)) for rec in world.radars}


def sample_readiness(scenario: Any, world: Any, defense: Any) -> dict[str, np.ndarray]:
    """Draw every unit's state for this replication, apply it to ``defense``'s systems and
    return the ``readiness`` table (``unit``, ``kind``, ``availability``, ``up``)."""
    rng = world.rng("readiness")
    rows: list[tuple[str, str, float, bool]] = []
    radar_av = _availabilities(scenario, world)
    for system in defense.radars:
        name = world.radars[system.radar_index].name
        up = bool(rng.random() < radar_av[name])
        system.on = system.on and up
        rows.append((name, "radar", radar_av[name], up))
    posts = {cp.battery: cp for cp in defense.command_posts}
    for b, bat in enumerate(scenario.batteries):
        cp = posts.get(b)
        if cp is None:
            continue
        down = []
        u = 0
        for site in bat.launchers:
            for k in range(site.count):
                up = bool(rng.random() < site.availability)
                rows.append((f"{site.name} #{k + 1}", "launcher", site.availability, up))
                if not up:
                    down.append(u)
                u += 1
        # a stock's depot is the battery's, not the launcher's: a launcher down keeps its
        # tubes' rounds out of the fight but takes nothing from the depot
        per_unit = 0 if bat.stock is not None else 1
        cp.bank = withhold_units(cp.bank, np.array(down, np.int64), reloads_per_unit=per_unit)
    for b, bat in enumerate(scenario.batteries):
        cp = posts.get(b)
        if cp is None:
            continue
        av = bat.command_post.availability
        up = bool(rng.random() < av)
        cp.destroyed = cp.destroyed or not up
        rows.append((f"{bat.name} command post", "command_post", av, up))
    return {
        "unit": np.array([r[0] for r in rows], dtype=object),
        "kind": np.array([r[1] for r in rows], dtype=object),
        "availability": np.array([r[2] for r in rows], dtype=float),
        "up": np.array([r[3] for r in rows], dtype=bool),
    }


__all__ = ["sample_readiness", "withhold_units"]
