"""Identification: an identity and a confidence for every track, from evidence, never truth.

Model (``docs/identification.md``). Each track carries a posterior over three hypotheses,
hostile (H), neutral (N, civil) and friendly (F), kept as log-probabilities and started at the
prior of the run settings (``settings.c2.identification``). Once per interrogation cycle (when
a ``CooperativeReports`` batch arrives) Bayes' rule adds, per track, the log-likelihood of what
the cycle brought, taken as independent given the hypothesis:

- a civil IFF reply (mode 1, 2, 3/A, C) or an ADS-B report associated with the track:
  ``(s, r, r)``, with ``r`` the assumed reliability and ``s`` the assumed probability that a
  hostile sends one (spoofing);
- a secure reply (mode 4/5): ``(SECURE_FORGERY, SECURE_FORGERY, r)``;
- interrogated (the track within the interrogator's range and radio horizon) and no IFF reply
  of either kind: ``(1 - s, 1 - r, 1 - r)``; a missing ADS-B report is not evidence (many
  aircraft carry none);
- procedural rules, when the scenario publishes corridors: the track inside a corridor's width
  and altitude band, with a ground speed in its band and a heading within
  ``HEADING_TOLERANCE_RAD`` of the corridor's direction: ``(c_H, c_N, c_F)``, else
  ``(1 - c_H, 1 - c_N, 1 - c_F)``.

A cooperative report is a measurement: it is associated with the nearest track within
``gate_sigmas`` of the combined position sigma, at most one report of each kind per track per
cycle. The identity is hostile, neutral or friendly when that posterior reaches
``declare_probability``, suspect when P(H) >= 1/2 below that, else unknown; the confidence is
the largest posterior. Log-probabilities are floored at ``LOG_FLOOR`` so that no evidence is
ever beyond reversal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from iads.config import IdentificationSettings
from iads.messages import (
    ADSB,
    ALLEGIANCE_NAMES,
    FRIENDLY,
    HOSTILE,
    NEUTRAL,
    REPLY_CIVIL,
    REPLY_SECURE,
    SUSPECT,
    UNKNOWN,
    CooperativeReports,
)

SECURE_FORGERY = 1e-4
"""P(a valid mode 4/5 reply | not friendly): the crypto is taken as unbroken."""
HEADING_TOLERANCE_RAD = np.radians(30.0)
"""A track flies a corridor when its course is within this of the corridor's direction."""
LOG_FLOOR = np.log(1e-9)
"""No hypothesis's posterior goes below 1e-9."""


@dataclass(frozen=True)
class Corridors:
    """Corridor segments in the scenario's ENU frame (S rows): ``a_m``, ``b_m`` (S, 2)
    ends (east, north), ``half_width_m``, altitude band ``alt_m`` (S, 2), speed band
    ``speed_mps`` (S, 2), ``one_way`` (flown from a to b only)."""

    a_m: np.ndarray
    b_m: np.ndarray
    half_width_m: np.ndarray
    alt_m: np.ndarray
    speed_mps: np.ndarray
    one_way: np.ndarray

    def __len__(self) -> int:
        return int(self.a_m.shape[0])

    @classmethod
    def of(cls, corridors: list[Any], origin: Any) -> Corridors:
        """The segments of the scenario's ``corridors`` about ``origin`` (``iads.geo.Origin``)."""
        from iads.geo import geodetic_to_enu

        a, b, w, alt, spd, one = [], [], [], [], [], []
        for c in corridors:
            p = [(q.lat_deg, q.lon_deg) for q in c.points]
            xy = geodetic_to_enu([q[0] for q in p], [q[1] for q in p], 0.0, origin)[:, :2]
            for i in range(len(p) - 1):
                a.append(xy[i])
                b.append(xy[i + 1])
                w.append(0.5 * c.width_m)
                alt.append((c.min_alt_m, c.max_alt_m))
                spd.append((c.min_speed_mps, c.max_speed_mps))
                one.append(c.one_way)
        return cls(
            a_m=np.array(a).reshape(-1, 2),
            b_m=np.array(b).reshape(-1, 2),
            half_width_m=np.array(w, float),
            alt_m=np.array(alt, float).reshape(-1, 2),
            speed_mps=np.array(spd, float).reshape(-1, 2),
            one_way=np.array(one, bool),
        )


def conforms(
    pos_m: np.ndarray, vel_mps: np.ndarray, height_m: np.ndarray, corridors: Corridors
) -> np.ndarray:
    """(T,) bool: tracks (ENU ``pos_m``, ``vel_mps`` (T, 3), ``height_m`` (T,) above the
    earth) flying by the rules of at least one corridor segment: within its half width of the
    centre line (and between its ends), in its altitude and ground-speed bands, on course."""
    if len(corridors) == 0 or pos_m.shape[0] == 0:
        return np.zeros(pos_m.shape[0], bool)
    seg = corridors.b_m - corridors.a_m  # (S, 2)
    length = np.linalg.norm(seg, axis=1)
    u = seg / np.maximum(length, 1e-9)[:, None]
    rel = pos_m[:, None, :2] - corridors.a_m[None, :, :]  # (T, S, 2)
    along = np.einsum("tsk,sk->ts", rel, u)
    across = np.abs(rel[..., 0] * u[None, :, 1] - rel[..., 1] * u[None, :, 0])
    inside = (along >= 0) & (along <= length[None, :]) & (across <= corridors.half_width_m)
    h = np.asarray(height_m, float)[:, None]
    band = (h >= corridors.alt_m[:, 0]) & (h <= corridors.alt_m[:, 1])
    gs = np.hypot(vel_mps[:, 0], vel_mps[:, 1])[:, None]
    speed = (gs >= corridors.speed_mps[:, 0]) & (gs <= corridors.speed_mps[:, 1])
    cos_dir = np.einsum("tk,sk->ts", vel_mps[:, :2], u) / np.maximum(gs, 1e-9)
    cos_tol = np.cos(HEADING_TOLERANCE_RAD)
    course = (cos_dir >= cos_tol) | (~corridors.one_way[None, :] & (cos_dir <= -cos_tol))
    return (inside & band & speed & course).any(axis=1)


def associate(
    track_pos_m: np.ndarray,
    track_std_m: np.ndarray,
    report_pos_m: np.ndarray,
    report_std_m: np.ndarray,
    gate_sigmas: float,
) -> np.ndarray:
    """(R,) the track each report belongs to (-1: none): pairs taken nearest first (distance
    in combined sigmas, ``hypot(track_std, report_std)``), each track and report used once,
    only within ``gate_sigmas``."""
    n_r, n_t = report_pos_m.shape[0], track_pos_m.shape[0]
    out = np.full(n_r, -1, np.int64)
    if n_r == 0 or n_t == 0:
        return out
    d = np.linalg.norm(report_pos_m[:, None, :] - track_pos_m[None, :, :], axis=-1)
    z = d / np.hypot(report_std_m[:, None], track_std_m[None, :])
    used_t = np.zeros(n_t, bool)
    for flat in np.argsort(z, axis=None):
        r, t = divmod(int(flat), n_t)
        if z[r, t] > gate_sigmas:
            break
        if out[r] < 0 and not used_t[t]:
            out[r] = t
            used_t[t] = True
    return out


def cycle_log_likelihood(
    civil: np.ndarray,
    secure: np.ndarray,
    adsb: np.ndarray,
    interrogated: np.ndarray,
    conform: np.ndarray | None,
    settings: IdentificationSettings,
) -> np.ndarray:
    """(T, 3) log-likelihood of one cycle's evidence under (hostile, neutral, friendly) for
    each track (bool (T,) inputs; ``conform`` None: no corridors published)."""
    s, r = settings.spoof_probability, settings.assumed_reliability
    eps = 1e-12
    t = civil.shape[0]
    ll = np.zeros((t, 3))
    ll += np.where(civil[:, None], np.log(np.maximum([s, r, r], eps)), 0.0)
    ll += np.where(adsb[:, None], np.log(np.maximum([s, r, r], eps)), 0.0)
    f = SECURE_FORGERY
    ll += np.where(secure[:, None], np.log(np.maximum([f, f, r], eps)), 0.0)
    silent = interrogated & ~civil & ~secure
    ll += np.where(silent[:, None], np.log(np.maximum([1 - s, 1 - r, 1 - r], eps)), 0.0)
    if conform is not None:
        c = np.array(
            [settings.conform_hostile, settings.conform_neutral, settings.conform_friendly]
        )
        ll += np.where(conform[:, None], np.log(np.maximum(c, eps)), np.log(np.maximum(1 - c, eps)))
    return ll


def normalise(logp: np.ndarray) -> np.ndarray:
    """(T, 3) log-posteriors: ``logp`` less its log-sum-exp per row, floored at
    ``LOG_FLOOR`` and normalised again."""
    from scipy.special import logsumexp

    out = logp - logsumexp(logp, axis=1, keepdims=True)
    out = np.maximum(out, LOG_FLOOR)
    return out - logsumexp(out, axis=1, keepdims=True)


def classify(logp: np.ndarray, declare_probability: float) -> tuple[np.ndarray, np.ndarray]:
    """(identity codes (T,) int8, confidence (T,)) from log-posteriors (T, 3) over
    (hostile, neutral, friendly)."""
    p = np.exp(logp)
    ident = np.full(p.shape[0], UNKNOWN, np.int8)
    ident[p[:, 0] >= 0.5] = SUSPECT
    ident[p[:, 0] >= declare_probability] = HOSTILE
    ident[p[:, 1] >= declare_probability] = NEUTRAL
    ident[p[:, 2] >= declare_probability] = FRIENDLY
    return ident, p.max(axis=1, initial=0.0)


def allowed_codes(names: list[str]) -> np.ndarray:
    """The allegiance codes of the identity ``names`` (rules of engagement)."""
    return np.array([ALLEGIANCE_NAMES.index(n) for n in names], np.int8)


@dataclass
class Identifier:
    """A command post's identification state: log-posteriors per track number.

    ``site_m`` (3,): its interrogator; ``corridors``: the published air routes."""

    settings: IdentificationSettings
    corridors: Corridors
    site_m: np.ndarray
    origin_alt_m: float = 0.0
    logp: dict[int, np.ndarray] = field(default_factory=dict)
    identity_of: dict[int, int] = field(default_factory=dict)

    def prior(self) -> np.ndarray:
        s = self.settings
        p = np.array([s.prior_hostile, 1.0 - s.prior_hostile - s.prior_friendly, s.prior_friendly])
        return np.log(np.maximum(p, 1e-9))

    def update(self, pic: Any, reports: CooperativeReports) -> None:
        """Add one cycle's evidence (``reports``, possibly empty) for the tracks of ``pic``
        (``iads.c2.picture.Picture`` at the cycle's time)."""
        from iads.engagement.flyout import altitude_m
        from iads.sim.traffic import radio_visible

        n = len(pic)
        if n == 0:
            return
        got = {}
        for kind in (REPLY_CIVIL, REPLY_SECURE, ADSB):
            rep = reports.select(reports.kind == kind)
            k = associate(
                pic.pos_m,
                pic.position_std_m,
                rep.pos_m,
                rep.position_std_m,
                self.settings.gate_sigmas,
            )
            hit = np.zeros(n, bool)
            hit[k[k >= 0]] = True
            got[int(kind)] = hit
        s = self.settings
        asked = radio_visible(self.site_m, pic.pos_m, s.interrogation_range_m, self.origin_alt_m)
        conform = None
        if len(self.corridors):
            height = altitude_m(pic.pos_m, self.origin_alt_m)
            conform = conforms(pic.pos_m, pic.vel_mps, height, self.corridors)
        ll = cycle_log_likelihood(
            got[int(REPLY_CIVIL)], got[int(REPLY_SECURE)], got[int(ADSB)], asked, conform, s
        )
        prior = self.prior()
        old = np.array([self.logp.get(int(t), prior) for t in pic.track_number]).reshape(n, 3)
        new = normalise(old + ll)
        held = set(pic.track_number.tolist())
        self.logp = {t: v for t, v in self.logp.items() if t in held}
        for t, v in zip(pic.track_number.tolist(), new, strict=True):
            self.logp[int(t)] = v

    def classify(self, track_number: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(identity (T,), confidence (T,)) of the tracks ``track_number``; a track no cycle
        has reached yet has the prior's."""
        prior = self.prior()
        lp = np.array([self.logp.get(int(t), prior) for t in track_number]).reshape(-1, 3)
        return classify(normalise(lp), self.settings.declare_probability)

    def changes(self, track_number: np.ndarray, identity: np.ndarray) -> np.ndarray:
        """Rows whose identity differs from the last one noted (and note the new ones)."""
        rows = []
        for i, (t, c) in enumerate(zip(track_number.tolist(), identity.tolist(), strict=True)):
            if self.identity_of.get(int(t)) != int(c):
                self.identity_of[int(t)] = int(c)
                rows.append(i)
        return np.array(rows, np.int64)


__all__ = [
    "HEADING_TOLERANCE_RAD",
    "LOG_FLOOR",
    "SECURE_FORGERY",
    "Corridors",
    "Identifier",
    "allowed_codes",
    "associate",
    "classify",
    "conforms",
    "cycle_log_likelihood",
    "normalise",
]
