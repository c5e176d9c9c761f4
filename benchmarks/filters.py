"""Filter cost: one batched predict + polar update for 2,000 tracks, against a FilterPy loop.

Prints the median wall time (ms) over repeats of: the linear KF (position plots, to compare with
FilterPy's KalmanFilter called once per track), the EKF, the UKF and the 2-mode IMM with polar
plots, each batched over all tracks with NumPy, and the per-track cost. The FilterPy loop
is timed on 200 tracks and scaled to 2,000 (it is linear in the number of tracks).

Run: python benchmarks/filters.py [--tracks 2000] [--repeats 15]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from iads.tracking.imm import ImmParams, imm_init, imm_predict, imm_update_polar
from iads.tracking.kalman import ekf_update_polar, kf_predict, kf_update
from iads.tracking.measurement import polar_measure, polar_noise_cov
from iads.tracking.models import cv_process_noise, cv_transition
from iads.tracking.ukf import ukf_update_polar

SENSOR = np.zeros(3)


def median_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(times))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracks", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    n = args.tracks
    rng = np.random.default_rng(np.random.SeedSequence(2026))
    r = rng.uniform(10e3, 100e3, n)
    az = rng.uniform(0, 2 * np.pi, n)
    x = np.stack(
        [
            r * np.sin(az),
            r * np.cos(az),
            rng.uniform(500, 10e3, n),
            *rng.uniform(-250, 250, (3, n)) * np.array([[1], [1], [0.05]]),
        ],
        axis=-1,
    )
    P = np.broadcast_to(np.diag([100.0] * 3 + [20.0] * 3) ** 2, (n, 6, 6)).copy()
    dt = 4.0
    F, Q = cv_transition(dt), cv_process_noise(dt, 2.0)
    H = np.hstack([np.eye(3), np.zeros((3, 3))])
    Rc = np.diag([50.0, 50.0, 50.0]) ** 2
    R = polar_noise_cov(50.0, np.radians(0.2), np.radians(0.2))
    zc = x[:, :3] + rng.normal(size=(n, 3)) * 50
    zp = polar_measure(x, SENSOR)
    params = ImmParams()
    mu, x7, P7 = imm_init(x, P, params)

    def kf():
        xp, Pp = kf_predict(x, P, F, Q)
        return kf_update(xp, Pp, zc, H, Rc)

    def ekf():
        xp, Pp = kf_predict(x, P, F, Q)
        return ekf_update_polar(xp, Pp, zp, R, SENSOR)

    def ukf():
        xp, Pp = kf_predict(x, P, F, Q)
        return ukf_update_polar(xp, Pp, zp, R, SENSOR)

    def imm():
        c, xp, Pp = imm_predict(mu, x7, P7, dt, params)
        return imm_update_polar(c, xp, Pp, zp, R, SENSOR)

    rows = [
        (name, median_ms(fn, args.repeats))
        for name, fn in (
            ("KF (position plots)", kf),
            ("EKF (polar)", ekf),
            ("UKF (polar)", ukf),
            ("IMM CV+CT (polar)", imm),
        )
    ]

    from filterpy.kalman import KalmanFilter

    m = min(n, 200)
    filters = []
    for i in range(m):
        f = KalmanFilter(dim_x=6, dim_z=3)
        f.F, f.Q, f.H, f.R = F, Q, H, Rc
        f.x, f.P = x[i].reshape(6, 1).copy(), P[i].copy()
        filters.append(f)

    def filterpy_loop():
        for i, f in enumerate(filters):
            f.predict()
            f.update(zc[i].reshape(3, 1))

    fp_ms = median_ms(filterpy_loop, max(3, args.repeats // 3)) * n / m
    print(f"{n} tracks, one predict + update each, median of {args.repeats} repeats")
    print(
        f"{'filter':<24}{'batched ms':>12}{'us/track':>10}{'FilterPy loop ms':>18}{'speed-up':>10}"
    )
    for name, ms in rows:
        ref = f"{fp_ms:>18.1f}{fp_ms / ms:>9.1f}x" if name.startswith("KF") else ""
        print(f"{name:<24}{ms:>12.2f}{1e3 * ms / n:>10.2f}{ref}")


if __name__ == "__main__":
    main()
