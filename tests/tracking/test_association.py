"""Association: spatial-index gating equals all-pairs Mahalanobis; GNN equals brute force;
JPDA equals a hand enumeration of joint events."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.tracking.association import (
    box_pairs,
    clusters,
    gate,
    gate_pair_cost,
    gnn,
    jpda,
    plots_to_enu,
    sparse_assignment,
)
from iads.tracking.kalman import innovation_polar, nis
from iads.tracking.measurement import polar_measure, polar_noise_cov

from .conftest import make_rng, random_spd


@pytest.fixture(params=[False, True], ids=["numpy", "compiled"])
def compiled(request) -> bool:
    """Both forms of the gate: the NumPy reference and the compiled kernel."""
    return request.param


def _scene(seed: int, n_tracks: int, n_plots: int, spread_m: float, range_rate: bool = False):
    rng = make_rng(41, seed)
    centre = np.array([30e3, 40e3, 5e3])
    x = np.zeros((n_tracks, 6))
    x[:, 0:3] = centre + rng.uniform(-spread_m, spread_m, (n_tracks, 3))
    x[:, 3:6] = rng.normal(0, 200, (n_tracks, 3))
    P = random_spd(rng, 6, (n_tracks,), scale=rng.uniform(3e5, 2e6))
    pos = centre + rng.uniform(-spread_m, spread_m, (n_plots, 3))
    states = np.concatenate([pos, rng.normal(0, 200, (n_plots, 3))], axis=1)
    sensor = np.array([1e3, -2e3, 10.0])
    z = polar_measure(states, sensor, range_rate)
    sig = rng.uniform(0.5, 2.0, n_plots)
    R = polar_noise_cov(
        50 * sig, np.deg2rad(0.2) * sig, np.deg2rad(0.3) * sig, 5 * sig if range_rate else None
    )
    return x, P, z, R, sensor


@pytest.mark.parametrize("range_rate", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_spatial_gate_equals_all_pairs(seed: int, range_rate: bool, compiled: bool) -> None:
    x, P, z, R, sensor = _scene(seed, 40, 60, 3000.0, range_rate)
    gate_d2 = 16.0
    g = gate(x, P, z, R, sensor, gate_d2, range_rate, compiled)
    ti, pj = np.meshgrid(np.arange(40), np.arange(60), indexing="ij")
    ti, pj = ti.ravel(), pj.ravel()
    nu, S, _ = innovation_polar(x[ti], P[ti], z[pj], R[pj], sensor, range_rate)
    d2 = nis(nu, S)
    want = {(int(a), int(b)) for a, b in zip(ti[d2 <= gate_d2], pj[d2 <= gate_d2], strict=True)}
    got = set(zip(g.track.tolist(), g.plot.tolist(), strict=True))
    assert len(want) > 5  # the scene is dense enough to make the test bite
    assert got == want
    np.testing.assert_allclose(np.sort(g.d2), np.sort(d2[d2 <= gate_d2]), rtol=1e-12)


def test_plots_to_enu_inverts_polar_measure() -> None:
    rng = make_rng(42)
    pos = rng.uniform(-1e5, 1e5, (50, 3))
    sensor = np.array([100.0, 200.0, 30.0])
    np.testing.assert_allclose(plots_to_enu(polar_measure(pos, sensor), sensor), pos, atol=1e-6)


def _brute_force(n_tracks: int, n_plots: int, pairs: dict[tuple[int, int], float]) -> float:
    best = 0.0
    for k in range(1, min(n_tracks, n_plots) + 1):
        for tracks in itertools.combinations(range(n_tracks), k):
            for plots in itertools.permutations(range(n_plots), k):
                keys = list(zip(tracks, plots, strict=True))
                if all(key in pairs for key in keys):
                    best = min(best, sum(pairs[key] for key in keys))
    return best


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_tracks=st.integers(1, 5),
    n_plots=st.integers(1, 5),
    density=st.floats(0.2, 1.0),
)
def test_gnn_equals_brute_force(seed: int, n_tracks: int, n_plots: int, density: float) -> None:
    rng = make_rng(43, seed)
    mask = rng.random((n_tracks, n_plots)) < density
    ti, pj = np.nonzero(mask)
    cost = rng.normal(-2.0, 3.0, ti.size)
    out = gnn(n_tracks, n_plots, ti, pj, cost)
    pairs = {(int(a), int(b)): float(c) for a, b, c in zip(ti, pj, cost, strict=True)}
    got_pairs = [(i, int(j)) for i, j in enumerate(out) if j >= 0]
    assert len({j for _, j in got_pairs}) == len(got_pairs)  # each plot used once
    assert all(p in pairs for p in got_pairs)
    got = sum(pairs[p] for p in got_pairs)
    assert got == pytest.approx(_brute_force(n_tracks, n_plots, pairs), abs=1e-9)


def test_gnn_several_clusters_brute_force() -> None:
    rng = make_rng(44)
    # three blocks of 3 tracks x 4 plots, plus singletons, solved together
    ti, pj, cost = [], [], []
    for b in range(3):
        for i in range(3):
            for j in range(4):
                if rng.random() < 0.7:
                    ti.append(3 * b + i)
                    pj.append(4 * b + j)
                    cost.append(rng.normal(-3, 2))
    ti += [9, 10, 10]
    pj += [12, 13, 14]
    cost += [-1.0, 0.5, -0.2]
    out = gnn(11, 15, np.array(ti), np.array(pj), np.array(cost))
    pairs = {(a, b): c for a, b, c in zip(ti, pj, cost, strict=True)}
    total = sum(pairs[(i, int(j))] for i, j in enumerate(out) if j >= 0)
    want = (
        sum(
            _brute_force(
                3,
                4,
                {
                    (a - 3 * b, p - 4 * b): c
                    for (a, p), c in pairs.items()
                    if 3 * b <= a < 3 * b + 3
                },
            )
            for b in range(3)
        )
        - 1.0
        - 0.2
    )
    assert total == pytest.approx(want)
    assert out[9] == 12 and out[10] == 14


def test_clusters_connected_components() -> None:
    t_lab, p_lab = clusters(4, 5, np.array([0, 1, 1, 3]), np.array([0, 0, 2, 4]))
    assert t_lab[0] == t_lab[1] == p_lab[0] == p_lab[2]
    assert t_lab[3] == p_lab[4] != t_lab[0]
    assert len({t_lab[2], p_lab[1], t_lab[0], t_lab[3]}) == 4


def test_jpda_two_by_two_hand_enumeration() -> None:
    # tracks 1, 2; plots a, b; every pair gated: L1a, L1b, L2a, L2b
    L = {"1a": 2.0, "1b": 0.5, "2a": 1.5, "2b": 3.0}
    ti = np.array([0, 0, 1, 1])
    pj = np.array([0, 1, 0, 1])
    lr = np.array([L["1a"], L["1b"], L["2a"], L["2b"]])
    # joint events: {}, {1a}, {1b}, {2a}, {2b}, {1a,2b}, {1b,2a}
    events = {
        (): 1.0,
        ("1a",): L["1a"],
        ("1b",): L["1b"],
        ("2a",): L["2a"],
        ("2b",): L["2b"],
        ("1a", "2b"): L["1a"] * L["2b"],
        ("1b", "2a"): L["1b"] * L["2a"],
    }
    total = sum(events.values())

    def marginal(pair: str) -> float:
        return sum(w for e, w in events.items() if pair in e) / total

    beta, beta0 = jpda(2, 2, ti, pj, lr)
    np.testing.assert_allclose(beta, [marginal(k) for k in ("1a", "1b", "2a", "2b")], rtol=1e-12)
    no1 = sum(w for e, w in events.items() if not any(p.startswith("1") for p in e)) / total
    no2 = sum(w for e, w in events.items() if not any(p.startswith("2") for p in e)) / total
    np.testing.assert_allclose(beta0, [no1, no2], rtol=1e-12)


def test_jpda_single_track_is_pda() -> None:
    # one track, three plots: beta_j = L_j / (1 + sum L) (Bar-Shalom et al. 2011 §6.4, PDA)
    lr = np.array([0.3, 2.0, 1.1])
    beta, beta0 = jpda(1, 3, np.zeros(3, dtype=int), np.arange(3), lr)
    np.testing.assert_allclose(beta, lr / (1 + lr.sum()))
    np.testing.assert_allclose(beta0, [1 / (1 + lr.sum())])


def test_gate_costs_are_finite_and_inputs_not_mutated() -> None:
    x, P, z, R, sensor = _scene(7, 10, 12, 2000.0)
    copies = [a.copy() for a in (x, P, z, R)]
    g = gate(x, P, z, R, sensor, 25.0)
    cost = gate_pair_cost(g, 0.9, 1e-6)
    assert np.all(np.isfinite(cost))
    for a, b in zip(copies, (x, P, z, R), strict=True):
        np.testing.assert_array_equal(a, b)


def test_jpda_large_cluster_uses_cheap_jpda() -> None:
    # 7 tracks all gating 3 plots: above the exact limit, so Fitzgerald's formula applies
    from iads.tracking.association import JPDA_EXACT_MAX_TRACKS

    n_t = JPDA_EXACT_MAX_TRACKS + 1
    ti, pj = np.meshgrid(np.arange(n_t), np.arange(3), indexing="ij")
    ti, pj = ti.ravel(), pj.ravel()
    lr = make_rng(45).uniform(0.1, 5.0, ti.size)
    beta, beta0 = jpda(n_t, 3, ti, pj, lr)
    G = np.zeros((n_t, 3))
    G[ti, pj] = lr
    want = G / (G.sum(1, keepdims=True) + G.sum(0, keepdims=True) - G + 1.0)
    np.testing.assert_allclose(beta, want[ti, pj], rtol=1e-12)
    np.testing.assert_allclose(beta0, np.clip(1 - want.sum(1), 0, 1), rtol=1e-12)


def _jpda_brute(n_tracks: int, pairs: dict[tuple[int, int], float]):
    """Every joint event by enumeration: marginals beta (per pair) and beta0 (per track)."""
    options = [[None] + [j for (i, j) in pairs if i == t] for t in range(n_tracks)]
    acc = dict.fromkeys(pairs, 0.0)
    none = np.zeros(n_tracks)
    total = 0.0
    for event in itertools.product(*options):
        plots = [j for j in event if j is not None]
        if len(plots) != len(set(plots)):
            continue
        w = float(np.prod([pairs[(t, j)] for t, j in enumerate(event) if j is not None]))
        total += w
        for t, j in enumerate(event):
            if j is None:
                none[t] += w
            else:
                acc[(t, j)] += w
    return {k: v / total for k, v in acc.items()}, none / total


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_tracks=st.integers(1, 4),
    n_plots=st.integers(1, 4),
    density=st.floats(0.2, 1.0),
)
def test_jpda_equals_enumeration(seed: int, n_tracks: int, n_plots: int, density: float) -> None:
    rng = make_rng(46, seed)
    ti, pj = np.nonzero(rng.random((n_tracks, n_plots)) < density)
    lr = rng.uniform(0.05, 10.0, ti.size)
    beta, beta0 = jpda(n_tracks, n_plots, ti, pj, lr)
    want, want0 = _jpda_brute(
        n_tracks, {(int(a), int(b)): c for a, b, c in zip(ti, pj, lr, strict=True)}
    )
    np.testing.assert_allclose(
        beta, [want[(int(a), int(b))] for a, b in zip(ti, pj, strict=True)], rtol=1e-10
    )
    np.testing.assert_allclose(beta0, want0, rtol=1e-10)


def test_pda_update_with_certain_plot_is_the_ekf_update() -> None:
    from iads.tracking.association import pda_update
    from iads.tracking.kalman import ekf_update_polar

    x, P, z, R, sensor = _scene(8, 5, 5, 50.0)
    g = gate(x, P, z, R, sensor, 1e6)  # everything gated
    keep = g.track == g.plot  # one pair per track, certain: beta = 1, beta0 = 0
    from iads.tracking.association import Gate

    g1 = Gate(*(getattr(g, f)[keep] for f in ("track", "plot", "d2", "nu", "S", "H", "logdet_S")))
    xp, Pp = pda_update(x, P, g1, np.ones(len(g1)), np.zeros(5))
    xe, Pe, _, _ = ekf_update_polar(x[g1.track], P[g1.track], z[g1.plot], R[g1.plot], sensor)
    np.testing.assert_allclose(xp[g1.track], xe, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(Pp[g1.track], Pe, rtol=1e-6, atol=1e-6)
    # with beta0 = 1 nothing changes
    x0, P0 = pda_update(x, P, g1, np.zeros(len(g1)), np.ones(5))
    np.testing.assert_allclose(x0, x)
    np.testing.assert_allclose(P0, P)


@pytest.mark.parametrize("seed", range(3))
def test_spatial_gate_equals_all_pairs_around_the_radar(seed: int, compiled: bool) -> None:
    """Tracks and plots on every side of the radar: azimuths across north (the wrap at
    0 / 2 pi) and tracks so close that their azimuth bound spans every direction."""
    rng = make_rng(43, seed)
    sensor = np.array([0.0, 0.0, 0.0])
    n, m = 60, 90
    ang = np.r_[rng.uniform(-0.05, 0.05, n // 2), rng.uniform(0, 2 * np.pi, n - n // 2)]
    rng_m = np.r_[rng.uniform(200.0, 3e3, 10), rng.uniform(5e3, 40e3, n - 10)]
    x = np.zeros((n, 6))
    x[:, 0], x[:, 1] = rng_m * np.sin(ang), rng_m * np.cos(ang)
    x[:, 2] = rng.uniform(100.0, 3e3, n)
    P = random_spd(rng, 6, (n,), scale=2e5)
    src = x[rng.integers(0, n, m), :3] + rng.normal(0, 600.0, (m, 3))
    states = np.concatenate([src, np.zeros((m, 3))], axis=1)
    z = polar_measure(states, sensor)
    R = polar_noise_cov(50.0, np.deg2rad(0.5), np.deg2rad(0.5))
    gate_d2 = 16.0
    g = gate(x, P, z, R, sensor, gate_d2, compiled=compiled)
    ti, pj = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(m), indexing="ij"))
    nu, S, _ = innovation_polar(x[ti], P[ti], z[pj], R, sensor)
    ok = nis(nu, S) <= gate_d2
    want = set(zip(ti[ok].tolist(), pj[ok].tolist(), strict=True))
    crossing = {
        (a, b)
        for a, b in want
        if abs(z[b, 1] - np.mod(polar_measure(x[a], sensor)[1], 2 * np.pi)) > np.pi
    }
    assert len(want) > 20 and crossing  # some gated pairs straddle north
    assert set(zip(g.track.tolist(), g.plot.tolist(), strict=True)) == want


def test_box_pairs_equals_brute_force() -> None:
    rng = make_rng(44, 0)
    for _ in range(200):
        n, m = rng.integers(0, 30), rng.integers(0, 40)
        zhat = np.column_stack([rng.uniform(0, 1e4, n), rng.uniform(-7, 7, n)])
        z = np.column_stack([rng.uniform(0, 1e4, m), rng.uniform(0, 2 * np.pi, m)])
        bound = np.column_stack([rng.uniform(0, 3e3, n), rng.uniform(0, 4.0, n)])
        ti, pj = box_pairs(zhat, bound, z)
        dr = np.abs(z[None, :, 0] - zhat[:, None, 0])
        da = np.abs(np.angle(np.exp(1j * (z[None, :, 1] - zhat[:, None, 1]))))
        inside = (dr <= bound[:, None, 0]) & (da <= bound[:, None, 1])
        got = set(zip(ti.tolist(), pj.tolist(), strict=True))
        assert len(got) == ti.size  # no pair twice
        assert set(zip(*(a.tolist() for a in np.nonzero(inside)), strict=True)) == got


def test_clusters_equal_scipy_connected_components() -> None:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rng = make_rng(45, 0)
    for _ in range(300):
        nt, npl, k = rng.integers(1, 30), rng.integers(1, 30), rng.integers(0, 45)
        ti, pj = rng.integers(0, nt, k), rng.integers(0, npl, k)
        t_lab, p_lab = clusters(nt, npl, ti, pj)
        graph = coo_matrix((np.ones(k), (ti, nt + pj)), shape=(nt + npl, nt + npl))
        _, want = connected_components(graph, directed=False)
        np.testing.assert_array_equal(np.r_[t_lab, p_lab], want)


def test_sparse_assignment_equals_scipy() -> None:
    from scipy.optimize import linear_sum_assignment

    rng = make_rng(46, 0)
    for _ in range(500):
        nr, nc = rng.integers(1, 9), rng.integers(1, 12)
        mask = rng.random((nr, nc)) < rng.uniform(0.1, 0.9)
        C = np.where(mask, rng.normal(-3.0, 3.0, (nr, nc)).round(int(rng.integers(0, 3))), np.inf)
        r, c = np.nonzero(mask)
        got = sparse_assignment(nr, nc, r, c, C[r, c])
        M = np.full((nr, nc + nr), np.inf)
        M[:, :nc] = C
        M[np.arange(nr), nc + np.arange(nr)] = 0.0
        rows, cols = linear_sum_assignment(M)
        taken = got[got >= 0]
        assert np.unique(taken).size == taken.size
        assert all(mask[i, j] for i, j in enumerate(got) if j >= 0)
        value = sum(C[i, j] for i, j in enumerate(got) if j >= 0)
        assert value == pytest.approx(M[rows, cols].sum(), abs=1e-9)


@pytest.mark.parametrize("shared", ["none", "plots", "tracks"])
@pytest.mark.parametrize("seed", range(6))
def test_gnn_without_shared_plots_or_tracks_is_the_cluster_solution(seed: int, shared: str) -> None:
    """Scans where no plot (or no track) is in two gated pairs take gnn's shortcut (each
    track's cheapest plot, or each plot's cheapest track): the same assignment as the
    cluster-by-cluster solution, and as cheap as brute force."""
    from iads.tracking.association import _gnn_clusters

    rng = make_rng(45, seed)
    n_tracks, n_plots = 6, 6
    if shared == "tracks":  # a track may have several plots; every plot in one pair
        pj = rng.permutation(n_plots)[: rng.integers(2, n_plots + 1)]
        ti = rng.integers(0, n_tracks, pj.size)
    elif shared == "plots":  # a plot may gate several tracks; every track in one pair
        ti = rng.permutation(n_tracks)[: rng.integers(2, n_tracks + 1)]
        pj = rng.integers(0, n_plots, ti.size)
    else:
        k = rng.integers(2, n_tracks + 1)
        ti, pj = rng.permutation(n_tracks)[:k], rng.permutation(n_plots)[:k]
    cost = rng.normal(-2.0, 3.0, ti.size)
    cost[: ti.size // 2] = np.round(cost[: ti.size // 2])  # some ties
    got = gnn(n_tracks, n_plots, ti, pj, cost)
    useful = cost < 0
    want = _gnn_clusters(
        n_tracks, n_plots, ti[useful], pj[useful], cost[useful], np.full(n_tracks, -1)
    )
    np.testing.assert_array_equal(got, want)
    pairs = {(int(a), int(b)): float(c) for a, b, c in zip(ti, pj, cost, strict=True)}
    total = sum(pairs[(i, int(j))] for i, j in enumerate(got) if j >= 0)
    assert total == pytest.approx(_brute_force(n_tracks, n_plots, pairs), abs=1e-9)
