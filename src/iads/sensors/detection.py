"""Detection probability of a square-law detector with noncoherent integration.

Model (Richards, *Fundamentals of Radar Signal Processing*, 2nd ed., §6.2-6.3; Mahafza,
*Radar Systems Analysis and Design Using MATLAB*, 3rd ed., §2.9-2.10): the detector sums the
square-law outputs of ``N`` pulses, each normalised to unit noise power, and compares the sum
with a threshold ``T``. Noise alone makes the sum Gamma(N, 1), so

    T = Q^-1(N, Pfa)                     (inverse regularised upper incomplete gamma)

``snr`` below is always the *single-pulse* average SNR (linear) and ``S`` the same in the
formulas. The target cases are

- Swerling 0 (steady target): 2·sum is noncentral chi-square, 2N dof, noncentrality 2NS, so
  Pd is the generalised Marcum Q: ``Pd = ncx2.sf(2T, 2N, 2NS)``.
- Swerling 1 (scan-to-scan, exponential RCS) and 3 (scan-to-scan, chi-square 4 dof): the sum is
  Gamma(N-1, 1) + Gamma(1 or 2, 1 + NS/m) (m = 1 or 2); Pd is that sum's survival function,
  written with regularised incomplete gammas and Kummer's function 1F1(1; a+1; x) so that it
  neither overflows nor cancels for large N or tiny SNR (derivation in docs/sensors.md).
- Swerling 2 (pulse-to-pulse, exponential): sum is Gamma(N, 1+S): ``Pd = Q(N, T/(1+S))``.
- Swerling 4 (pulse-to-pulse, chi-square 4 dof): the sum's Laplace transform is
  (1+s)^N / (1+sB)^(2N), B = 1 + S/2, an exact binomial mixture of Gamma(2N-k, B):
  ``Pd = sum_k Binom(k; N, 1/B) Q(2N-k, T/B)``.

Albersheim (1981) and Shnidman (2002) give the SNR needed for a (Pd, Pfa, N) in closed form;
they are approximations (about 0.2 dB and 0.5 dB), checked against the exact values in tests.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

SWERLING_CASES = (0, 1, 2, 3, 4)


def threshold(pfa: ArrayLike, n_pulses: ArrayLike = 1) -> NDArray[np.float64]:
    """Detection threshold ``T`` for a sum of ``n_pulses`` unit-noise square-law outputs.

    ``T = Q^-1(N, Pfa)`` (Richards §6.2.3): the noise-only sum is Gamma(N, 1).
    Broadcasts over both arguments; dimensionless (in units of the noise power).
    """
    pfa_a = np.asarray(pfa, dtype=float)
    n = np.asarray(n_pulses, dtype=float)
    return special.gammainccinv(n, pfa_a)


def _kummer_term(a: NDArray, t: NDArray, c: NDArray) -> NDArray:
    """exp(-T(1-c)) c^-a P(a, cT), computed stably as T^a e^-T / a! · 1F1(1; a+1; cT).

    This is the integral of the Gamma(a, 1) density against exp(-(T-x)(1-c)) on [0, T];
    for a = 0 it is exp(-T (1-c)).
    """
    log_front = special.xlogy(a, t) - t - special.gammaln(a + 1.0)
    return np.exp(log_front) * special.hyp1f1(1.0, a + 1.0, c * t)


def _upper_gamma(a: NDArray, x: NDArray) -> NDArray:
    """Q(a, x) with Q(0, x) = 0 (a Gamma(0) variable is identically zero)."""
    safe_a = np.where(a > 0, a, 1.0)
    return np.where(a > 0, special.gammaincc(safe_a, x), 0.0)


def _pd_swerling0(snr: NDArray, t: NDArray, n: NDArray) -> NDArray:
    # Pd = Q_N(sqrt(2NS), sqrt(2T)) = ncx2.sf(2T; 2N, 2NS)   (Richards eq. 6.49)
    from scipy import stats  # here, not at the top: importing it costs 0.5 s or more

    return stats.ncx2.sf(2.0 * t, 2.0 * n, 2.0 * n * snr)


def _pd_swerling1(snr: NDArray, t: NDArray, n: NDArray) -> NDArray:
    # sum = Gamma(N-1, 1) + Exp(1 + NS)   (Richards eq. 6.60; Mahafza eq. 2.78)
    gamma1 = 1.0 + n * snr
    c = 1.0 - 1.0 / gamma1
    a = n - 1.0
    return _upper_gamma(a, t) + _kummer_term(a, t, c)


def _pd_swerling2(snr: NDArray, t: NDArray, n: NDArray) -> NDArray:
    # sum = Gamma(N, 1 + S)   (Richards eq. 6.62)
    return special.gammaincc(n, t / (1.0 + snr))


def _pd_swerling3(snr: NDArray, t: NDArray, n: NDArray) -> NDArray:
    # sum = Gamma(N-2, 1) + Gamma(2, g), g = 1 + NS/2   (N >= 2);
    # N = 1: (1+s)/(1+sg)^2 = mixture of Exp(g) (weight 1/g) and Gamma(2, g).
    g = 1.0 + n * snr / 2.0
    c = 1.0 - 1.0 / g
    x = t / g
    one = np.exp(-x) / g + (1.0 - 1.0 / g) * special.gammaincc(2.0, x)
    a = np.maximum(n - 2.0, 0.0)
    many = _upper_gamma(a, t) + (1.0 + x) * _kummer_term(a, t, c)
    many = many - np.where(a > 0, a / g * _kummer_term(a + 1.0, t, c), 0.0)
    return np.where(n < 2, one, many)


def _pd_swerling4(snr: NDArray, t: NDArray, n: NDArray) -> NDArray:
    from scipy import stats  # here, not at the top: importing it costs 0.5 s or more

    # Laplace transform (1+s)^N / (1+sB)^2N = sum_k Binom(k; N, 1/B) (1+sB)^-(2N-k)
    b = 1.0 + snr / 2.0
    n_max = int(np.max(n)) if n.size else 1
    k = np.arange(n_max + 1, dtype=float).reshape((-1,) + (1,) * n.ndim)
    weights = stats.binom.pmf(k, n, 1.0 / b)  # zero for k > N
    shape = np.maximum(2.0 * n - k, 1.0)
    return np.sum(weights * special.gammaincc(shape, t / b), axis=0)


_PD = {0: _pd_swerling0, 1: _pd_swerling1, 2: _pd_swerling2, 3: _pd_swerling3, 4: _pd_swerling4}


def detection_probability(
    snr_db: ArrayLike,
    pfa: ArrayLike,
    n_pulses: ArrayLike = 1,
    swerling: ArrayLike = 1,
) -> NDArray[np.float64]:
    """Exact probability of detection for Swerling 0-4 targets.

    Parameters broadcast against each other (NumPy rules):
    ``snr_db`` single-pulse average SNR (dB); ``pfa`` false-alarm probability per resolution
    cell; ``n_pulses`` pulses integrated noncoherently after a square-law detector (int >= 1);
    ``swerling`` target case 0, 1, 2, 3 or 4 (1 and 3 scan-to-scan, 2 and 4 pulse-to-pulse).
    Returns Pd with the broadcast shape (a 0-d array for scalar input).

    Formulas: module docstring; Richards §6.2-6.3, Mahafza §2.9-2.10.
    """
    snr_db_a, pfa_a, n_a, sw_a = np.broadcast_arrays(
        np.asarray(snr_db, dtype=float),
        np.asarray(pfa, dtype=float),
        np.asarray(n_pulses),
        np.asarray(swerling),
    )
    if np.any((pfa_a <= 0) | (pfa_a >= 1)):
        raise ValueError("pfa must lie strictly between 0 and 1, for example 1e-6")
    if np.any(n_a < 1) or np.any(n_a != np.round(n_a)):
        raise ValueError("n_pulses must be a whole number of pulses, 1 or more")
    if not np.all(np.isin(sw_a, SWERLING_CASES)):
        raise ValueError("swerling must be 0, 1, 2, 3 or 4 (the Swerling target cases)")
    snr = 10.0 ** (snr_db_a / 10.0)
    n = n_a.astype(float)
    t = threshold(pfa_a, n)
    out = np.empty(snr.shape, dtype=float)
    for case in np.unique(sw_a):
        mask = sw_a == case
        out[mask] = _PD[int(case)](snr[mask], t[mask], n[mask])
    return np.clip(out, 0.0, 1.0)


def required_snr_db(
    pd: ArrayLike,
    pfa: ArrayLike,
    n_pulses: ArrayLike = 1,
    swerling: ArrayLike = 1,
    *,
    tol_db: float = 1e-6,
) -> NDArray[np.float64]:
    """Single-pulse SNR (dB) at which ``detection_probability`` equals ``pd`` (exact inverse).

    Vectorised bisection on [-40, 120] dB (Pd is monotone in SNR). Broadcasts like
    ``detection_probability``; ``pd`` must exceed ``pfa``.
    """
    pd_a, pfa_a, n_a, sw_a = np.broadcast_arrays(
        np.asarray(pd, dtype=float), np.asarray(pfa, dtype=float), n_pulses, swerling
    )
    if np.any(pd_a <= pfa_a) or np.any(pd_a >= 1):
        raise ValueError("pd must lie between pfa and 1")
    lo = np.full(pd_a.shape, -40.0)
    hi = np.full(pd_a.shape, 120.0)
    while np.max(hi - lo, initial=0.0) > tol_db:
        mid = 0.5 * (lo + hi)
        above = detection_probability(mid, pfa_a, n_a, sw_a) >= pd_a
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return 0.5 * (lo + hi)


def albersheim_snr_db(pd: ArrayLike, pfa: ArrayLike, n_pulses: ArrayLike = 1) -> NDArray:
    """Albersheim's approximation of the single-pulse SNR (dB) for a steady (Swerling 0)
    target, N pulses noncoherently integrated (Albersheim 1981; Richards eq. 6.61).

    Stated accuracy 0.2 dB for 0.1 <= Pd <= 0.9, 1e-7 <= Pfa <= 1e-3, 1 <= N <= 8096
    (derived for a linear detector; the square-law difference is within it).
    """
    pd_a = np.asarray(pd, dtype=float)
    n = np.asarray(n_pulses, dtype=float)
    a = np.log(0.62 / np.asarray(pfa, dtype=float))
    b = np.log(pd_a / (1.0 - pd_a))
    return -5.0 * np.log10(n) + (6.2 + 4.54 / np.sqrt(n + 0.44)) * np.log10(
        a + 0.12 * a * b + 1.7 * b
    )


def shnidman_snr_db(
    pd: ArrayLike, pfa: ArrayLike, n_pulses: ArrayLike = 1, swerling: ArrayLike = 1
) -> NDArray:
    """Shnidman's approximation of the single-pulse SNR (dB) for Swerling 0-4, N pulses
    (Shnidman, IEEE Trans. AES 38(1), 2002; Richards eq. 6.64-6.65).

    Stated accuracy 0.5 dB for 0.1 <= Pd <= 0.99, 1e-9 <= Pfa <= 1e-3, 1 <= N <= 100.
    """
    pd_a, pfa_a, n, sw = np.broadcast_arrays(
        np.asarray(pd, dtype=float),
        np.asarray(pfa, dtype=float),
        np.asarray(n_pulses, dtype=float),
        np.asarray(swerling),
    )
    # K: number of degrees of freedom of the fluctuation (inf for a steady target)
    k = np.select([sw == 1, sw == 2, sw == 3, sw == 4], [1.0, n, 2.0, 2.0 * n], np.inf)
    alpha = np.where(n < 40, 0.0, 0.25)
    eta = np.sqrt(-0.8 * np.log(4 * pfa_a * (1 - pfa_a))) + np.sign(pd_a - 0.5) * np.sqrt(
        -0.8 * np.log(4 * pd_a * (1 - pd_a))
    )
    x_inf = eta * (eta + 2.0 * np.sqrt(n / 2.0 + (alpha - 0.25)))
    c1 = (((17.7006 * pd_a - 18.4496) * pd_a + 14.5339) * pd_a - 3.525) / k
    c2 = (
        np.exp(27.31 * pd_a - 25.14)
        + (pd_a - 0.8) * (0.7 * np.log(1e-5 / pfa_a) + (2 * n - 20) / 80.0)
    ) / k
    c_db = np.where(pd_a <= 0.872, c1, c1 + c2)
    return 10.0 * np.log10(10.0 ** (c_db / 10.0) * x_inf / n)


__all__ = [
    "SWERLING_CASES",
    "albersheim_snr_db",
    "detection_probability",
    "required_snr_db",
    "shnidman_snr_db",
    "threshold",
]
