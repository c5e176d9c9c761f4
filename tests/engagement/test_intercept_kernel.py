"""The compiled predicted intercept gives the NumPy form's bits, on real and synthetic tables."""

import numpy as np
import pytest

from iads.engagement import intercept_kernel
from iads.engagement.envelope import predicted_intercept
from iads.engagement.tables import FlyoutTable, table_for

pytestmark = pytest.mark.skipif(intercept_kernel.njit is None, reason="numba not installed")

FIELDS = ("t_s", "pip_m", "ground_m", "alt_m", "speed_mps")


def _same(a, b) -> None:
    for f in FIELDS:
        x, y = getattr(a, f), getattr(b, f)
        assert x.shape == y.shape, f
        # bit for bit, NaN where NaN (assert_array_equal alone takes 0.0 == -0.0; a NaN's
        # sign means nothing)
        np.testing.assert_array_equal(x, y, err_msg=f)
        real = ~np.isnan(x)
        assert np.array_equal(np.signbit(x[real]), np.signbit(y[real])), f


def _targets(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Targets around the launchers: inbound, outbound, crossing, high, low, out of reach,
    standing still, and a few with NaN or infinite states."""
    pos = np.column_stack(
        [rng.uniform(-300e3, 300e3, n), rng.uniform(-300e3, 300e3, n), rng.uniform(0, 30e3, n)]
    )
    vel = rng.normal(0.0, 400.0, (n, 3)) * rng.integers(0, 2, (n, 1))
    inbound = rng.random(n) < 0.5  # most pairs of interest close on the launcher
    vel[inbound] = -pos[inbound] / np.linalg.norm(pos[inbound], axis=1, keepdims=True) * 300.0
    pos[:3] = [[20e3, 0.0, 15.0], [1e3, 1e3, 5e3], [0.0, 0.0, 0.0]]  # sea-skimmer, near, over
    pos[3, 0] = np.nan
    vel[4, 1] = np.inf
    vel[5] = 0.0
    return pos, vel


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", ["48N6-class", "40N6-class", "9M96E2-class", "PAC-3-MSE-class"])
def test_kernel_matches_numpy_form_on_catalog_tables(interceptors, name, seed) -> None:
    itype = interceptors[name]
    table = table_for(itype)
    rng = np.random.default_rng(seed)
    lp = rng.uniform(-5e3, 5e3, (3, 3))
    lp[:, 2] = rng.uniform(0.0, 300.0, 3)
    pos, vel = _targets(rng, 60)
    for origin in (0.0, 250.0):
        args = (lp, pos, vel, table, itype.max_time_of_flight_s)
        got = predicted_intercept(*args, origin_alt_m=origin)
        want = predicted_intercept(*args, origin_alt_m=origin, compiled=False)
        assert np.isfinite(want.t_s).sum() > 5  # some pairs have a PIP: the refinement ran
        assert np.isnan(want.t_s).sum() > 5  # and some none
        _same(got, want)


def test_kernel_matches_numpy_form_with_few_scans_and_holes() -> None:
    """A table with unreachable (NaN) cells, and scan and refinement counts off the default."""
    g = np.linspace(500.0, 120e3, 17)
    h = np.linspace(0.0, 25e3, 6)
    gg, hh = np.meshgrid(g, h, indexing="ij")
    tof = np.hypot(gg, hh) / 900.0 * (1.0 + 0.2 * np.sin(gg / 7e3))
    tof[5, 2] = tof[11, 4] = np.nan
    table = FlyoutTable(g, h, tof, 1200.0 - gg / 200.0)
    rng = np.random.default_rng(7)
    pos, vel = _targets(rng, 80)
    lp = np.array([[0.0, 0.0, 30.0], [2e3, -1e3, 0.0]])
    for n_scan, n_refine in ((64, 5), (9, 0), (23, 2), (2, 8)):
        kw = dict(n_scan=n_scan, n_refine=n_refine, origin_alt_m=12.0)
        got = predicted_intercept(lp, pos, vel, table, 150.0, **kw)
        want = predicted_intercept(lp, pos, vel, table, 150.0, compiled=False, **kw)
        _same(got, want)


def test_kernel_shapes_for_one_launcher_and_no_target(interceptors) -> None:
    table = table_for(interceptors["48N6-class"])
    got = predicted_intercept(np.zeros(3), np.zeros((0, 3)), np.zeros((0, 3)), table, 100.0)
    assert got.t_s.shape == (1, 0) and got.pip_m.shape == (1, 0, 3)


def test_one_velocity_for_every_target_broadcasts_as_the_numpy_form(interceptors) -> None:
    """A single velocity (3,) for T targets: the kernel needs one a target, so the NumPy form
    answers (it broadcasts); the compiled call must not read past the velocity."""
    table = table_for(interceptors["48N6-class"])
    pos = np.array([[20e3, 0.0, 500.0], [25e3, 5e3, 1e3], [30e3, -5e3, 2e3]])
    vel = np.array([-250.0, 0.0, 0.0])
    got = predicted_intercept(np.zeros(3), pos, vel, table, 100.0)
    want = predicted_intercept(np.zeros(3), pos, vel, table, 100.0, compiled=False)
    assert np.isfinite(want.t_s).all()
    _same(got, want)


def _subset_reference(lp, pos, vel, table, t_max_s, cand, origin):
    """The NumPy form on the candidate targets alone, NaN (no PIP) for the others."""
    idx = np.flatnonzero(cand)
    sub = predicted_intercept(lp, pos[idx], vel[idx], table, t_max_s, origin_alt_m=origin)
    out = {}
    for f in FIELDS:
        a = getattr(sub, f)
        out[f] = np.full((a.shape[0], pos.shape[0], *a.shape[2:]), np.nan)
        out[f][:, idx] = a
    return type(sub)(**out)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", ["48N6-class", "9M96E2-class", "PAC-3-MSE-class"])
def test_candidates_solve_only_those_targets(interceptors, name, seed) -> None:
    itype = interceptors[name]
    table = table_for(itype)
    rng = np.random.default_rng(100 + seed)
    lp = rng.uniform(-5e3, 5e3, (int(rng.integers(1, 3)), 3))
    pos, vel = _targets(rng, 40)
    t_max = itype.max_time_of_flight_s
    solved = 0
    for cand in (rng.random(40) < 0.4, np.ones(40, bool), np.zeros(40, bool)):
        for origin in (0.0, 250.0):
            want = _subset_reference(lp, pos, vel, table, t_max, cand, origin)
            for compiled in (True, False):
                got = predicted_intercept(
                    lp,
                    pos,
                    vel,
                    table,
                    t_max,
                    origin_alt_m=origin,
                    compiled=compiled,
                    candidates=cand,
                )
                _same(got, want)
                assert np.isnan(got.t_s[:, ~cand]).all()
                assert np.isnan(got.speed_mps[:, ~cand]).all()
            solved += int(np.isfinite(want.t_s).sum())
    assert solved > 0  # some candidate has a PIP: the solved pairs were compared


def test_candidates_of_another_length_are_refused(interceptors) -> None:
    itype = interceptors["48N6-class"]
    rng = np.random.default_rng(5)
    pos, vel = _targets(rng, 6)
    with pytest.raises(ValueError, match="different lengths"):
        predicted_intercept(
            np.zeros((1, 3)), pos, vel, table_for(itype), itype.max_time_of_flight_s,
            candidates=np.ones(5, bool),
        )  # fmt: skip
