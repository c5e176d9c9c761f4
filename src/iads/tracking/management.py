"""Track management: the track table, M-of-N confirmation, deletion, initiation, capacity.

The track table is struct-of-arrays (:class:`TrackTable`); every function returns a new table
and never mutates its argument. Conventions (Blackman & Popoli 1999, §9.2 and §9.3):

* Each scan, a track records a hit or a miss in a bit history (bit 0 is the latest scan).
* A tentative track is confirmed when at least M of its last N scans are hits (M-of-N logic).
* A tentative track is deleted as soon as it can no longer reach M hits within its first N
  scans; a confirmed track after ``delete_misses`` consecutive misses, or when its position
  standard deviation ``sqrt(trace P_pos)`` exceeds ``max_position_std_m`` (covariance growth).
* Initiation from one plot puts the converted position (Lerro & Bar-Shalom 1993 first-order
  covariance) with a zero-mean velocity prior of standard deviation ``velocity_std_mps`` per
  axis; two-point differencing pairs unassigned plots of consecutive scans that are closer than
  ``max_speed_mps * dt`` (Bar-Shalom et al. 2001 §5.5.3).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from iads.tracking.measurement import polar_to_cartesian
from iads.vectors import filled, take_rows

if TYPE_CHECKING:  # annotations only: numpy.typing is not loaded at run time
    from numpy.typing import ArrayLike, NDArray


__all__ = [
    "CONFIRMED",
    "TENTATIVE",
    "TrackTable",
    "concat",
    "confirm",
    "deletion_mask",
    "empty_table",
    "initiate_one_point",
    "initiate_two_point",
    "record_scan",
    "add_score",
    "confirm_by_score",
    "score_thresholds",
    "select",
]

TENTATIVE = np.int8(0)
CONFIRMED = np.int8(1)


@dataclass(frozen=True)
class TrackTable:
    """Tracks as arrays of length N (read-only view; functions return new tables).

    ``x`` (N, n) ENU state ``[x, y, z, vx, vy, vz]`` (m, m/s), ``P`` (N, n, n); ``track_id``
    (N,) int64, unique for the life of a tracker; ``status`` (N,) int8 (TENTATIVE or CONFIRMED);
    ``hits`` (N,) uint32 bit history (bit 0 = latest scan); ``n_scans`` (N,) scans since
    creation; ``misses`` (N,) consecutive misses; ``t_created_s``, ``t_update_s`` (last plot),
    ``t_confirmed_s`` (NaN while tentative); ``score`` (N,) the track score, the log likelihood
    ratio "target" against "false alarms" (Blackman & Popoli 1999 §6.2). ``extra`` holds filter-specific per-track arrays
    (first axis N), for example IMM mode states and probabilities.
    """

    x: NDArray[np.float64]
    P: NDArray[np.float64]
    track_id: NDArray[np.int64]
    status: NDArray[np.int8]
    hits: NDArray[np.uint32]
    n_scans: NDArray[np.int64]
    misses: NDArray[np.int64]
    t_created_s: NDArray[np.float64]
    t_update_s: NDArray[np.float64]
    t_confirmed_s: NDArray[np.float64]
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    score: NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        if self.score is None:  # tables built without a score start at 0 (equal odds)
            object.__setattr__(self, "score", np.zeros(self.track_id.shape[0]))

    def __len__(self) -> int:
        return int(self.track_id.shape[0])

    @property
    def confirmed(self) -> NDArray[np.bool_]:
        """Mask (N,) of confirmed tracks."""
        return self.status == CONFIRMED

    @property
    def position_std_m(self) -> NDArray[np.float64]:
        """``sqrt(trace P_pos)`` (N,), m."""
        return np.sqrt(np.trace(self.P[:, 0:3, 0:3], axis1=1, axis2=2))


def evolve(obj: Any, **changes: Any) -> Any:
    """``dataclasses.replace(obj, **changes)`` for the tracker's frozen records (``TrackTable``,
    ``TrackerState``), without the frozen ``__init__``'s per-field ``object.__setattr__``: the
    full tracker replaces them some 20 times a frame. The same record as ``replace`` makes
    whenever ``__post_init__`` would change nothing (``TrackTable``'s fills a ``score`` left
    None, so ``score=None`` is refused here) and every name is a field."""
    names = _field_names(type(obj))
    unknown = set(changes) - names
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(unknown)}")
    if "score" in changes and changes["score"] is None:
        raise TypeError("evolve: score=None (its __post_init__ fills it): build a new table")
    new = object.__new__(type(obj))
    own = obj.__dict__
    new.__dict__.update({n: own[n] for n in names})  # fields only: nothing cached carries over
    new.__dict__.update(changes)
    return new


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


_ROW_FIELDS = (
    "x",
    "P",
    "track_id",
    "status",
    "hits",
    "n_scans",
    "misses",
    "t_created_s",
    "t_update_s",
    "t_confirmed_s",
    "score",
)


def empty_table(n_state: int = 6, extra: dict[str, tuple[int, ...]] | None = None) -> TrackTable:
    """A table with no tracks; ``extra`` maps names to per-track shapes (without N)."""
    return TrackTable(
        x=np.empty((0, n_state)),
        P=np.empty((0, n_state, n_state)),
        track_id=np.empty(0, np.int64),
        status=np.empty(0, np.int8),
        hits=np.empty(0, np.uint32),
        n_scans=np.empty(0, np.int64),
        misses=np.empty(0, np.int64),
        t_created_s=np.empty(0),
        t_update_s=np.empty(0),
        t_confirmed_s=np.empty(0),
        score=np.empty(0),
        extra={k: np.empty((0, *s)) for k, s in (extra or {}).items()},
    )


def _built(cols: dict[str, Any]) -> TrackTable:
    """``TrackTable(**cols)`` for ``cols`` holding every field (``score`` not None), without the
    frozen ``__init__``'s per-field ``object.__setattr__``: the full tracker builds tables a
    few times a frame, on a few hundred rows, where those cost as much as the arrays."""
    table = object.__new__(TrackTable)
    table.__dict__.update(cols)
    return table


def select(table: TrackTable, index: ArrayLike | slice) -> TrackTable:
    """Rows ``index`` (mask, integer indices or slice) of a table, as a new table."""
    idx = index if isinstance(index, slice) else np.asarray(index)
    if isinstance(idx, np.ndarray) and idx.dtype == np.bool_ and idx.shape == (len(table),):
        idx = np.flatnonzero(idx)  # the same rows: one pass over the mask, not one a column
    cols = {f: take_rows(getattr(table, f), idx) for f in _ROW_FIELDS}
    cols["extra"] = {k: take_rows(v, idx) for k, v in table.extra.items()}
    return _built(cols)


def concat(a: TrackTable, b: TrackTable) -> TrackTable:
    """Rows of ``a`` then ``b`` (same state size and extra keys)."""
    cols = {f: np.concatenate([getattr(a, f), getattr(b, f)]) for f in _ROW_FIELDS}
    cols["extra"] = {k: np.concatenate([a.extra[k], b.extra[k]]) for k in a.extra}
    return _built(cols)


def record_scan(
    table: TrackTable, hit: ArrayLike, t_s: float, scored: ArrayLike | None = None
) -> TrackTable:
    """Record one scan: shift the hit history, count misses, stamp updated tracks.

    ``hit`` (N,) bool; ``scored`` (N,) bool, default all: only these tracks record the scan
    (for example the tracks a rotating radar's beam swept), the others are left as they were.
    """
    hit = np.asarray(hit, dtype=bool)
    s = np.ones(len(table), dtype=bool) if scored is None else np.asarray(scored, dtype=bool)
    shifted = ((table.hits.astype(np.uint64) << np.uint64(1)) | hit).astype(np.uint32)
    return evolve(
        table,
        hits=np.where(s, shifted, table.hits).astype(np.uint32),
        n_scans=table.n_scans + s,
        misses=np.where(s, np.where(hit, 0, table.misses + 1), table.misses),
        t_update_s=np.where(s & hit, t_s, table.t_update_s),
    )


def _window_hits(hits: np.ndarray, n: int) -> np.ndarray:
    mask = np.uint32((1 << n) - 1)
    return np.bitwise_count(hits & mask).astype(np.int64)


def confirm(table: TrackTable, m: int, n: int, t_s: float) -> TrackTable:
    """Confirm tentative tracks with at least ``m`` hits in their last ``n`` scans."""
    new = (table.status == TENTATIVE) & (_window_hits(table.hits, n) >= m)
    return evolve(
        table,
        status=np.where(new, CONFIRMED, table.status).astype(np.int8),
        t_confirmed_s=np.where(new, t_s, table.t_confirmed_s),
    )


def score_thresholds(
    false_track_probability: float, true_track_rejection: float
) -> tuple[float, float]:
    """Wald's SPRT thresholds on the track score (Blackman & Popoli 1999 §6.2, eq. 6.17):
    confirm at ``T2 = ln((1 - beta) / alpha)``, delete a tentative track below
    ``T1 = ln(beta / (1 - alpha))``; ``alpha`` is the probability of confirming a false track,
    ``beta`` that of rejecting a true one."""
    a, b = false_track_probability, true_track_rejection
    return float(np.log((1.0 - b) / a)), float(np.log(b / (1.0 - a)))


def add_score(table: TrackTable, rows: ArrayLike, delta: ArrayLike) -> TrackTable:
    """Add ``delta`` (K,) to the score of rows ``rows`` (K,) (repeated rows add up)."""
    score = table.score.copy()
    rows = np.asarray(rows, dtype=np.int64)
    delta = np.asarray(delta, dtype=float)
    if _distinct(rows, delta):
        score[rows] += delta  # distinct rows (the tracker's): the same sums, without add.at
    else:
        np.add.at(score, rows, delta)
    return evolve(table, score=score)


def _distinct(rows: np.ndarray, delta: np.ndarray) -> bool:
    """Whether ``rows`` (K,) are distinct row numbers (>= 0, increasing), one per ``delta``."""
    if rows.ndim != 1 or rows.shape != delta.shape:
        return False
    if rows.size < 2:
        return rows.size == 0 or bool(rows[0] >= 0)
    return bool(rows[0] >= 0) and not np.count_nonzero(rows[1:] <= rows[:-1])


def confirm_by_score(table: TrackTable, threshold: float, t_s: float) -> TrackTable:
    """Confirm tentative tracks whose score reached ``threshold`` (SPRT upper threshold)."""
    new = (table.status == TENTATIVE) & (table.score >= threshold)
    return evolve(
        table,
        status=np.where(new, CONFIRMED, table.status).astype(np.int8),
        t_confirmed_s=np.where(new, t_s, table.t_confirmed_s),
    )


def deletion_mask(
    table: TrackTable,
    m: int,
    n: int,
    delete_misses: int,
    max_position_std_m: float,
    tentative_delete_misses: int | None = None,
    score_floor: float | None = None,
) -> NDArray[np.bool_]:
    """Tracks to delete (N,): tentative that cannot reach m of n (or, if given, after
    ``tentative_delete_misses`` consecutive misses), confirmed after ``delete_misses``
    consecutive misses, any whose position std exceeds the limit. With ``score_floor`` (score
    confirmation) a tentative track goes when its score falls below it, instead of M of N."""
    tentative = table.status == TENTATIVE
    if score_floor is None:
        remaining = np.maximum(n - table.n_scans, 0)
        hopeless = tentative & (_window_hits(table.hits, n) + remaining < m)
    else:
        hopeless = tentative & (table.score < score_floor)
    if tentative_delete_misses is not None:
        hopeless |= tentative & (table.misses >= tentative_delete_misses)
    lost = ~tentative & (table.misses >= delete_misses)
    return hopeless | lost | (table.position_std_m > max_position_std_m)


def _new_rows(
    x: np.ndarray, P: np.ndarray, first_id: int, t_s: float, extra: dict[str, np.ndarray]
) -> TrackTable:
    k = x.shape[0]
    return _built(
        {
            "x": x,
            "P": P,
            "track_id": first_id + np.arange(k, dtype=np.int64),
            "status": filled(k, TENTATIVE, np.int8),
            "hits": filled(k, 1, np.uint32),
            "n_scans": filled(k, 1, np.int64),
            "misses": np.zeros(k, np.int64),
            "t_created_s": filled(k, t_s),
            "t_update_s": filled(k, t_s),
            "t_confirmed_s": filled(k, np.nan),
            "score": np.zeros(k),
            "extra": extra,
        }
    )


def initiate_one_point(
    z: ArrayLike,
    R: ArrayLike,
    sensor_pos_m: ArrayLike,
    velocity_std_mps: float,
    t_s: float,
    first_id: int,
) -> TrackTable:
    """New tentative tracks (K) from K plots ``z`` (K, >=3) with noise ``R``.

    ``x = [p, 0]``, ``P = blockdiag(J R J', velocity_std_mps^2 I)`` (converted measurement and
    velocity prior). Track ids are ``first_id, first_id + 1, ...``; each track counts one hit.
    """
    pos, C = polar_to_cartesian(z, sensor_pos_m, R)
    k = pos.shape[0]
    x = np.zeros((k, 6))
    x[:, 0:3] = pos
    P = np.zeros((k, 6, 6))
    P[:, 0:3, 0:3] = C
    P[:, 3:6, 3:6] = _velocity_prior(float(velocity_std_mps))
    return _new_rows(x, P, first_id, t_s, {})


@functools.lru_cache(maxsize=8)
def _velocity_prior(velocity_std_mps: float) -> NDArray[np.float64]:
    """``velocity_std_mps^2 I`` (3, 3), m^2/s^2, read-only (initiation uses it every call)."""
    block = np.eye(3) * velocity_std_mps**2
    block.flags.writeable = False
    return block


def initiate_two_point(
    pos1_m: ArrayLike,
    cov1_m2: ArrayLike,
    t1_s: float,
    pos2_m: ArrayLike,
    cov2_m2: ArrayLike,
    t2_s: float,
    max_speed_mps: float,
    first_id: int,
) -> tuple[TrackTable, NDArray[np.int64]]:
    """Two-point differencing between unassigned plots of two scans (converted positions).

    Every pair (earlier i, later j) with ``|p2 - p1| <= max_speed_mps (t2 - t1)`` starts a track
    ``x = [p2, (p2 - p1)/dt]``, ``P = [[C2, C2/dt], [C2/dt, (C1 + C2)/dt^2]]`` (Bar-Shalom et al.
    2001 §5.5.3). Returns the new tracks (with two hits) and the later plots used, (K,).
    """
    p1 = np.asarray(pos1_m, dtype=float).reshape(-1, 3)
    p2 = np.asarray(pos2_m, dtype=float).reshape(-1, 3)
    C1 = np.asarray(cov1_m2, dtype=float).reshape(-1, 3, 3)
    C2 = np.asarray(cov2_m2, dtype=float).reshape(-1, 3, 3)
    dt = t2_s - t1_s
    if p1.shape[0] == 0 or p2.shape[0] == 0 or dt <= 0:
        return _new_rows(np.empty((0, 6)), np.empty((0, 6, 6)), first_id, t2_s, {}), np.empty(
            0, np.int64
        )
    from scipy.spatial import cKDTree  # two-point initiation only

    hits = cKDTree(p1).query_ball_point(p2, r=max_speed_mps * dt)
    counts = np.fromiter((len(h) for h in hits), np.int64, count=p2.shape[0])
    j = np.repeat(np.arange(p2.shape[0]), counts)
    i = np.fromiter((a for h in hits for a in h), np.int64, count=int(counts.sum()))
    x = np.concatenate([p2[j], (p2[j] - p1[i]) / dt], axis=1)
    P = np.zeros((j.size, 6, 6))
    P[:, 0:3, 0:3] = C2[j]
    P[:, 0:3, 3:6] = C2[j] / dt
    P[:, 3:6, 0:3] = C2[j] / dt
    P[:, 3:6, 3:6] = (C1[i] + C2[j]) / dt**2
    table = _new_rows(x, P, first_id, t2_s, {})
    table = evolve(table, hits=np.full(j.size, 3, np.uint32), n_scans=np.full(j.size, 2))
    return table, j
