"""The fast PIP solver and table lookup give the numbers of their plain (..., 3) and 2-D
fancy-index formulations bit for bit (the speed-ups of issue 10 change no result)."""

import numpy as np

from iads.engagement import flyout as fo
from iads.engagement.envelope import predicted_intercept
from iads.engagement.tables import FlyoutTable, table_for


def _interp_reference(tab: FlyoutTable, values, ground_m, alt_m):
    """The bilinear lookup as first written: 2-D fancy indexing, NaN outside the grid."""
    g, h = np.asarray(ground_m, float), np.asarray(alt_m, float)
    gi = np.clip(np.searchsorted(tab.ground_m, g) - 1, 0, tab.ground_m.size - 2)
    hi = np.clip(np.searchsorted(tab.alt_m, h) - 1, 0, tab.alt_m.size - 2)
    g0, g1 = tab.ground_m[gi], tab.ground_m[gi + 1]
    h0, h1 = tab.alt_m[hi], tab.alt_m[hi + 1]
    u, w = (g - g0) / (g1 - g0), (h - h0) / (h1 - h0)
    out = (
        values[gi, hi] * (1 - u) * (1 - w)
        + values[gi + 1, hi] * u * (1 - w)
        + values[gi, hi + 1] * (1 - u) * w
        + values[gi + 1, hi + 1] * u * w
    )
    outside = (
        (g < tab.ground_m[0])
        | (g > tab.ground_m[-1])
        | (h < tab.alt_m[0] - 1.0)
        | (h > tab.alt_m[-1])
    )
    return np.where(outside, np.nan, out)


def _pip_reference(lp, tp, tv, table, t_max_s, n_scan=64, n_refine=5, origin_alt_m=0.0):
    """``predicted_intercept`` as first written: (..., 3) arrays, an int8 side flag."""
    lp = np.asarray(lp, float).reshape(-1, 1, 3)
    tp = np.asarray(tp, float).reshape(1, -1, 3)
    tv = np.asarray(tv, float).reshape(1, -1, 3)
    launcher_alt = fo.altitude_m(lp, origin_alt_m)

    def tof(ground, alt):
        return _interp_reference(table, table.tof_s, ground, alt)

    def g(t):
        pip = tp + tv * t[..., None]
        d = pip - lp
        rel = np.maximum(fo.altitude_m(pip, origin_alt_m) - launcher_alt, 0.0)
        return tof(np.hypot(d[..., 0], d[..., 1]), rel) - t

    ts = np.linspace(0.0, t_max_s, n_scan)
    shape = (lp.shape[0], tp.shape[1])
    vals = g(np.broadcast_to(ts[:, None, None], (n_scan, *shape)))
    crossing = (vals[:-1] > 0) & (vals[1:] <= 0)
    has = crossing.any(axis=0)
    k = np.argmax(crossing, axis=0)
    lo, hi = ts[k], ts[k + 1]
    g_lo = np.take_along_axis(vals, k[None], axis=0)[0]
    g_hi = np.take_along_axis(vals, k[None] + 1, axis=0)[0]
    g_lo, g_hi = np.where(has, g_lo, 1.0), np.where(has, g_hi, -1.0)
    side = np.zeros(shape, np.int8)
    for _ in range(n_refine):
        x = (lo * g_hi - hi * g_lo) / (g_hi - g_lo)
        gx = g(x)
        gx = np.where(np.isfinite(gx), gx, -1.0)
        up = gx > 0
        g_hi = np.where(up & (side == 1), 0.5 * g_hi, g_hi)
        g_lo = np.where(~up & (side == -1), 0.5 * g_lo, g_lo)
        lo, g_lo = np.where(up, x, lo), np.where(up, gx, g_lo)
        hi, g_hi = np.where(up, hi, x), np.where(up, g_hi, gx)
        side = np.where(up, 1, -1).astype(np.int8)
    t = np.where(has, (lo * g_hi - hi * g_lo) / (g_hi - g_lo), np.nan)
    pip = tp + tv * np.nan_to_num(t)[..., None]
    d = pip - lp
    alt = fo.altitude_m(pip, origin_alt_m)
    ground = np.hypot(d[..., 0], d[..., 1])
    speed = _interp_reference(table, table.speed_mps, ground, np.maximum(alt - launcher_alt, 0.0))
    pip = np.where(has[..., None], pip, np.nan)
    return t, pip, np.where(has, ground, np.nan), np.where(has, alt, np.nan), speed


def _same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def test_table_lookup_equals_the_fancy_index_formula(interceptors):
    rng = np.random.default_rng(np.random.SeedSequence(1010))
    for name in ("48N6-class", "40N6-class", "AMRAAM-class"):
        tab = table_for(interceptors[name])
        gmax, hmax = tab.ground_m[-1], tab.alt_m[-1]
        for _ in range(20):
            g = rng.uniform(-0.1 * gmax, 1.1 * gmax, (30, 5))
            h = rng.uniform(-50.0, 1.1 * hmax, (30, 5))
            g[0, 0], h[1, 1] = np.nan, np.nan
            assert _same(tab.tof(g, h), _interp_reference(tab, tab.tof_s, g, h))
            assert _same(tab.speed(g, h), _interp_reference(tab, tab.speed_mps, g, h))
        # broadcasting and 0-d queries as before
        assert _same(tab.tof(g[:, :1], h[0]), _interp_reference(tab, tab.tof_s, g[:, :1], h[0]))
        assert _same(tab.tof(1e4, 500.0), _interp_reference(tab, tab.tof_s, 1e4, 500.0))


def test_predicted_intercept_equals_the_plain_formulation(interceptors):
    rng = np.random.default_rng(np.random.SeedSequence(1011))
    found = 0
    for name in ("48N6-class", "AMRAAM-class"):
        itype = interceptors[name]
        tab = table_for(itype)
        reach = tab.ground_m[-1]
        for _ in range(30):
            lp = rng.uniform(-5e3, 5e3, (int(rng.integers(1, 3)), 3))
            lp[:, 2] = rng.uniform(0.0, 200.0, lp.shape[0])
            n = int(rng.integers(1, 30))
            tp = np.column_stack(
                [rng.uniform(-reach, reach, (n, 2)), rng.uniform(0.0, tab.alt_m[-1], n)]
            )
            tv = rng.normal(0.0, 300.0, (n, 3)) * [1.0, 1.0, 0.1]
            t_max, origin = float(rng.uniform(20.0, 300.0)), float(rng.uniform(0.0, 800.0))
            got = predicted_intercept(lp, tp, tv, tab, t_max, origin_alt_m=origin)
            ref = _pip_reference(lp, tp, tv, tab, t_max, origin_alt_m=origin)
            for field, want in zip(
                ("t_s", "pip_m", "ground_m", "alt_m", "speed_mps"), ref, strict=True
            ):
                assert _same(getattr(got, field), want), field
            found += int(np.isfinite(got.t_s).sum())
    assert found > 100  # the comparison covers real intercepts, not only misses
