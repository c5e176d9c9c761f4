"""US Standard Atmosphere 1976 against the published table (NOAA-S/T 76-1562, Table I)."""

import numpy as np
import pytest

from iads.engagement.atmosphere import density_kgpm3, speed_of_sound_mps, temperature_pressure

# geometric altitude (m): temperature (K), pressure (Pa), density (kg/m^3) from the 1976 tables
TABLE = [
    (0.0, 288.150, 1.01325e5, 1.2250),
    (1_000.0, 281.651, 8.9876e4, 1.1117),
    (5_000.0, 255.676, 5.4048e4, 7.3643e-1),
    (10_000.0, 223.252, 2.6500e4, 4.1351e-1),
    (20_000.0, 216.650, 5.5293e3, 8.8910e-2),
    (30_000.0, 226.509, 1.1970e3, 1.8410e-2),
    (50_000.0, 270.650, 7.9779e1, 1.0269e-3),
    (80_000.0, 198.639, 1.0524, 1.8458e-5),
]


@pytest.mark.parametrize(("z_m", "t_k", "p_pa", "rho"), TABLE)
def test_matches_1976_table(z_m, t_k, p_pa, rho):
    t, p = temperature_pressure(z_m)
    assert t == pytest.approx(t_k, abs=0.01)
    assert p == pytest.approx(p_pa, rel=2e-4)
    assert density_kgpm3(z_m) == pytest.approx(rho, rel=2e-4)


def test_speed_of_sound_sea_level_and_tropopause():
    assert speed_of_sound_mps(0.0) == pytest.approx(340.294, abs=0.01)
    assert speed_of_sound_mps(11_000.0) == pytest.approx(295.07, abs=0.1)


def test_batched_equals_looped_and_monotone():
    z = np.linspace(-500.0, 99_000.0, 301).reshape(7, 43)
    rho = density_kgpm3(z)
    looped = np.array([float(density_kgpm3(zz)) for zz in z.ravel()]).reshape(z.shape)
    np.testing.assert_allclose(rho, looped, rtol=1e-13)
    assert np.all(np.diff(rho.ravel()) < 0)
