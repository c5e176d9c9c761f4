"""The compiled IMM cycle (``imm_kernel``) against the NumPy IMM, its reference: the prediction
(``imm_predict`` then ``imm_combine``) and the mode-matched update
(``imm_update_modes_polar``), equal to rounding."""

from __future__ import annotations

import numpy as np
import pytest

from iads.tracking import imm
from iads.tracking.imm import (
    ImmParams,
    imm_combine,
    imm_init,
    imm_predict,
    imm_predict_combine,
    imm_update_modes_polar,
)
from iads.tracking.measurement import polar_measure, polar_noise_cov

from .conftest import make_rng, random_spd

THREE_MODES = ImmParams(
    kinds=("cv", "ct", "ct"),
    q_mps2=(0.5, 2.0, 6.0),
    q_omega_radps2=(0.0, 0.03, 0.1),
    sojourn_s=(90.0, 20.0, 8.0),
    mu0=(0.8, 0.1, 0.1),
)


def _state(seed: int, n: int, params: ImmParams):
    """IMM states with different mode states, turn rates from none to hard turns (exactly 0,
    inside the series branch, large) and mode probabilities from certain to uniform."""
    rng = make_rng(73, seed, params.n_modes)
    x6 = rng.normal(size=(n, 6)) * [2e4, 2e4, 3e3, 250.0, 250.0, 20.0]
    mu, x, P = imm_init(x6, random_spd(rng, 6, (n,), scale=400.0), params)
    x = x + rng.normal(size=x.shape) * [50.0, 50.0, 10.0, 5.0, 5.0, 1.0, 0.0]
    P = P + random_spd(rng, 7, P.shape[:2], scale=1e-3)
    ct = [j for j, k in enumerate(params.kinds) if k == "ct"]
    x[:, ct, 6] = rng.normal(0.0, 0.15, (n, len(ct)))
    x[:4, ct, 6] = 0.0
    x[4:8, ct, 6] = rng.uniform(-1e-4, 1e-4, (4, len(ct)))  # |w dt| below the series limit
    mu = rng.dirichlet(np.ones(params.n_modes), n)
    mu[8] = np.eye(params.n_modes)[0]  # certain of one mode
    return mu, x, P


def _close(got, want, name: str) -> None:
    """Equal to rounding: covariances relative to their diagonals' scale, states to 1e-9."""
    if want.ndim >= 3 and want.shape[-1] == want.shape[-2] == 7:
        d = np.sqrt(np.abs(np.einsum("...ii->...i", want)))
        scale = d[..., :, None] * d[..., None, :]
        assert np.max(np.abs(got - want) / scale) < 1e-10, name
    else:
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("params", [ImmParams(), THREE_MODES], ids=["cv-ct", "cv-ct-ct"])
@pytest.mark.parametrize("dt", [0.25, 1.0, 4.0, 12.0])
@pytest.mark.parametrize("seed", range(3))
def test_compiled_imm_equals_numpy_imm(seed: int, dt: float, params: ImmParams) -> None:
    assert imm._kernel() is not None  # numba is installed: no silent NumPy fallback
    mu, x, P = _state(seed, 120, params)
    c, mx, mP = imm_predict(mu, x, P, dt, params)
    want = (c, mx, mP, *imm_combine(c, mx, mP))
    got = imm_predict_combine(mu, x, P, dt, params, compiled=True)
    for name, g, w in zip(("mu", "x", "P", "x_est", "P_est"), got, want, strict=True):
        assert g.shape == w.shape, name
        _close(g, w, name)
    assert np.all(got[1][:, 0, 6] == 0.0)  # the CV mode's turn rate is reset to 0


def test_a_mode_nobody_enters_keeps_its_state() -> None:
    """All mode probabilities 0 (c_j = 0): each mode keeps its own state, as in NumPy."""
    mu, x, P = _state(0, 10, ImmParams())
    mu[:3] = 0.0
    want = imm_predict(mu, x, P, 1.0)
    got = imm_predict_combine(mu, x, P, 1.0, compiled=True)
    for name, g, w in zip(("mu", "x", "P"), got[:3], want, strict=True):
        _close(g, w, name)
    assert np.all(np.isfinite(got[1]))


def test_ukf_modes_and_numpy_run_the_numpy_form() -> None:
    """CT modes predicted by the UKF are not compiled: ``compiled=True`` gives NumPy's values
    bit for bit."""
    params = ImmParams(ct_filter="ukf")
    mu, x, P = _state(1, 20, params)
    c, mx, mP = imm_predict(mu, x, P, 2.0, params)
    want = (c, mx, mP, *imm_combine(c, mx, mP))
    for g, w in zip(imm_predict_combine(mu, x, P, 2.0, params, compiled=True), want, strict=True):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("params", [ImmParams(), THREE_MODES], ids=["cv-ct", "cv-ct-ct"])
@pytest.mark.parametrize("range_rate", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_compiled_imm_update_equals_numpy(seed: int, range_rate: bool, params: ImmParams) -> None:
    """Mode-matched EKF updates and mode probabilities with polar plots (per-plot noise, some
    tracks across north of the radar, some close in), compiled against NumPy."""
    mu, x, P = _state(seed, 60, params)
    rng = make_rng(74, seed, int(range_rate))
    sensor = np.array([500.0, -300.0, 20.0])
    x[:10, :, 0] = sensor[0] + rng.uniform(-50.0, 50.0, (10, 1))  # just east or west of north
    x[10:14, :, :3] = sensor + rng.normal(0.0, 800.0, (4, 1, 3))  # close to the radar
    truth = x[:, 0, :6] + rng.normal(0.0, 1.0, (x.shape[0], 6)) * [300, 300, 80, 20, 20, 5]
    z = polar_measure(truth, sensor, range_rate)
    sig = rng.uniform(0.5, 2.0, z.shape[0])
    R = polar_noise_cov(
        40 * sig, np.deg2rad(0.3) * sig, np.deg2rad(0.4) * sig, 3 * sig if range_rate else None
    )
    want = imm_update_modes_polar(mu, x, P, z, R, sensor, range_rate)
    got = imm_update_modes_polar(mu, x, P, z, R, sensor, range_rate, compiled=True)
    for name, g, w in zip(("mu", "x", "P"), got, want, strict=True):
        assert g.shape == w.shape, name
        _close(g, w, name)
    assert np.ptp(want[0]) > 0.5  # the plots discriminate between the modes somewhere
