"""Scoring the defense's perception against the truth: a recorder, never an input to decisions.

``Scoring`` subscribes to the radars' plots and the units' track reports (``iads.channels``):

- ``detect`` events: the first time each threat is in a radar's plots (entity = threat id,
  other = radar index, value = SNR dB, at the threat's true position);
- track labels: each reported track is matched to the truth threat nearest to it (optimal
  one-to-one assignment within ``truth_gate_m`` or 5 position sigmas) among the threats the
  unit's radars detected within ``seen_window_scans`` of its slowest radar's scans (a track is
  never credited to a threat its unit has not seen); the first match of a threat logs its
  ``track`` event (entity = threat id, other = track number, value = position sigma m);
- the ``tracks`` table: every reported track per frame with its label (``truth_id``, -1 none);
- ``label_at(track_number, t_s)``: the label of a track at a time (for the engagements table:
  which threat, if any, a round was fired at).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from iads.config import ScoringSettings
from iads.messages import Detections, TrackReports
from iads.vectors import norm


def match_truth(
    track_pos_m: np.ndarray,
    track_std_m: np.ndarray,
    truth_pos_m: np.ndarray,
    gate_m: float,
    compiled: bool = True,
) -> np.ndarray:
    """For each track (K, 3) the row of its truth in ``truth_pos_m`` (T, 3) or -1: optimal
    one-to-one assignment on distance, pairs farther than max(``gate_m``, 5 sigma) refused.
    The distances and gate compiled (``sim.scoring_kernel``) unless ``compiled=False``."""
    out = np.full(track_pos_m.shape[0], -1, dtype=np.int64)
    if track_pos_m.shape[0] == 0 or truth_pos_m.shape[0] == 0:
        return out
    gated = None
    if compiled:
        from iads.sim.scoring_kernel import gate_costs  # numba: loaded on first use

        gated = gate_costs(track_pos_m, track_std_m, truth_pos_m, gate_m)
    if gated is None:
        d = norm(track_pos_m[:, None, :] - truth_pos_m[None, :, :])
        gate = np.maximum(gate_m, 5.0 * track_std_m)[:, None]
        inside = d <= gate
        per_track, per_truth = inside.sum(axis=1), inside.sum(axis=0)
        first = np.where(per_track > 0, np.argmax(inside, axis=1), -1)
        cost = None
    else:
        cost, per_track, per_truth, first = gated
    if per_track.max() <= 1 and per_truth.max() <= 1:
        # the gated pairs share no track and no truth: every optimal assignment takes them all
        # (any other pair costs 1e12), so they are the assignment, without solving it
        return first
    if cost is None:
        cost = np.where(inside, d, 1e12)
    return _solve(cost, out)


def _solve(cost: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out`` (K,) with each track's assigned column of ``cost`` (K, T) (pairs at 1e12, the
    refused ones, left -1): the optimal one-to-one assignment."""
    rows, cols = linear_sum_assignment(cost)
    ok = cost[rows, cols] < 1e12
    out[rows[ok]] = cols[ok]
    return out


def frame_labels(
    match: np.ndarray,
    flying: np.ndarray,
    threat_id: np.ndarray,
    tracked: np.ndarray,
    numbers: np.ndarray,
    prev_numbers: np.ndarray,
    prev_truth: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The recorder's bookkeeping of one unit's frame of tracks ``numbers`` (K,): each
    track's threat id (K,; -1 none) from its row ``match`` among the threat rows ``flying``
    (-1 none); the rows that first track a threat not ``tracked`` before (by threat id; one
    a threat, its first row, even if two units confirm it in one frame); which tracks' labels
    differ from the unit's last frame (``prev_numbers`` sorted, their labels ``prev_truth``;
    all on its first); this frame's numbers sorted and their labels. Compiled in
    ``scoring_kernel.frame_labels``."""
    truth = np.full(numbers.size, -1, dtype=np.int64)
    truth[match >= 0] = threat_id[flying[match[match >= 0]]]
    new = (truth >= 0) & ~tracked[np.maximum(truth, 0)]
    rows = np.empty(0, dtype=np.int64)
    if new.any():
        _, first = np.unique(truth[new], return_index=True)
        rows = np.flatnonzero(new)[first]
    at = np.minimum(np.searchsorted(prev_numbers, numbers), max(prev_numbers.size - 1, 0))
    same = np.zeros(numbers.size, dtype=bool)  # the unit's first frame: none labelled yet
    if prev_numbers.size:
        same = (prev_numbers[at] == numbers) & (prev_truth[at] == truth)
    order = np.argsort(numbers, kind="mergesort")
    return truth, rows, ~same, numbers[order], truth[order]


def sightings(
    truth_id: np.ndarray, time_s: np.ndarray, last_seen_s: np.ndarray | None, seen: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One radar's plots (``truth_id`` (M,), -1 false; ``time_s`` (M,) s) noted in place: each
    threat's last time seen by the radar's unit (``last_seen_s`` (N,) s, the latest, NaN
    winning; None: no unit) and whether this radar has seen it (``seen`` (N,)). Returns the
    threats seen for the first time (rows, ascending) and the index of each one's first plot.
    Compiled in ``scoring_kernel.plot_sightings``."""
    real = np.flatnonzero(truth_id >= 0)
    if real.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    ids = truth_id[real]
    if last_seen_s is not None:
        with np.errstate(invalid="ignore"):  # a NaN time wins, as in the kernel
            np.maximum.at(last_seen_s, ids, time_s[real])
    rows, first = np.unique(ids, return_index=True)
    new = ~seen[rows]
    seen[rows[new]] = True
    return rows[new], real[first[new]]


class TrackHistory(Mapping):
    """Every unit's reported tracks per frame as columns (the results' ``tracks`` table),
    appended per frame and concatenated only when read.

    Columns: ``time_s``, ``battery`` (the unit index), ``track_id``, ``x_m``, ``y_m``, ``z_m``,
    ``vx_mps``, ``vy_mps``, ``vz_mps`` (ENU), ``position_std_m``, ``truth_id`` (-1: none).
    """

    COLUMNS = (
        "time_s",
        "battery",
        "track_id",
        "x_m",
        "y_m",
        "z_m",
        "vx_mps",
        "vy_mps",
        "vz_mps",
        "position_std_m",
        "truth_id",
    )

    def __init__(self) -> None:
        self._chunks: list[tuple[np.ndarray, ...]] = []
        """Per frame: times, units, track numbers, states (K, 6), sigmas and labels."""
        self._cache: dict[str, np.ndarray] | None = None

    def append(
        self, reports: TrackReports, truth_id: np.ndarray, position_std_m: np.ndarray | None = None
    ) -> None:
        """Add one frame of a unit's reports with their labels (``position_std_m``: the
        reports' own, if the caller has it already). The columns are kept, not copied: batches
        are never written after they are published."""
        if len(reports) == 0:
            return
        std = reports.position_std_m if position_std_m is None else position_std_m
        r = reports
        self._chunks.append((r.time_s, r.source_unit, r.track_number, r.x, std, truth_id))
        self._cache = None

    def _columns(self) -> dict[str, np.ndarray]:
        if self._cache is None:
            t, unit, number, x, std, tid = (
                np.concatenate(c) for c in zip(*self._chunks, strict=True)
            )
            self._cache = {"time_s": t, "battery": unit, "track_id": number}
            self._cache |= {c: x[:, k].copy() for k, c in enumerate(self.COLUMNS[3:9])}
            self._cache |= {"position_std_m": std, "truth_id": tid}
        return self._cache

    def __getitem__(self, name: str) -> np.ndarray:
        if not self._chunks:  # no frame reported: an empty mapping
            raise KeyError(name)
        return self._columns()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.COLUMNS if self._chunks else ())

    def __len__(self) -> int:
        return len(self.COLUMNS) if self._chunks else 0


class Scoring:
    """The recorder described in the module docstring, for ``world`` (the truth).

    ``unit_radars`` maps each tracking unit to its radar indices; ``scan_period_s`` each
    radar index to its scan period (s)."""

    def __init__(
        self,
        world: Any,
        settings: ScoringSettings,
        unit_radars: dict[int, tuple[int, ...]],
        scan_period_s: dict[int, float],
    ) -> None:
        self.world = world
        self.settings = settings
        n = len(world.threats)
        self.unit_radars = unit_radars
        self._window_s = {
            u: settings.seen_window_scans * max(scan_period_s[r] for r in rs)
            for u, rs in unit_radars.items()
        }
        self._radar_unit = {r: u for u, rs in unit_radars.items() for r in rs}
        self._radar_seen: dict[int, np.ndarray] = {}
        self._last_seen_s = {u: np.full(n, -np.inf) for u in unit_radars}
        self._tracked = np.zeros(n, dtype=bool)
        self._never_seen = np.full(n, -np.inf)
        self.history = TrackHistory()
        self._labels: dict[int, list[tuple[float, int]]] = {}
        self._last_frame: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        """Unit -> its last reports' track numbers (sorted) and their labels."""
        from iads.sim import scoring_kernel  # numba: loaded with the run, not with the module

        self._kernels = scoring_kernel
        """The compiled forms, looked up on the module each frame (a per-call import costs
        more than the lookup)."""

    def subscribe(self, bus: Any) -> None:
        """Listen to every radar's plots and every unit's track reports."""
        for r in self._radar_unit:
            bus.subscribe(f"plots/{r}", self._plots_of(r))
        for u in self.unit_radars:
            bus.subscribe(f"tracks/{u}", self.on_tracks)

    def _plots_of(self, radar: int):
        def sink(t_s: float, det: Detections) -> None:
            self.on_plots(radar, t_s, det)

        return sink

    def on_plots(self, radar: int, t_s: float, det: Detections) -> None:
        """Note which threats the radar saw; log first detections."""
        th = self.world.threats
        u = self._radar_unit.get(radar)
        seen = self._radar_seen.setdefault(radar, np.zeros(len(th), dtype=bool))
        last = None if u is None else self._last_seen_s[u]
        args = (det.truth_id, det.time_s, last, seen)  # threat ids are rows
        rows, at = self._kernels.plot_sightings(*args) or sightings(*args)
        if rows.size:
            self.world.log.record(
                "detect", t_s, th.id[rows], other_id=radar, pos_m=th.pos_m[rows],
                value=det.snr_db[at],
            )  # fmt: skip

    def on_tracks(self, t_s: float, reports: TrackReports) -> None:
        """Label a unit's reports, log first tracks, record the frame."""
        if len(reports) == 0:
            return
        th = self.world.threats
        u = int(reports.source_unit[0])
        std = reports.position_std_m
        flying, match = self._match(t_s, u, reports.x[:, :3], std)
        numbers = reports.track_number
        prev_n, prev_tid = self._last_frame.get(u, (np.empty(0, np.int64), np.empty(0, np.int64)))
        args = (match, flying, th.id, self._tracked, numbers, prev_n, prev_tid)
        labelled = self._kernels.frame_labels(*args)
        truth, rows, changed, sorted_n, sorted_tid = labelled or frame_labels(*args)
        if rows.size:  # one event per threat even if two units confirm it in the same frame
            self._tracked[truth[rows]] = True
            self.world.log.record(
                "track",
                t_s,
                truth[rows],
                other_id=reports.track_number[rows],
                pos_m=reports.x[rows, :3],
                value=std[rows],
            )
        # a track reported last frame with the same label has that label last in its history
        for n, tid in zip(numbers[changed].tolist(), truth[changed].tolist(), strict=True):
            hist = self._labels.setdefault(n, [])
            if not hist or hist[-1][1] != tid:
                hist.append((float(t_s), tid))
        self._last_frame[u] = (sorted_n, sorted_tid)
        self.history.append(reports, truth, std)

    def _match(self, t_s: float, u: int, pos_m: np.ndarray, std_m: np.ndarray):
        """Unit ``u``'s threats that may be credited at ``t_s`` (rows: in flight, seen within
        its window) and each track's row among them or -1 (``match_truth``); the screen and
        gate in one compiled call (``scoring_kernel.frame_gate``) when numba is there."""
        th = self.world.threats
        window = self._window_s.get(u, np.inf)
        last = self._last_seen_s.get(u)
        gate_m = self.settings.truth_gate_m
        seen = self._never_seen if last is None else last  # -inf: t - last <= inf holds
        framed = self._kernels.frame_gate(
            pos_m, std_m, th.pos_m, th.active, seen, t_s, window, gate_m
        )
        if framed is None:  # pragma: no cover - without numba
            ok = th.active if last is None else th.active & (t_s - last <= window)
            flying = ok.nonzero()[0]
            return flying, match_truth(pos_m, std_m, th.pos_m[flying], gate_m, compiled=False)
        flying, cost, first, unique = framed
        if flying.size == 0:
            return flying, np.full(pos_m.shape[0], -1, dtype=np.int64)
        if unique:  # as match_truth: the gated pairs are the assignment
            return flying, first
        return flying, _solve(cost, np.full(pos_m.shape[0], -1, dtype=np.int64))

    def label_at(self, track_number: int, t_s: float) -> int:
        """The threat id track ``track_number`` followed at ``t_s`` (its last label at or
        before then; its first label if it had none yet; -1 if never labelled)."""
        hist = self._labels.get(int(track_number))
        if not hist:
            return -1
        best = hist[0][1]
        for t, tid in hist:
            if t > t_s + 1e-9:
                break
            best = tid
        return best


__all__ = ["Scoring", "TrackHistory", "match_truth"]
