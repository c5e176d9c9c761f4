"""The planning Pk's lean NumPy form against its reference (``np.nan_to_num``, ``np.clip`` and a
vectorised lethal-radius lookup): the same bits on random inputs with NaN, infinities and
several interceptor types and target classes."""

import numpy as np
import pytest

from iads.engagement.envelope import (
    available_accel_at_mps2,
    planned_kill_probability,
)
from iads.engagement.flyout import G_MPS2, _density
from iads.engagement.kill import expected_kill_probability
from iads.scenario.equipment import TARGET_CLASS


def _accel_reference(itype, speed_mps, alt_m):
    v = np.nan_to_num(np.asarray(speed_mps, float), nan=0.0)
    h = np.nan_to_num(np.asarray(alt_m, float), nan=0.0)
    q = 0.5 * _density(h) * v**2
    m = itype.launch_mass_kg - itype.propellant_mass_kg
    aero = q * itype.reference_area_m2 * itype.normal_force_coefficient_max / m
    return np.minimum(itype.max_lateral_accel_mps2, aero)


def _pk_reference(itype, speed_mps, a_t, alt_m, target_class):
    a_t = np.asarray(a_t, float)
    a_m = _accel_reference(itype, speed_mps, alt_m) - G_MPS2
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(a_m > 0, 3.0 * a_t / np.where(a_m > 0, a_m, 1.0), np.inf)
    sigma = itype.miss_sigma_effective_m * (1.0 + ratio**4)
    classes = np.asarray(target_class, dtype=object)
    lethal = np.vectorize(itype.lethal_radius_for, otypes=[float])(classes)
    with np.errstate(invalid="ignore", over="ignore"):
        pk = np.nan_to_num(expected_kill_probability(sigma, lethal, itype.reliability))
    margin = np.clip(
        (np.nan_to_num(speed_mps, nan=0.0) / itype.min_speed_mps - 1.0) / 0.5, 0.0, 1.0
    )
    return pk * margin


def _with_specials(rng, x):
    x = x.copy()
    pick = rng.random(x.shape)
    x[pick < 0.1] = np.nan
    x[(pick >= 0.1) & (pick < 0.13)] = np.inf
    x[(pick >= 0.13) & (pick < 0.15)] = -np.inf
    x[(pick >= 0.15) & (pick < 0.17)] = 0.0
    return x


@pytest.mark.parametrize("seed", range(4))
def test_planned_pk_matches_reference(interceptors, seed):
    rng = np.random.default_rng(seed)
    classes = np.array(sorted(set(TARGET_CLASS.values())) + ["unlisted"], dtype=object)
    for itype in interceptors.values():
        shape = (int(rng.integers(1, 4)), int(rng.integers(1, 40)))
        speed = _with_specials(rng, rng.uniform(0.0, 2.5 * itype.min_speed_mps + 2000, shape))
        alt = _with_specials(rng, rng.uniform(-500.0, 40_000.0, shape))
        a_t = rng.uniform(0.0, 12 * G_MPS2, shape)
        a_t[rng.random(shape) < 0.05] = np.nan
        cls = classes[rng.integers(0, classes.size, shape)]
        with np.errstate(over="ignore", invalid="ignore"):
            got = planned_kill_probability(itype, speed, a_t, alt, cls)
            ref = _pk_reference(itype, speed, a_t, alt, cls)
            acc = available_accel_at_mps2(itype, speed, alt)
            acc_ref = _accel_reference(itype, speed, alt)
        assert got.shape == shape
        np.testing.assert_array_equal(got, ref, strict=True)
        np.testing.assert_array_equal(acc, acc_ref, strict=True)


def test_planned_pk_scalar_class_and_empty(interceptors):
    itype = next(iter(interceptors.values()))
    for cls in TARGET_CLASS.values():
        got = planned_kill_probability(itype, 900.0, 2 * G_MPS2, 8_000.0, cls)
        assert float(got) == float(_pk_reference(itype, 900.0, 2 * G_MPS2, 8_000.0, cls))
    empty = np.empty((1, 0))
    got = planned_kill_probability(itype, empty, empty, empty, np.empty((1, 0), dtype=object))
    assert got.shape == (1, 0)
