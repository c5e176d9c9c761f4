"""Radar equation: worked examples by hand, and the two forms agreeing."""

from __future__ import annotations

import numpy as np
import pytest

from iads.scenario.equipment import RadarType
from iads.sensors import detection_probability
from iads.sensors.radar_equation import (
    detection_range_m,
    noise_power_w,
    received_power_w,
    reference_snr_db,
    snr_constant_db,
    snr_db_at,
    snr_db_physical,
    snr_db_reference,
)


def test_received_power_worked_example():
    # Stimson-style worked example (Eg. 7-2 in introductory course notes): 1 kW, 36 dB gain,
    # 5.65 GHz, 1 m^2 at 75 NM -> about 6.0e-17 W. Recomputed by hand below.
    lam = 3e8 / 5.65e9
    by_hand = 1000 * 10**3.6 * 10**3.6 * lam**2 * 1.0 / ((4 * np.pi) ** 3 * (75 * 1852.0) ** 4)
    pr = received_power_w(75 * 1852.0, 1.0, 1000.0, 36.0, 5.65e9)
    assert by_hand == pytest.approx(6.0e-17, rel=0.02)
    assert pr == pytest.approx(by_hand, rel=2e-3)  # c = 299 792 458 vs 3e8


def test_noise_power_is_minus_174_dbm_per_hz():
    # k T0 = -174 dBm/Hz (Skolnik §2.3): 1 MHz, F = 0 dB -> -114 dBm = -144 dBW
    assert 10 * np.log10(noise_power_w(1e6, 0.0)) == pytest.approx(-144.0, abs=0.05)
    assert 10 * np.log10(noise_power_w(1e6, 3.0) / noise_power_w(1e6, 0.0)) == pytest.approx(3.0)


def test_snr_physical_by_hand_budget():
    # dB budget, written out: Pt 1.5 MW, G 45 dB, 5.6 GHz, σ 0.1 m², R 86.7 km,
    # B 5 MHz (0.2 µs pulse), F 3 dB, L 6 dB (a C-band example after Mahafza, ch. 1)
    lam = 299_792_458.0 / 5.6e9
    budget = (
        10 * np.log10(1.5e6)
        + 2 * 45.0
        + 20 * np.log10(lam)
        + 10 * np.log10(0.1)
        - 30 * np.log10(4 * np.pi)
        - 40 * np.log10(86.7e3)
        - 10 * np.log10(1.380649e-23 * 290 * 5e6)
        - 3.0
        - 6.0
    )
    snr = snr_db_physical(86.7e3, 0.1, 1.5e6, 45.0, 5.6e9, 3.0, 5e6, 6.0)
    assert snr == pytest.approx(budget, abs=1e-9)
    # doubling the range costs 12 dB (R^4)
    snr2 = snr_db_physical(2 * 86.7e3, 0.1, 1.5e6, 45.0, 5.6e9, 3.0, 5e6, 6.0)
    assert snr - snr2 == pytest.approx(40 * np.log10(2))


def test_reference_form_gives_pd_09_at_reference_range():
    for pfa, n in ((1e-6, 1), (1e-4, 10)):
        ref = reference_snr_db(pfa, n)
        snr = snr_db_reference(120e3, 1.0, 120e3, ref)
        assert detection_probability(snr, pfa, n, 1) == pytest.approx(0.9, abs=1e-6)
    # Swerling 1, one pulse, Pfa 1e-6: SNR = ln(Pfa)/ln(0.9) - 1 (closed form)
    closed = 10 * np.log10(np.log(1e-6) / np.log(0.9) - 1)
    assert reference_snr_db(1e-6, 1) == pytest.approx(closed, abs=1e-5)


def test_constant_from_both_forms():
    ref = RadarType(ref_range_m=200e3, instrumented_range_m=400e3, pfa=1e-6)
    c = snr_constant_db(ref)
    assert snr_db_at(c, 200e3, 1.0) == pytest.approx(float(reference_snr_db(1e-6, 1)))
    assert detection_range_m(c, 1.0, reference_snr_db(1e-6, 1)) == pytest.approx(200e3)
    # RCS 16x -> range 2x (fourth root)
    assert detection_range_m(c, 16.0, reference_snr_db(1e-6, 1)) == pytest.approx(400e3)
    phys = RadarType(
        peak_power_w=1.5e6,
        antenna_gain_db=45.0,
        frequency_hz=5.6e9,
        noise_figure_db=3.0,
        bandwidth_hz=5e6,
        losses_db=6.0,
        instrumented_range_m=300e3,
    )
    c_phys = snr_constant_db(phys)
    expected = snr_db_physical(86.7e3, 0.1, 1.5e6, 45.0, 5.6e9, 3.0, 5e6, 6.0)
    assert snr_db_at(c_phys, 86.7e3, 0.1) == pytest.approx(expected, abs=1e-9)
