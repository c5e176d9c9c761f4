"""Tracking: motion models, polar measurement models, KF/EKF/UKF and IMM filters (batched).

Filters are pure functions on struct-of-arrays state (x (N, n), P (N, n, n)); see
docs/tracking-filters.md for the equations, conventions and what is verified. The names below
are the filter API; association, track management and metrics have their own modules.
"""

from iads.tracking.imm import (
    ImmParams,
    imm_combine,
    imm_init,
    imm_innovation_polar,
    imm_mix,
    imm_predict,
    imm_update,
    imm_update_polar,
)
from iads.tracking.kalman import ekf_update_polar, innovation_polar, kf_predict, kf_update, nis
from iads.tracking.measurement import (
    polar_jacobian,
    polar_measure,
    polar_noise_cov,
    polar_residual,
    polar_to_cartesian,
)
from iads.tracking.models import (
    ct_jacobian,
    ct_predict,
    ct_process_noise,
    cv_process_noise,
    cv_transition,
    state6_to_7,
    state7_to_6,
)
from iads.tracking.ukf import ukf_predict_ct, ukf_update_polar

__all__ = [
    "ImmParams",
    "ct_jacobian",
    "ct_predict",
    "ct_process_noise",
    "cv_process_noise",
    "cv_transition",
    "ekf_update_polar",
    "imm_combine",
    "imm_init",
    "imm_innovation_polar",
    "imm_mix",
    "imm_predict",
    "imm_update",
    "imm_update_polar",
    "innovation_polar",
    "kf_predict",
    "kf_update",
    "nis",
    "polar_jacobian",
    "polar_measure",
    "polar_noise_cov",
    "polar_residual",
    "polar_to_cartesian",
    "state6_to_7",
    "state7_to_6",
    "ukf_predict_ct",
    "ukf_update_polar",
]
