"""Identification (``iads.c2.identification``): Bayes' rule checked by hand, association,
corridor rules, rules of engagement."""

from __future__ import annotations

import numpy as np

from iads.c2.doctrine import identity_allows
from iads.c2.identification import (
    Corridors,
    Identifier,
    allowed_codes,
    associate,
    classify,
    conforms,
    cycle_log_likelihood,
    normalise,
)
from iads.c2.picture import Picture
from iads.config import IdentificationSettings
from iads.messages import (
    ADSB,
    FRIENDLY,
    HOSTILE,
    NEUTRAL,
    REPLY_CIVIL,
    REPLY_SECURE,
    SUSPECT,
    UNKNOWN,
    CooperativeReports,
)

S = IdentificationSettings()


def _posterior_by_hand(prior, likelihoods):
    """Bayes' rule written out: prior times the product of the likelihoods, normalised."""
    p = np.array(prior, float)
    for lik in likelihoods:
        p = p * np.array(lik, float)
    return p / p.sum()


def test_one_cycle_posterior_is_bayes_rule():
    s, r = S.spoof_probability, S.assumed_reliability
    prior = [S.prior_hostile, 1 - S.prior_hostile - S.prior_friendly, S.prior_friendly]
    yes, no = np.array([True]), np.array([False])
    cases = [
        # civil reply and ADS-B
        ((yes, no, yes, yes), [[s, r, r], [s, r, r]]),
        # interrogated, silent
        ((no, no, no, yes), [[1 - s, 1 - r, 1 - r]]),
        # secure reply only
        ((no, yes, no, yes), [[1e-4, 1e-4, r]]),
        # not interrogated, nothing: no evidence
        ((no, no, no, no), []),
    ]
    for (civil, secure, adsb, asked), liks in cases:
        ll = cycle_log_likelihood(civil, secure, adsb, asked, None, S)
        post = np.exp(normalise(np.log(prior) + ll))[0]
        np.testing.assert_allclose(post, _posterior_by_hand(prior, liks), rtol=1e-9)


def test_corridor_evidence_multiplies_in():
    prior = [0.5, 0.4, 0.1]
    c = [S.conform_hostile, S.conform_neutral, S.conform_friendly]
    no = np.array([False])
    ll = cycle_log_likelihood(no, no, no, no, np.array([True]), S)
    post = np.exp(normalise(np.log(prior) + ll))[0]
    np.testing.assert_allclose(post, _posterior_by_hand(prior, [c]), rtol=1e-9)
    ll = cycle_log_likelihood(no, no, no, no, np.array([False]), S)
    post = np.exp(normalise(np.log(prior) + ll))[0]
    np.testing.assert_allclose(post, _posterior_by_hand(prior, [[1 - x for x in c]]), rtol=1e-9)


def test_classify_thresholds():
    p = np.array(
        [[0.95, 0.04, 0.01], [0.6, 0.3, 0.1], [0.3, 0.4, 0.3], [0.02, 0.97, 0.01], [0, 0.05, 0.95]]
    )
    ident, conf = classify(np.log(np.maximum(p, 1e-300)), 0.9)
    assert ident.tolist() == [HOSTILE, SUSPECT, UNKNOWN, NEUTRAL, FRIENDLY]
    np.testing.assert_allclose(conf, p.max(axis=1))


def test_associate_nearest_first_within_gate():
    tracks = np.array([[0.0, 0, 0], [1000.0, 0, 0]])
    std = np.array([50.0, 50.0])
    reports = np.array([[900.0, 0, 0], [40.0, 0, 0], [5000.0, 0, 0], [950.0, 0, 0]])
    rstd = np.array([50.0, 50.0, 50.0, 50.0])
    out = associate(tracks, std, reports, rstd, 4.0)
    # report 3 (50 m off track 1) wins track 1 over report 0 (100 m off); report 2 is out
    assert out.tolist() == [-1, 0, -1, 1]


def _corridor(one_way=False):
    return Corridors(
        a_m=np.array([[0.0, 0.0]]),
        b_m=np.array([[100_000.0, 0.0]]),
        half_width_m=np.array([10_000.0]),
        alt_m=np.array([[7000.0, 13_000.0]]),
        speed_mps=np.array([[120.0, 300.0]]),
        one_way=np.array([one_way]),
    )


def test_corridor_rules():
    pos = np.array(
        [[50_000.0, 2_000, 0]] * 4 + [[50_000.0, 15_000, 0], [120_000.0, 0, 0]], dtype=float
    )
    vel = np.array(
        [[230.0, 0, 0], [-230.0, 0, 0], [230.0, 0, 0], [400.0, 0, 0], [230, 0, 0], [230, 0, 0]]
    )
    vel[2] = [0.0, 230.0, 0]  # crossing the airway
    h = np.array([11_000.0] * 6)
    assert conforms(pos, vel, h, _corridor()).tolist() == [True, True, False, False, False, False]
    assert conforms(pos, vel, h, _corridor(one_way=True)).tolist()[:2] == [True, False]
    low = np.array([200.0] * 6)
    assert not conforms(pos, vel, low, _corridor()).any()


def _pic(pos):
    n = len(pos)
    return Picture(
        t_s=0.0,
        track_number=np.arange(n, dtype=np.int64) + 10,
        source_unit=np.zeros(n, np.int64),
        pos_m=np.asarray(pos, float),
        vel_mps=np.tile([230.0, 0, 0], (n, 1)),
        position_std_m=np.full(n, 100.0),
        remote=np.zeros(n, bool),
    )


def test_identifier_separates_a_squawking_airliner_from_a_silent_track():
    ident = Identifier(S, _corridor(), np.array([0.0, 0.0, 10.0]))
    pic = _pic([[50_000.0, 0, 11_000], [60_000.0, 5_000, 300]])
    rep = CooperativeReports(
        time_s=np.zeros(2),
        unit=np.zeros(2, np.int64),
        kind=np.array([REPLY_CIVIL, ADSB], np.int8),
        pos_m=np.array([[50_050.0, 0, 11_000], [50_000.0, 30, 11_010]]),
        position_std_m=np.array([100.0, 30.0]),
        truth_id=np.zeros(2, np.int64),
    )
    for _ in range(3):
        ident.update(pic, rep)
    codes, conf = ident.classify(pic.track_number)
    assert codes.tolist() == [NEUTRAL, HOSTILE]
    assert conf[0] > 0.95 and conf[1] > 0.999  # N vs F only split by the corridor rule
    # a secure reply turns the silent one friendly within a few cycles
    secure = CooperativeReports(
        time_s=np.zeros(1),
        unit=np.zeros(1, np.int64),
        kind=np.array([REPLY_SECURE], np.int8),
        pos_m=np.array([[60_000.0, 5_000, 300]]),
        position_std_m=np.array([100.0]),
        truth_id=np.zeros(1, np.int64),
    )
    for _ in range(4):
        ident.update(pic, secure)
    assert ident.classify(pic.track_number)[0][1] == FRIENDLY


def test_rules_of_engagement():
    roe = allowed_codes(["hostile"])
    ident = np.array([HOSTILE, SUSPECT, UNKNOWN, NEUTRAL, FRIENDLY], np.int8)
    assert identity_allows(ident, roe).tolist() == [True, False, False, False, False]
    free = allowed_codes(list(S.engage))
    assert identity_allows(ident, free).tolist() == [True, True, True, False, False]
