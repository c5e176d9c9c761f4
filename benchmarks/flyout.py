"""Fly-out: batched throughput, fast-table error against the full model, catalog fit.

Prints, side by side:
1. interceptor-steps per second of ``flyout.advance`` for batches of 1 ... 5,000 interceptors
   (coarse 0.05 s substeps, mid-flight, no closest approach inside the timed window), with the
   compiled substep (``flyout_kernel``) and the NumPy one;
2. the fast tables' time of flight against the full fly-out for random constant-velocity
   engagements (PIP from ``envelope.predicted_intercept`` vs the simulated closest approach);
3. each catalog interceptor's peak speed and reach (tabulated, at 10 km altitude) against the
   published figures it was fitted to;
4. the planning kill probability against the simulated end game's (seeker noise, glint,
   filter, q-limited airframe) for targets weaving at 0-9 g.

Run: python benchmarks/flyout.py
"""

from __future__ import annotations

import time

import numpy as np

from iads.engagement import flyout as fo
from iads.engagement.envelope import predicted_intercept
from iads.engagement.tables import build_table, max_reach_m
from iads.scenario.load import builtin_catalog


def throughput(itype, n: int, compiled: bool, ticks: int = 20, dt_s: float = 0.1) -> float:
    """Interceptor-steps per second of ``advance`` with the compiled or the NumPy substep:
    the median of 3 timed runs of ``ticks`` calls, after the same untimed call (off the rail,
    and the compile or cache load of the kernel)."""
    fo.USE_COMPILED = compiled
    rng = np.random.default_rng(np.random.SeedSequence(n))
    p = fo.InterceptorParams.from_types([itype] * n)
    tgt0 = np.column_stack([rng.uniform(-1e5, 1e5, (n, 2)), rng.uniform(1e3, 1e4, n)])
    tgt0[:, 1] = np.abs(tgt0[:, 1]) + 80e3
    tv = np.column_stack([rng.normal(0, 200, (n, 2)), np.zeros(n)])
    state0 = fo.launch(np.zeros((n, 3)), tgt0, p)
    state0 = fo.advance(state0, p, tgt0, tv, dt_s=5.0).state  # get off the rail first
    rates = []
    for _ in range(3):
        state, tgt = state0, tgt0
        t0 = time.perf_counter()
        for _ in range(ticks):
            r = fo.advance(state, p, tgt, tv, dt_s=dt_s)
            state, tgt = r.state, tgt + tv * dt_s
        rates.append(n * ticks * round(dt_s / fo.H_COARSE_S) / (time.perf_counter() - t0))
    fo.USE_COMPILED = True
    return float(np.median(rates))


def table_error(itype, n: int = 60) -> np.ndarray:
    rng = np.random.default_rng(np.random.SeedSequence(7))
    rmax = 0.7 * itype.max_range_m
    ang = rng.uniform(0, 2 * np.pi, n)
    dist = rng.uniform(0.15, 1.0, n) * rmax
    tgt = np.column_stack(
        [dist * np.sin(ang), dist * np.cos(ang), rng.uniform(500, 0.6 * itype.max_altitude_m, n)]
    )
    heading = ang + np.pi + rng.normal(0, 0.5, n)
    speed = rng.uniform(150, 350, n)
    tv = np.column_stack([speed * np.sin(heading), speed * np.cos(heading), np.zeros(n)])
    tab = build_table(itype)
    icpt = predicted_intercept(np.zeros((1, 3)), tgt, tv, tab, itype.max_time_of_flight_s)
    ok = np.isfinite(icpt.t_s[0])
    rec = fo.fly(
        np.zeros((ok.sum(), 3)),
        fo.InterceptorParams.from_types([itype] * ok.sum()),
        tgt[ok],
        tv[ok],
    )
    hit = rec.outcome == fo.CPA
    return (icpt.t_s[0, ok][hit] - rec.tof_s[hit]) / rec.tof_s[hit], rec.miss_m[hit]


def main() -> None:
    cat = builtin_catalog().interceptors
    it = cat["PAC-2-GEM-T-class"]
    print("1. batched fly-out throughput (PAC-2-GEM-T-class, coarse substeps), interceptor-steps/s")
    print("   (median of 3; the simulation flies about 1.3 rounds a call)")
    print(f"{'interceptors':>14}{'compiled':>12}{'NumPy':>12}{'ratio':>8}")
    for n in (1, 2, 10, 100, 1000, 5000):
        c, v = throughput(it, n, True), throughput(it, n, False)
        print(f"{n:>14}{c:>12,.0f}{v:>12,.0f}{c / v:>7.1f}x")
    print()
    print("2. fast table vs full model: time of flight to the PIP, random engagements")
    print(f"{'type':<20}{'n':>4}{'median |err|':>14}{'max |err|':>11}{'median miss m':>15}")
    for name in ("AMRAAM-class", "PAC-2-GEM-T-class", "48N6-class"):
        err, miss = table_error(cat[name])
        print(
            f"{name:<20}{err.size:>4}{np.median(np.abs(err)):>13.2%}"
            f"{np.max(np.abs(err)):>11.2%}{np.median(miss):>15.2f}"
        )
    print()
    print("3. catalog fit: model vs published")
    print(f"{'type':<20}{'peak m/s':>10}{'published':>11}{'reach km @10 km':>17}{'published':>11}")
    for name, t in cat.items():
        tab = build_table(t)
        rec = fo.fly(
            np.zeros((1, 3)),
            fo.InterceptorParams.from_types([t]),
            np.array([[0.0, 0.5 * t.max_range_m, 10_000.0]]),
            np.zeros((1, 3)),
        )
        print(
            f"{name:<20}{rec.max_speed_mps[0]:>10.0f}{t.max_speed_mps:>11.0f}"
            f"{max_reach_m(tab, 10_000.0) / 1e3:>17.0f}{t.max_range_m / 1e3:>11.0f}"
        )


def weave(g: float, phase: np.ndarray):
    """A square-wave weave of ``g`` g across the velocity, period 4 s."""

    def accel(t_s, pos, vel):
        v_hat = vel / np.linalg.norm(vel, axis=1)[:, None]
        perp = np.column_stack([v_hat[:, 1], -v_hat[:, 0], np.zeros(len(vel))])
        return g * 9.80665 * np.sign(np.sin(2 * np.pi * t_s / 4.0 + phase))[:, None] * perp

    return accel


def planned_vs_flown() -> None:
    """Planning Pk against the simulated end game (seeker noise, glint 0.93 m: a 6.2 m cruise
    missile; q-limited airframe), weaving targets 0-9 g, cruise-missile lethal radius."""
    from iads.engagement.envelope import planned_kill_probability
    from iads.engagement.kill import kill_probability

    cat = builtin_catalog().interceptors
    print("4. planning Pk vs simulated end game (seeker, glint 0.93 m), weaving targets")
    print(f"{'type':<20}{'weave g':>8}{'median miss m':>15}{'flown Pk':>10}{'planned Pk':>12}")
    for name in ("PAC-2-GEM-T-class", "PAC-3-MSE-class", "AMRAAM-class", "48N6-class"):
        it, n = cat[name], 24
        rng = np.random.default_rng(np.random.SeedSequence(3))
        tgt = np.column_stack(
            [
                rng.uniform(-3e3, 3e3, n),
                rng.uniform(0.2, 0.5, n) * it.max_range_m,
                rng.uniform(1_000, 6_000, n),
            ]
        )
        vel = np.tile([[0.0, -280.0, 0.0]], (n, 1))
        lethal = it.lethal_radius_for("cruise_missile")
        for g in (0, 3, 6, 9):
            rec = fo.fly(
                np.zeros((n, 3)),
                fo.InterceptorParams.from_types([it] * n),
                tgt,
                vel,
                tgt_accel_fn=weave(g, rng.uniform(0, 2 * np.pi, n)),
                rng=np.random.default_rng(np.random.SeedSequence(4)),
                glint_sigma_m=np.full(n, 0.93),
            )
            ok = rec.outcome == fo.CPA
            miss = np.where(ok, rec.miss_m, np.inf)
            flown = np.mean(kill_probability(miss, lethal, it.reliability))
            planned = np.mean(
                planned_kill_probability(
                    it, rec.speed_mps[ok], g * 9.80665, tgt[ok, 2], "cruise_missile"
                )
            )
            print(
                f"{name:<20}{g:>8}{np.median(rec.miss_m[ok]):>15.2f}{flown:>10.3f}{planned:>12.3f}"
            )


if __name__ == "__main__":
    main()
    print()
    planned_vs_flown()
