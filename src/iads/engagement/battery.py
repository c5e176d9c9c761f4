"""A battery's weapons as arrays: launcher units, rounds, reloads.

``LauncherBank`` holds U launcher units (each unit of a launcher site is a row) x K interceptor
types: rounds ready in the tubes, when each unit can fire next (``launch_interval_s``), reload
state and the battery's reserve. Functions take a bank and return a new one (never mutate;
its arrays are read-only).

Reloads: when a unit's tubes are empty and the battery still holds reserve rounds, the unit
reloads its original loadout (as far as the reserve allows) ``reload_time_s`` later. The reserve
defaults to one full reload per launcher unit (the battery's transloader load), an assumption
to sweep; it is one pool for the battery, not a reload per unit: a unit may reload more than
once while the pool lasts.

Which rounds fire at which targets is the command post's choice (``iads.c2.fire_plan``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from iads.vectors import any_of

_ARRAYS = (
    "site",
    "pos_m",
    "rounds",
    "loadout",
    "next_fire_s",
    "reload_done_s",
    "launch_interval_s",
    "reload_time_s",
    "reserve",
)


@dataclass(frozen=True)
class LauncherBank:
    """U launcher units x K interceptor types (``type_names``).

    ``site`` (U,) launcher-site index, ``pos_m`` (U, 3) ENU; ``rounds`` (U, K) ready rounds,
    ``loadout`` (U, K) a full load; ``next_fire_s`` (U,) earliest time of the next launch;
    ``reload_done_s`` (U,) time a reload in progress completes (NaN: none);
    ``launch_interval_s``, ``reload_time_s`` (U,); ``reserve`` (K,) rounds held for reloads.
    """

    type_names: tuple[str, ...]
    site: np.ndarray
    pos_m: np.ndarray
    rounds: np.ndarray
    loadout: np.ndarray
    next_fire_s: np.ndarray
    reload_done_s: np.ndarray
    launch_interval_s: np.ndarray
    reload_time_s: np.ndarray
    reserve: np.ndarray

    def __post_init__(self) -> None:
        """Read-only arrays: the command post's caches take a bank that is the same object
        as unchanged, so a write in place must fail loudly (change a copy, ``replace``)."""
        for name in _ARRAYS:
            getattr(self, name).setflags(write=False)

    @property
    def n_units(self) -> int:
        return int(self.site.shape[0])


def make_bank(
    sites: list[tuple[int, np.ndarray, int, dict[str, int], float, float]],
    reloads_per_unit: int = 1,
) -> LauncherBank:
    """A bank from launcher sites ``(site index, pos_m (3,), count, loadout, launch interval s,
    reload time s)``; each site contributes ``count`` units with ``loadout`` each."""
    names = tuple(sorted({n for s in sites for n in s[3]}))
    rows_site, rows_pos, rows_load, rows_li, rows_rt = [], [], [], [], []
    for idx, pos, count, loadout, interval, reload in sites:
        load = [int(loadout.get(n, 0)) for n in names]
        for _ in range(count):
            rows_site.append(idx)
            rows_pos.append(np.asarray(pos, dtype=float))
            rows_load.append(load)
            rows_li.append(interval)
            rows_rt.append(reload)
    u = len(rows_site)
    load = np.array(rows_load, dtype=np.int64).reshape(u, len(names))
    return LauncherBank(
        type_names=names,
        site=np.array(rows_site, dtype=np.int64),
        pos_m=np.array(rows_pos, dtype=float).reshape(u, 3),
        rounds=load.copy(),
        loadout=load,
        next_fire_s=np.zeros(u),
        reload_done_s=np.full(u, np.nan),
        launch_interval_s=np.array(rows_li, dtype=float),
        reload_time_s=np.array(rows_rt, dtype=float),
        reserve=reloads_per_unit * load.sum(axis=0),
    )


def stocked_bank(bank: LauncherBank, stock: dict[str, int]) -> LauncherBank:
    """``bank`` holding ``stock`` (interceptor type -> rounds on hand, tubes and depot
    together): each type loads the units in order up to their loadout, the rest is the
    reserve that reloads them; a type the stock leaves out has none."""
    rounds = np.zeros_like(bank.loadout)
    reserve = np.zeros_like(bank.reserve)
    for k, name in enumerate(bank.type_names):
        left = int(stock.get(name, 0))
        fill = np.minimum(np.cumsum(bank.loadout[:, k]), left)  # loaded so far, unit by unit
        rounds[:, k] = np.diff(fill, prepend=0)
        reserve[k] = left - int(fill[-1]) if fill.size else left
    return replace(bank, rounds=rounds, reserve=reserve)


def next_ready_s(bank: LauncherBank, t_s: float) -> float:
    """The earliest time (s) from ``t_s`` at which ``bank`` may hold a ready round: ``t_s``
    when a unit has rounds or an empty unit can still start a reload from the reserve (the
    next ``update_reloads`` starts it), else the first reload under way to finish (inf: none,
    the bank is spent for good unless rounds come back)."""
    if any_of(bank.rounds):
        return t_s
    idle = np.isnan(bank.reload_done_s)
    if (np.minimum(bank.loadout[idle], bank.reserve[None, :]).sum(axis=1) > 0).any():
        return t_s
    return first_reload_due_s(bank)


def first_reload_due_s(bank: LauncherBank) -> float:
    """The time (s) the first reload under way finishes (inf: none under way): before it,
    ``update_reloads`` leaves ``bank`` as it is unless it has an empty unit to start."""
    busy = bank.reload_done_s[np.isfinite(bank.reload_done_s)]
    return float(busy.min()) if busy.size else np.inf


def update_reloads(bank: LauncherBank, t_s: float) -> LauncherBank:
    """Finish reloads that are due and start reloads of empty units while the reserve lasts.
    ``bank`` itself when nothing changes (it is never modified in place)."""
    due = np.isfinite(bank.reload_done_s) & (bank.reload_done_s <= t_s)
    if not due.any():
        empty = (bank.rounds.sum(axis=1) == 0) & np.isnan(bank.reload_done_s)
        if (
            not empty.any()
            or not (np.minimum(bank.loadout[empty], bank.reserve[None, :]).sum(axis=1) > 0).any()
        ):
            return bank
    rounds = bank.rounds.copy()
    reserve = bank.reserve.copy()
    done_s = bank.reload_done_s.copy()
    due = np.isfinite(done_s) & (done_s <= t_s)
    for u in np.flatnonzero(due):  # fill the tubes up to the loadout (rounds may be back)
        take = np.minimum(np.maximum(bank.loadout[u] - rounds[u], 0), reserve)
        rounds[u] += take
        reserve -= take
        done_s[u] = np.nan
    empty = (rounds.sum(axis=1) == 0) & np.isnan(done_s)
    can = empty & (np.minimum(bank.loadout, reserve[None, :]).sum(axis=1) > 0)
    done_s[can] = t_s + bank.reload_time_s[can]
    return replace(bank, rounds=rounds, reserve=reserve, reload_done_s=done_s)


def weapon_rows(bank: LauncherBank, t_s: float, per_unit: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate rounds for one decision: (unit (R,), type (R,)), at most ``per_unit`` per unit
    (``per_unit`` launches at ``launch_interval_s`` spacing), only units able to fire now."""
    units, types = [], []
    ready = (bank.next_fire_s <= t_s + 1e-9).tolist()
    for u, held in enumerate(bank.rounds.tolist()):
        if not ready[u]:
            continue
        left = per_unit
        for k, count in enumerate(held):
            if count <= 0:
                continue
            n = int(min(left, count))
            units += [u] * n
            types += [k] * n
            left -= n
            if left == 0:
                break
    return np.array(units, dtype=np.int64), np.array(types, dtype=np.int64)


def fire(
    bank: LauncherBank,
    unit: np.ndarray,
    type_index: np.ndarray,
    t_s: float,
    launch_s: np.ndarray | None = None,
) -> tuple[LauncherBank, np.ndarray]:
    """Commit one round per (unit, type) row; returns the new bank and each round's launch
    time (s): by default a unit's k-th round this call leaves ``k * launch_interval_s`` after
    ``t_s``; or the given ``launch_s`` (F,) (each no earlier than the unit can fire). A round
    leaving later is queued and can still be given back (``return_rounds``).

    Raises ValueError if any unit would fire more rounds than it holds.
    """
    rounds = bank.rounds.copy()
    np.subtract.at(rounds, (unit, type_index), 1)
    if np.any(rounds < 0):
        raise ValueError("fire orders exceed the rounds held by a launcher unit")
    order = np.argsort(unit, kind="stable")
    out = np.empty(unit.shape[0])
    nxt = bank.next_fire_s.copy()
    for i in order:
        u = unit[i]
        out[i] = max(t_s, nxt[u]) if launch_s is None else max(float(launch_s[i]), nxt[u])
        nxt[u] = max(nxt[u], out[i] + bank.launch_interval_s[u])
    return replace(bank, rounds=rounds, next_fire_s=nxt), out


def return_rounds(
    bank: LauncherBank, unit: np.ndarray, type_index: np.ndarray, next_fire_s: np.ndarray
) -> LauncherBank:
    """Put cancelled rounds (one per (unit, type) row, never launched) back in their tubes;
    ``next_fire_s`` (F,) is when each row's unit can fire again (its last launch that did
    leave + the launch interval). Returns a new bank."""
    rounds = bank.rounds.copy()
    np.add.at(rounds, (unit, type_index), 1)
    nxt = bank.next_fire_s.copy()
    nxt[unit] = next_fire_s
    return replace(bank, rounds=rounds, next_fire_s=nxt)
