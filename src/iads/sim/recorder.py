"""Records where each interceptor flew, for the report's map and replay (read-only observer).

``InterceptorPathRecorder`` runs first in every tick it is due (so it sees the world at ``t``,
before fire control launches and before anything moves) and samples the position of every
interceptor in the air (``world.interceptors``: launched, not yet done) every ``period_s``
(the run passes ``iads.sim.run.PATH_SAMPLE_S``, as for the threat paths). ``table`` adds each
interceptor's launch point (its ``engage`` event) and its end point (the last ``intercept``/``miss``/``kill`` event naming it), so a path is complete even
when the interceptor model does not move its state (the fast, table-driven mode): such a path is
then the straight launch-to-end line. It reads; it never writes the world.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from iads.vectors import all_of

END_KINDS = ("intercept", "miss", "kill")
"""Event kinds whose ``other_id`` is the interceptor and whose position is where it ended."""


class InterceptorPathRecorder:
    """An engine ``System`` that samples interceptor positions (ENU m) every ``period_s``."""

    name = "interceptor_paths"

    def __init__(self, period_s: float) -> None:
        self.period_s = period_s
        self._ids: list[np.ndarray] = []
        self._t: list[np.ndarray] = []
        self._pos: list[np.ndarray] = []

    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        store = getattr(world, "interceptors", None)
        if store is None or not hasattr(store, "launched") or all_of(store.done):
            return  # nothing ordered, or every round ended: none in the air
        live = (store.launched & ~store.done).nonzero()[0]
        if live.size == 0:
            return
        self._ids.append(live.astype(np.int64))
        self._t.append(np.full(live.size, t_s))
        self._pos.append(np.asarray(store.state.pos_m[live], dtype=float).reshape(-1, 3))

    def table(self, events: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Columns ``interceptor_id, threat_id, time_s, x_m, y_m, z_m`` sorted by interceptor
        and time: launch point, samples in flight, end point."""
        kind = np.asarray(events.get("kind", np.empty(0)), dtype=object)
        other = np.asarray(events.get("other_id", np.empty(0)), dtype=np.int64)
        ent = np.asarray(events.get("entity_id", np.empty(0)), dtype=np.int64)
        t_ev = np.asarray(events.get("time_s", np.empty(0)), dtype=float)
        pos_ev = (
            np.column_stack([events["x_m"], events["y_m"], events["z_m"]]).astype(float)
            if kind.size
            else np.empty((0, 3))
        )
        launch = kind == "engage"
        threat_of = dict(zip(other[launch].tolist(), ent[launch].tolist(), strict=True))
        end = np.isin(kind, END_KINDS)
        ids = [other[launch]]
        ts = [t_ev[launch]]
        pos = [pos_ev[launch]]
        if self._ids:
            ids.append(np.concatenate(self._ids))
            ts.append(np.concatenate(self._t))
            pos.append(np.concatenate(self._pos))
        # the last end event of each interceptor
        order = np.lexsort((t_ev[end], other[end]))
        e_id, e_t, e_pos = other[end][order], t_ev[end][order], pos_ev[end][order]
        last = np.append(e_id[1:] != e_id[:-1], True) if e_id.size else np.zeros(0, bool)
        ids.append(e_id[last])
        ts.append(e_t[last])
        pos.append(e_pos[last])
        i = np.concatenate(ids).astype(np.int64)
        t = np.concatenate(ts)
        p = np.concatenate(pos).reshape(-1, 3)
        keep = np.isin(i, list(threat_of))  # only interceptors that were fired
        i, t, p = i[keep], t[keep], p[keep]
        order = np.lexsort((t, i))
        i, t, p = i[order], t[order], p[order]
        return {
            "interceptor_id": i,
            "threat_id": np.array([threat_of[k] for k in i.tolist()], dtype=np.int64),
            "time_s": t,
            "x_m": p[:, 0],
            "y_m": p[:, 1],
            "z_m": p[:, 2],
        }


__all__ = ["END_KINDS", "InterceptorPathRecorder"]
