"""A networked command post's shared picture: its own tracks fused with other units' tracks.

Track-to-track fusion at the receiver (``iads.c2.fusion``): every report is predicted to the
decision time with the constant-velocity model (process noise ``q_mps2``); each remote
source's tracks are associated with the picture built so far (chi-square gate on the state
difference, track-number correlation kept from frame to frame by a ``CorrelationTable``);
associated pairs are fused by covariance intersection (the cross-correlation between two units'
estimates of one target is unknown: common process noise and, with relays, common plots), and
keep the local track number; remote tracks with no partner join the picture as remote tracks
(engageable only when the network allows engage-on-remote). Reports whose source is this unit
(a relay loop) are dropped. Nothing here reads the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from iads.c2.fusion import CorrelationTable, covariance_intersection, track_to_track_association
from iads.messages import TrackReports
from iads.tracking.models import cv_process_noise, cv_transition

T2T_GATE_PROBABILITY = 0.999
"""Probability that two units' tracks of one target fall within the association gate."""
CORRELATION_MAX_AGE_S = 10.0
"""A remote track's correlation is released after this long without a report (s)."""


def predict_reports(reports: TrackReports, t_s: float, q_mps2: float) -> TrackReports:
    """``reports`` predicted to ``t_s`` (s): x = F x, P = F P F' + Q (constant velocity)."""
    if len(reports) == 0:
        return reports
    dt = t_s - reports.time_s
    F = cv_transition(dt)
    x = np.einsum("nij,nj->ni", F, reports.x)
    P = F @ reports.P @ np.swapaxes(F, 1, 2) + cv_process_noise(dt, q_mps2)
    return replace(reports, time_s=np.full(len(reports), float(t_s)), x=x, P=P)


@dataclass
class SharedPicture:
    """The fusion state of one command post (``own_unit``)."""

    own_unit: int
    q_mps2: float
    correlation: CorrelationTable = field(default_factory=CorrelationTable)
    fused_rows: int = 0
    """Remote tracks fused into the picture at the last build (a count, for accounts)."""

    def build(self, own: TrackReports, remote: dict[int, TrackReports], t_s: float) -> TrackReports:
        """The picture at ``t_s`` (s): own tracks, fused with and completed by ``remote``
        (source unit -> its latest reports), all predicted to ``t_s``."""
        pic = predict_reports(own, t_s, self.q_mps2)
        self.correlation = self.correlation.released_stale(t_s, CORRELATION_MAX_AGE_S)
        self.fused_rows = 0
        for src in sorted(remote):
            if src == self.own_unit:
                continue
            rep = remote[src]
            rep = rep.select(rep.source_unit != self.own_unit)
            if len(rep) == 0:
                continue
            rep = predict_reports(rep, t_s, self.q_mps2)
            pic = self._merge(pic, rep, str(src), t_s)
        return pic

    def _merge(self, pic: TrackReports, rep: TrackReports, src: str, t_s: float) -> TrackReports:
        if len(pic) == 0:
            return rep
        prior = self.correlation.prior(src, rep.track_number, pic.track_number)
        a = track_to_track_association(
            pic.x, pic.P, rep.x, rep.P, gate_prob=T2T_GATE_PROBABILITY, prior=prior
        )
        x, P = pic.x.copy(), pic.P.copy()
        if a.local.size:
            f = covariance_intersection(
                pic.x[a.local], pic.P[a.local], rep.x[a.remote], rep.P[a.remote]
            )
            x[a.local], P[a.local] = f.x, f.P
            self.fused_rows += int(a.local.size)
        self.correlation = self.correlation.updated(
            src, rep.track_number[a.remote], pic.track_number[a.local], t_s
        )
        identity = pic.identity.copy()
        if a.local.size:
            identity[a.local] = fuse_identity(pic.identity[a.local], rep.identity[a.remote])
        merged = replace(pic, x=x, P=P, identity=identity)
        alone = np.setdiff1d(np.arange(len(rep)), a.remote)
        return TrackReports.concat([merged, rep.select(alone)])


def fuse_identity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Identity codes (``iads.messages``) of tracks two units fused, from each unit's own
    (K,): a declaration (hostile, neutral, friendly) beats none (suspect, unknown); of two
    conflicting declarations the one that forbids engagement wins (friendly over neutral over
    hostile: positive identification of a friend or a neutral comes from cooperative
    evidence that a hostile cannot give without spoofing); of two undeclared, suspect."""
    rank = np.array([2, 1, 0, 3, 4], dtype=np.int8)  # HOSTILE SUSPECT UNKNOWN NEUTRAL FRIENDLY
    a, b = np.asarray(a, np.int8), np.asarray(b, np.int8)
    return np.where(rank[a] >= rank[b], a, b).astype(np.int8)


__all__ = [
    "CORRELATION_MAX_AGE_S",
    "SharedPicture",
    "T2T_GATE_PROBABILITY",
    "fuse_identity",
    "predict_reports",
]
