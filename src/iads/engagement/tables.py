"""Fast mode: time-of-flight and reach tables built by the full fly-out, then interpolated.

For one interceptor type, a batch of interceptors is flown by ``flyout.fly`` from a launcher at
the ENU origin to stationary points on a grid of ground range x altitude (the intercept point,
with the earth's curvature). Each grid point records the time of flight to closest approach and
the speed there; points the interceptor cannot reach (time-out, too slow, ground) are NaN.
Queries interpolate bilinearly; any NaN corner makes the answer NaN (conservative edge).

Tables are cached per interceptor type and model (keyed by a hash of the type's full JSON and
of the fly-out model's source and the table constants, ``table_key``): in memory for the life
of the process and on disk under ``$IADS_CACHE_DIR`` (default ``~/.cache/iads``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import inspect
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from iads.engagement import flyout as fo
from iads.scenario.equipment import InterceptorType
from iads.sensors.geometry import surface_to_enu

TABLE_DT_S = 1.0
"""Outer step of ``fly`` for the tables (s). The targets are stationary, so it changes nothing
but the call overhead: the integration is the simulation's own (``flyout.H_COARSE_S``,
``flyout.H_FINE_S`` and the same substep rules), so tables and flown model agree."""


@dataclass(frozen=True)
class FlyoutTable:
    """Time of flight ``tof_s`` and arrival speed ``speed_mps``, each (R, H), over ground range
    ``ground_m`` (R,) and altitude ``alt_m`` (H,) of the intercept point; NaN = unreachable."""

    ground_m: np.ndarray
    alt_m: np.ndarray
    tof_s: np.ndarray
    speed_mps: np.ndarray

    @functools.cached_property
    def _cell_widths(self) -> tuple[np.ndarray, np.ndarray]:
        """Widths (m) of the ground-range and altitude cells, (R - 1,) and (H - 1,)."""
        return np.diff(self.ground_m), np.diff(self.alt_m)

    def _interp(self, values: np.ndarray, ground_m: np.ndarray, alt_m: np.ndarray) -> np.ndarray:
        """Bilinear interpolation of ``values`` (R, H) at ground range and altitude (m); NaN
        outside the grid. The corners are read from the flattened grid (one index for all
        four), the arithmetic is the plain bilinear formula in a fixed order."""
        g = np.asarray(ground_m, dtype=float)
        h = np.asarray(alt_m, dtype=float)
        n_g, n_h = self.ground_m.size, self.alt_m.size
        gi = np.minimum(np.maximum(np.searchsorted(self.ground_m, g) - 1, 0), n_g - 2)
        hi = np.minimum(np.maximum(np.searchsorted(self.alt_m, h) - 1, 0), n_h - 2)
        dg, dh = self._cell_widths
        u = (g - self.ground_m.take(gi)) / dg.take(gi)
        w = (h - self.alt_m.take(hi)) / dh.take(hi)
        flat = values.ravel()
        k = gi * n_h + hi
        u1, w1 = 1 - u, 1 - w
        out = flat.take(k) * u1 * w1
        out += flat.take(k + n_h) * u * w1
        out += flat.take(k + 1) * u1 * w
        out += flat.take(k + (n_h + 1)) * u * w
        outside = (
            (g < self.ground_m[0])
            | (g > self.ground_m[-1])
            | (h < self.alt_m[0] - 1.0)
            | (h > self.alt_m[-1])
        )
        return np.where(outside, np.nan, out)

    def tof(self, ground_m: np.ndarray, alt_m: np.ndarray) -> np.ndarray:
        """Time of flight (s) to an intercept point at ground range and altitude (m); NaN if
        out of reach. Broadcasts."""
        return self._interp(self.tof_s, ground_m, alt_m)

    def speed(self, ground_m: np.ndarray, alt_m: np.ndarray) -> np.ndarray:
        """Interceptor speed (m/s) on arrival; NaN if out of reach. Broadcasts."""
        return self._interp(self.speed_mps, ground_m, alt_m)


def grid_for(itype: InterceptorType, n_range: int = 28, n_alt: int = 8) -> tuple:
    """The default grid: ground range 0.5 km .. 1.25 max range, altitude 0 .. max altitude."""
    ground = np.linspace(500.0, 1.25 * itype.max_range_m, n_range)
    alt = np.linspace(0.0, itype.max_altitude_m, n_alt)
    return ground, alt


def build_table(
    itype: InterceptorType,
    ground_m: np.ndarray | None = None,
    alt_m: np.ndarray | None = None,
) -> FlyoutTable:
    """Fly the full model to every grid point (one batch) and tabulate the results."""
    g_def, h_def = grid_for(itype)
    ground = g_def if ground_m is None else np.asarray(ground_m, dtype=float)
    alt = h_def if alt_m is None else np.asarray(alt_m, dtype=float)
    gg, hh = np.meshgrid(ground, alt, indexing="ij")
    n = gg.size
    # the intercept point due north at ground range g and height h (+1 m, clear of the ground
    # test) above the spherical earth; the launcher at the origin, at sea level
    target = surface_to_enu(gg.ravel(), 0.0, hh.ravel() + 1.0)
    params = fo.InterceptorParams.from_types([itype] * n)
    rec = fo.fly(
        np.zeros((n, 3)),
        params,
        target,
        np.zeros((n, 3)),
        dt_s=TABLE_DT_S,
    )
    ok = (rec.outcome == fo.CPA) & (rec.speed_mps >= itype.min_speed_mps)
    tof = np.where(ok, rec.tof_s, np.nan).reshape(gg.shape)
    speed = np.where(ok, rec.speed_mps, np.nan).reshape(gg.shape)
    return FlyoutTable(ground, alt, tof, speed)


_TABLE_CODE = (build_table, grid_for)
"""The table code the fingerprint hashes, bound at import: a test that replaces
``build_table`` must not change the key of the real model."""
_CACHE: dict[str, FlyoutTable] = {}
SHIPPED_DIR = Path(__file__).with_name("shipped_tables")
"""The built-in types' tables shipped in the package (read only; ``iads.engagement.ship_tables``
writes them)."""
TABLE_VERSION = "4"
"""Format version of the cached tables. The model itself needs no manual bump: the disk key
holds a hash of its source (``model_fingerprint``)."""


def _source(obj: object) -> str:
    """The source of a module or function; its name and file where there is none (frozen)."""
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return f"{getattr(obj, '__name__', obj)}:{getattr(obj, '__file__', '')}"


def _module_text(name: str) -> str:
    """A module's source read from its file without importing it (``flyout_kernel``'s import
    would load numba); its name where there is no file."""
    spec = importlib.util.find_spec(name)
    try:
        return Path(spec.origin).read_text(encoding="utf-8")
    except (OSError, TypeError, AttributeError):
        return name


@functools.lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """SHA-256 of what a table depends on besides the interceptor type: the source of the
    fly-out model (``flyout``, its compiled loop ``flyout_kernel``, and the ``seeker`` and
    ``atmosphere`` it reads), of ``build_table`` and ``grid_for``, and the table constants
    (``TABLE_DT_S``, ``TABLE_VERSION``; the substep constants are in ``flyout``'s source).
    Any edit to the model changes it, so a changed model never reads tables cached by an
    older one. Cached for the life of the process (``model_fingerprint.cache_clear()`` after
    patching)."""
    from iads.engagement import atmosphere, seeker

    h = hashlib.sha256()
    texts = [_source(fo), _module_text("iads.engagement.flyout_kernel")]
    texts += [_source(obj) for obj in (seeker, atmosphere, *_TABLE_CODE)]
    for text in texts:
        h.update(text.encode())
        h.update(b"\0")
    consts = (TABLE_VERSION, TABLE_DT_S)
    h.update(repr(consts).encode())
    return h.hexdigest()


def table_key(itype: InterceptorType) -> str:
    """Disk-cache key of ``itype``'s default table: a hash of the type's full JSON and the
    ``model_fingerprint``."""
    text = model_fingerprint() + itype.model_dump_json()
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _cache_dir() -> Path | None:
    """``$IADS_CACHE_DIR`` or ``~/.cache/iads``; None if neither is writable."""
    root = os.environ.get("IADS_CACHE_DIR") or os.path.join(Path.home(), ".cache", "iads")
    path = Path(root) / "flyout_tables"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


def table_for(itype: InterceptorType) -> FlyoutTable:
    """The default table of ``itype``: from memory, else the tables shipped in the package for
    the built-in types (``iads.engagement.ship_tables``), else the disk cache (``table_key``:
    the type and the fly-out model's source), else built (about 20 s) and saved atomically."""
    key = table_key(itype)
    tab = _CACHE.get(key)
    if tab is not None:
        return tab
    shipped = SHIPPED_DIR / f"{key}.npz"
    if shipped.is_file():
        tab = _load(shipped, remove_damaged=False)  # the package is never written
    if tab is None:
        folder = _cache_dir()
        file = folder / f"{key}.npz" if folder is not None else None
        if file is not None and file.exists():
            tab = _load(file)
        if tab is None:
            tab = build_table(itype)
            if file is not None:
                _save(file, tab)
    _CACHE[key] = tab
    return tab


def _load(file: Path, remove_damaged: bool = True) -> FlyoutTable | None:
    """The table cached in ``file``, or None if it is damaged (empty, truncated, not an
    ``.npz``, wrong arrays, shapes or values; the file is then removed if ``remove_damaged``).
    A damaged table is rebuilt, never fatal."""
    try:
        with np.load(file, allow_pickle=False) as z:
            tab = FlyoutTable(
                *(
                    np.asarray(z[k], dtype=float)
                    for k in ("ground_m", "alt_m", "tof_s", "speed_mps")
                )
            )
        if _valid(tab):
            return tab
    except Exception:  # any damage (EOFError, BadZipFile, KeyError, ValueError ...): rebuild
        pass
    if remove_damaged:
        try:
            file.unlink()
        except OSError:
            pass
    return None


def _valid(tab: FlyoutTable) -> bool:
    """Whether ``tab`` has the shape and values a built table has: increasing finite axes of
    at least two points, (R, H) grids, times and speeds >= 0 or NaN (unreachable)."""
    g, h = tab.ground_m, tab.alt_m
    if g.ndim != 1 or h.ndim != 1 or g.size < 2 or h.size < 2:
        return False
    if not (np.isfinite(g).all() and np.isfinite(h).all()):
        return False
    if not (np.all(np.diff(g) > 0) and np.all(np.diff(h) > 0)):
        return False
    for grid in (tab.tof_s, tab.speed_mps):
        if grid.shape != (g.size, h.size) or np.isinf(grid).any():
            return False
        if (grid[np.isfinite(grid)] < 0).any():
            return False
    return True


def _save(file: Path, tab: FlyoutTable) -> None:
    """Write ``tab`` to ``file`` atomically (``iads.io.files.atomic_path``); a read-only or
    full cache folder keeps the table in memory only."""
    from iads.io.files import atomic_path

    try:
        with atomic_path(file, make_dirs=False) as tmp, open(tmp, "wb") as fh:
            np.savez(
                fh, ground_m=tab.ground_m, alt_m=tab.alt_m, tof_s=tab.tof_s, speed_mps=tab.speed_mps
            )
    except OSError:
        pass


def max_reach_m(table: FlyoutTable, alt_m: float) -> float:
    """Largest tabulated ground range (m) reachable at altitude ``alt_m`` (0 if none)."""
    g = table.ground_m
    ok = np.isfinite(table.tof(g, np.full_like(g, alt_m)))
    return float(g[ok].max()) if ok.any() else 0.0
