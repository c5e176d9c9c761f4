"""Radars in the simulation: one ``RadarSystem`` per radar site, acting every tick.

Wiring only (the physics is in ``radar.observe``). It reads the world by duck typing (it does
not import ``iads.sim``, so the sensor package stays below the engine):

- ``world.radars[i]``: ``index``, ``name``, ``type`` (effective ``RadarType``), ``site_pos_m``,
  ``pos_m`` (antenna), ``boresight_rad``; ``world.origin.alt_m``;
- ``world.threats``: ``pos_m``, ``vel_mps`` (N, 3), ``active`` (N,), ``id``, ``rcs_front_m2``,
  ``rcs_side_m2``, ``rcs_rear_m2``, ``swerling`` (N,);
- ``world.rng(name)``, ``world.log.record(...)``, ``world.detections`` (dict).

Each step sweeps the beam over the arc covered during [t, t + dt), observes the active
threats (aspect RCS toward this radar, Swerling fluctuation of their type), appends the
``Detections`` to ``world.detections[radar index]`` (a list; the tracker consumes and clears
it) and logs a ``detect`` event (entity = threat id, other = radar index, value = SNR dB, at the
threat's true position) the first time each threat is detected by this radar.

To run radars in every simulation, the lead registers the factory once::

    from iads.sim.build import SYSTEM_FACTORIES
    from iads.sensors.system import radar_systems
    SYSTEM_FACTORIES.append(radar_systems)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from iads.sensors.radar import Detections, RadarModel, observe
from iads.sensors.rcs import aspect_angle_rad, aspect_rcs_m2


@dataclass
class RadarSystem:
    """One radar as an engine ``System``: ``name``, ``period_s`` and ``step``.

    ``period_s`` 0 acts every tick (the beam sweeps continuously, so every tick matters).
    """

    radar_index: int
    model: RadarModel
    name: str
    period_s: float = 0.0
    false_alarms: bool = True
    _seen: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool), repr=False)

    @classmethod
    def from_world(cls, world: Any, radar_index: int, period_s: float = 0.0) -> RadarSystem:
        """The system of ``world.radars[radar_index]``."""
        rec = world.radars[radar_index]
        model = RadarModel.from_type(
            rec.type,
            rec.site_pos_m,
            float(np.degrees(rec.boresight_rad)),
            sensor_id=int(rec.index),
            origin_alt_m=float(world.origin.alt_m),
            antenna_pos_m=rec.pos_m,
        )
        return cls(int(rec.index), model, f"radar/{rec.name}", period_s)

    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        """Observe the active threats over the arc swept during [t_s, t_s + dt_s)."""
        th = world.threats
        n = len(th)
        if self._seen.shape[0] != n:
            self._seen = np.zeros(n, dtype=bool)
        rows = np.flatnonzero(th.active)
        pos = th.pos_m[rows]
        vel = th.vel_mps[rows]
        aspect = aspect_angle_rad(pos, vel, self.model.antenna_pos_m)
        rcs = aspect_rcs_m2(
            th.rcs_front_m2[rows], th.rcs_side_m2[rows], th.rcs_rear_m2[rows], aspect
        )
        plots = observe(
            self.model,
            pos,
            vel,
            rcs,
            t_s,
            world.rng(self.name),
            self.model.swept_arcs(t_s, dt_s),
            swerling=th.swerling[rows],
            truth_id=rows,
            false_alarms=self.false_alarms,
        )
        if len(plots) == 0:
            return
        self._log_first_detections(world, t_s, plots)
        real = plots.truth_id >= 0
        ids = np.full(real.shape, -1, dtype=np.int64)  # false alarms: -1 (no threats at all ok)
        ids[real] = th.id[plots.truth_id[real]]
        plots = Detections(**{**plots.__dict__, "truth_id": ids.astype(np.int64)})
        world.detections.setdefault(self.radar_index, []).append(plots)

    def _log_first_detections(self, world: Any, t_s: float, plots: Detections) -> None:
        rows = plots.truth_id[plots.truth_id >= 0]
        snr = plots.snr_db[plots.truth_id >= 0]
        rows, first = np.unique(rows, return_index=True)
        new = ~self._seen[rows]
        if not new.any():
            return
        rows, snr = rows[new], snr[first[new]]
        self._seen[rows] = True
        th = world.threats
        world.log.record(
            "detect", t_s, th.id[rows], other_id=self.radar_index, pos_m=th.pos_m[rows], value=snr
        )


def radar_systems(scenario: Any, world: Any) -> list[RadarSystem]:
    """A ``RadarSystem`` for every radar of ``world`` (a ``SYSTEM_FACTORIES`` entry)."""
    del scenario
    return [RadarSystem.from_world(world, rec.index) for rec in world.radars]


__all__ = ["RadarSystem", "radar_systems"]
