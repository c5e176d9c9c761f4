"""Filter cost: one batched predict + update for 2,000 tracks, against per-track library loops.

Prints the median wall time (ms) over repeats of: the linear KF (position plots, to compare with
FilterPy's KalmanFilter called once per track), the EKF, the UKF and the 2-mode IMM with polar
plots, each batched over all tracks with NumPy, and the per-track cost; beside the KF, FilterPy's
KalmanFilter called once per track, and beside the EKF, Stone Soup's EKF predictor/updater once
per track. The reference loops are timed on 200 tracks and scaled (they are linear in N).

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
    ss_ms = stone_soup_ekf_ms(x[:m], P[:m], zp[:m], R, dt, max(3, args.repeats // 3)) * n / m
    refs = {
        "KF (position plots)": ("FilterPy KalmanFilter", fp_ms),
        "EKF (polar)": ("Stone Soup EKF", ss_ms),
    }
    print(
        f"{n} tracks, one predict + update each, median of {args.repeats} repeats "
        f"(reference loops timed on {m} tracks, scaled)"
    )
    print(
        f"{'filter':<22}{'batched ms':>11}{'us/track':>10}   {'reference loop':<24}"
        f"{'ms':>9}{'speed-up':>10}"
    )
    for name, ms in rows:
        ref_name, ref_ms = refs.get(name, ("", np.nan))
        ref = f"   {ref_name:<24}{ref_ms:>9.1f}{ref_ms / ms:>9.1f}x" if ref_name else ""
        print(f"{name:<22}{ms:>11.2f}{1e3 * ms / n:>10.2f}{ref}")


def stone_soup_ekf_ms(x, P, z, R, dt, repeats):
    """Stone Soup 1.9 ExtendedKalmanPredictor/Updater, one track at a time (its object model)."""
    from datetime import datetime, timedelta

    from stonesoup.models.measurement.nonlinear import CartesianToElevationBearingRange
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import ExtendedKalmanPredictor
    from stonesoup.types.detection import Detection
    from stonesoup.types.hypothesis import SingleHypothesis
    from stonesoup.types.state import GaussianState
    from stonesoup.updater.kalman import ExtendedKalmanUpdater

    perm = [0, 3, 1, 4, 2, 5]  # Stone Soup orders [x, vx, y, vy, z, vz]
    t0 = datetime(2026, 1, 1)
    trans = CombinedLinearGaussianTransitionModel([ConstantVelocity(4.0)] * 3)
    meas = CartesianToElevationBearingRange(
        ndim_state=6, mapping=(0, 2, 4), noise_covar=np.diag(np.diag(R)[::-1])
    )
    predictor, updater = ExtendedKalmanPredictor(trans), ExtendedKalmanUpdater(meas)
    priors = [
        GaussianState(xi[perm].reshape(6, 1), Pi[np.ix_(perm, perm)], timestamp=t0)
        for xi, Pi in zip(x, P, strict=True)
    ]
    dets = [
        Detection(
            np.array([[zi[2]], [np.pi / 2 - zi[1]], [zi[0]]]),
            timestamp=t0 + timedelta(seconds=dt),
            measurement_model=meas,
        )
        for zi in z
    ]

    def loop():
        for prior, det in zip(priors, dets, strict=True):
            pred = predictor.predict(prior, timestamp=det.timestamp)
            updater.update(SingleHypothesis(pred, det))

    return median_ms(loop, repeats)


if __name__ == "__main__":
    main()
