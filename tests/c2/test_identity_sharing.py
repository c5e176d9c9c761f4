"""Identity shared over links: a command post's tracker reports carry the post's own
identities (``TrackReports.identity``), the shared picture fuses them, and a post without
cooperative evidence of its own takes another unit's declaration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iads.c2.shared_picture import fuse_identity
from iads.messages import FRIENDLY, HOSTILE, NEUTRAL, SUSPECT, UNKNOWN
from iads.scenario import load_scenario
from iads.sim.run import simulate
from iads.tracking.system import TRACK_ID_STRIDE

H, S, U, N, F = HOSTILE, SUSPECT, UNKNOWN, NEUTRAL, FRIENDLY


@pytest.mark.parametrize(
    ("a", "b", "fused"),
    [
        (U, N, N), (S, N, N), (S, H, H), (U, S, S), (U, U, U),  # a declaration beats none
        (H, N, N), (H, F, F), (N, F, F),  # conflicts: the one that forbids engagement
    ],
)  # fmt: skip
def test_fuse_identity_is_symmetric_and_ranked(a, b, fused) -> None:
    assert fuse_identity(np.array([a]), np.array([b]))[0] == fused
    assert fuse_identity(np.array([b]), np.array([a]))[0] == fused


SCENARIO = """
name: Two batteries, one friendly aircraft
origin: {lat_deg: 40.0, lon_deg: 19.8, alt_m: 0}
duration_s: 240
tick_s: 0.5
seed: 4
assets:
  - {name: Port, position: {lat_deg: 40.0, lon_deg: 19.0}, value: 1}
batteries:
  - name: West
    radars: [{name: West radar, type: 91N6E-class, position: {lat_deg: 40.0, lon_deg: 19.0}}]
    launchers:
      - {name: West l1, type: 5P85-class, position: {lat_deg: 40.0, lon_deg: 19.01},
         count: 1, loadout: {48N6-class: 4}}
  - name: East
    radars: [{name: East radar, type: 91N6E-class, position: {lat_deg: 40.0, lon_deg: 20.6}}]
    launchers:
      - {name: East l1, type: 5P85-class, position: {lat_deg: 40.0, lon_deg: 20.61},
         count: 1, loadout: {48N6-class: 4}}
network:
  mode: MODE
  links:
    - {from: West, to: East, latency_s: 1.0, period_s: 1.0}
    - {from: East, to: West, latency_s: 1.0, period_s: 1.0}
traffic:
  - name: Falcon 2
    allegiance: friendly
    route:
      - {lat_deg: 40.25, lon_deg: 18.7, alt_m: 10000, speed_mps: 230}
      - {lat_deg: 39.75, lon_deg: 19.3, alt_m: 10000, speed_mps: 230}
    transponder: {iff_modes: ["3", "C", "5"], adsb: false, reliability: 0.98}
settings:
  c2:
    identification: {engage: [hostile], interrogation_range_m: 80000}
"""


def _east_identities(tmp_path: Path, mode: str) -> set[int]:
    """Identity codes East's post logged for its own tracks (numbers of battery 1)."""
    p = tmp_path / f"{mode}.yaml"
    p.write_text(SCENARIO.replace("MODE", mode))
    sim = simulate(load_scenario(p))
    ev = sim.world.log.columns()
    ident = ev["kind"] == "identify"
    east = ev["entity_id"] // TRACK_ID_STRIDE == 1
    return set(ev["other_id"][ident & east].tolist())


def test_a_post_out_of_interrogation_range_takes_the_shared_declaration(tmp_path: Path):
    """A friendly aircraft with mode 5 passes 25 km from West (interrogated: a secure reply
    declares it friendly) and 110-160 km from East (radar only; beyond the 80 km
    interrogation range). Standalone, East's evidence is the prior (suspect); networked, East
    takes West's friendly declaration for its own track."""
    alone = _east_identities(tmp_path, "standalone")
    shared = _east_identities(tmp_path, "networked")
    assert alone == {SUSPECT}
    assert FRIENDLY in shared and HOSTILE not in shared
