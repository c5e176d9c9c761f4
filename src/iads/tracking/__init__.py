"""Tracking: motion models, polar measurement models, KF/EKF/UKF and IMM filters (batched).

Filters are pure functions on struct-of-arrays state (x (N, n), P (N, n, n)); see
docs/tracking-filters.md for the equations, conventions and what is verified.
"""
