"""Two point-defence batteries side by side: networked with engagement status they never have
rounds in the air at one threat together; with every link lost from the start they fight
exactly like standalone batteries. A battery fighting on a forward sensor's tracks engages
one link latency later."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from iads.config import RunConfig
from iads.scenario.load import load_scenario
from iads.sim.run import run_scenario

from .test_command_post import SCENARIO


def _two_batteries(tmp_path, network=None, events=()):
    data = copy.deepcopy(SCENARIO)
    second = copy.deepcopy(data["batteries"][0])
    second["name"] = "N2"
    for site in second["radars"] + second["launchers"]:
        site["name"] = site["name"].replace("N1", "N2")
        site["position"]["lon_deg"] += 0.01
    data["batteries"].append(second)
    data["raids"][0]["count"] = 6
    if network is not None:
        data["network"] = network
    data["events"] = list(events)
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_scenario(path)


LINKS = [
    {"from": "N1", "to": "N2", "latency_s": 0.5, "period_s": 1.0},
    {"from": "N2", "to": "N1", "latency_s": 0.5, "period_s": 1.0},
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("net")
    mp = pytest.MonkeyPatch()
    mp.setenv("IADS_CACHE_DIR", str(tmp / "cache"))
    coordinated = run_scenario(
        _two_batteries(tmp, {"mode": "networked", "coordination": True, "links": LINKS}),
        engagement="fast",
    )
    lost = run_scenario(
        _two_batteries(
            tmp,
            {"mode": "networked", "coordination": True, "links": LINKS},
            [
                {"time_s": 0, "kind": "link_lost", "link": "N1 -> N2"},
                {"time_s": 0, "kind": "link_lost", "link": "N2 -> N1"},
            ],
        ),
        engagement="fast",
    )
    standalone = run_scenario(_two_batteries(tmp), engagement="fast")
    mp.undo()
    return coordinated, lost, standalone


def test_coordination_stops_double_engagements(runs):
    """Engagement status over the links, with orders held until the other post's status can
    arrive, leaves no threat with rounds of both batteries in the air at once; the race
    (both posts deciding on one threat within the link's latency) did happen and was settled
    by withdrawing the later post's rounds."""
    coordinated, _, standalone = runs
    eng = coordinated.engagements
    assert len(np.unique(eng["battery"])) == 2, "both batteries fought"
    assert standalone.summary["double_engagements"] > 0
    assert coordinated.summary["double_engagements"] == 0
    assert coordinated.tables["batteries"]["deconflicted"].sum() > 0
    assert coordinated.tables["links"]["rows_sent"].sum() > 0


def test_without_the_hold_the_race_double_engages(tmp_path, monkeypatch):
    """The hold is what closes the race: with no hold, posts deciding within the status
    link's latency of each other both launch."""
    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path / "cache"))
    scenario = _two_batteries(tmp_path, {"mode": "networked", "coordination": True, "links": LINKS})
    settings = RunConfig(c2={"coordination_hold_s": 0.0})
    run = run_scenario(scenario, engagement="fast", settings=settings)
    assert run.summary["double_engagements"] > 0


def _remote_only(tmp_path, latency_s):
    """N1 with its own radar off from the start, fighting on a forward sensor's tracks."""
    data = copy.deepcopy(SCENARIO)
    data["sensors"] = [
        {
            "name": "Fwd",
            "type": "Sentinel-class",
            "position": {"lat_deg": -47.45, "lon_deg": -31.80, "alt_m": 0},
        }
    ]
    data["network"] = {
        "mode": "networked",
        "engage_on_remote": True,
        "links": [{"from": "Fwd", "to": "N1", "latency_s": latency_s, "period_s": 1.0}],
    }
    data["events"] = [{"time_s": 0, "kind": "radar_off", "unit": "N1 radar"}]
    path = tmp_path / f"remote-{latency_s}.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_scenario(path)


def test_link_latency_delays_the_first_engagement(tmp_path, monkeypatch):
    """A post fighting only on remote tracks first sees each track one link latency after
    the sensor's tracker holds it, so its reaction time, and its first launch, start that
    much later: 4 s more latency, 4 s later, to within the link's update period (1 s)."""
    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path / "cache"))
    first = []
    for latency in (0.5, 4.5):
        run = run_scenario(_remote_only(tmp_path, latency), engagement="fast")
        assert run.tables["batteries"]["remote_engagements"].sum() > 0
        first.append(float(np.min(run.engagements["launch_time_s"])))
    assert first[1] - first[0] == pytest.approx(4.0, abs=1.0)


def test_standalone_batteries_fight_alone(runs):
    """Without a network two batteries know nothing of each other's engagements: both fight,
    and they engage some threats together."""
    _, _, standalone = runs
    assert len(np.unique(standalone.engagements["battery"])) == 2
    assert standalone.summary["double_engagements"] > 0
    assert "links" not in standalone.tables


def test_all_links_lost_behaves_like_standalone(runs):
    _, lost, standalone = runs
    for key in ("kills", "leakers", "interceptors_spent", "double_engagements"):
        assert lost.summary[key] == standalone.summary[key]
    assert list(lost.threats["outcome"]) == list(standalone.threats["outcome"])
    np.testing.assert_array_equal(
        lost.engagements["launch_time_s"], standalone.engagements["launch_time_s"]
    )
    assert lost.tables["links"]["rows_sent"].sum() == 0
    assert list(lost.tables["degradation"]["kind"]) == ["link_lost", "link_lost"]


def _status(time_s, pos_m, vel_mps, std_m):
    from iads.messages import ENGAGING, EngagementStatus

    n = len(pos_m)
    return EngagementStatus(
        time_s=np.full(n, float(time_s)),
        unit=np.full(n, 2, np.int64),
        track_number=np.arange(n, dtype=np.int64) + 2_000_000,
        pos_m=np.asarray(pos_m, float),
        vel_mps=np.asarray(vel_mps, float),
        position_std_m=np.full(n, float(std_m)),
        state=np.full(n, ENGAGING, np.int8),
        interceptors=np.ones(n, np.int64),
        since_s=np.full(n, float(time_s)),
    )


def test_a_stale_status_still_matches_a_fast_target():
    """A status 2.5 s old about a 300 m/s cruise missile (750 m flown since, beyond the 500 m
    floor of the gate and 3 sigma of 50 m tracks) still names the track that follows it;
    a second missile 2 km abeam is not taken for it. Before the status was carried to the
    decision time this pair failed to correlate and both batteries fired."""
    from iads.c2.command_post import STATUS_GATE_MIN_M, status_matches

    status = _status(10.0, [[0.0, 0.0, 50.0]], [[300.0, 0.0, 0.0]], 50.0)
    t = 12.5
    tracks = np.array([[750.0, 20.0, 50.0], [750.0, 2_000.0, 50.0]])
    m = status_matches(tracks, np.array([50.0, 50.0]), t, status)
    assert m[:, 0].tolist() == [True, False]
    assert 750.0 > STATUS_GATE_MIN_M  # the uncarried positions would be out of the gate
    late = status_matches(tracks, np.array([50.0, 50.0]), 10.0, status)
    assert not late.any()


def test_rounds_follow_their_target_when_a_remote_track_is_fused_into_an_own_one():
    """A round fired at remote track R (unit 3's) keeps flying at its target when R is fused
    into own track L (the picture keeps L's number), and back when L is dropped while R goes
    on; a round whose track is held, or lost with no correlation, is left alone."""
    from types import SimpleNamespace

    from iads.c2.command_post import CommandPost
    from iads.c2.fusion import CorrelationTable

    R, L, other, orphan = 3_000_000_017, 1_000_000_004, 1_000_000_009, 3_000_000_099
    post = SimpleNamespace(
        commitments=SimpleNamespace(
            track_number=np.array([R, other, orphan, L], np.int64),
            done=np.array([False, False, False, True]),
        ),
        shared=SimpleNamespace(correlation=CorrelationTable({("3", R): (L, 5.0)})),
        handovers=0,
    )
    moved = CommandPost._follow_tracks(post, _Pic([L, other]))
    assert moved == 1 and post.handovers == 1
    assert post.commitments.track_number.tolist() == [L, other, orphan, L]
    # own track L dropped, R goes on: the round goes back to R
    post.commitments.done[:] = [False, True, True, True]
    assert CommandPost._follow_tracks(post, _Pic([R])) == 1
    assert post.commitments.track_number[0] == R


class _Pic:
    """The part of a ``Picture`` ``_follow_tracks`` reads."""

    def __init__(self, numbers):
        self.track_number = np.array(numbers, np.int64)

    def __len__(self):
        return self.track_number.size


def test_a_remote_number_for_a_target_already_engaged_is_held():
    """A dual designation (own track 0 and unit 3's track 1 of one drone, 300 m apart, the
    shared picture not fusing them): while track 0 is engaged, track 1 is held; unit 3's
    track 2 far away and own track 3 near track 0 (the own tracker keeps them apart) are
    not; the engaged track itself is not flagged."""
    from iads.c2.command_post import STATUS_GATE_MIN_M, duplicates_of

    pos = np.array([[0.0, 0, 500], [300.0, 0, 500], [5_000.0, 0, 500], [200.0, 0, 500]])
    std = np.array([50.0, 50.0, 50.0, 50.0])
    src = np.array([1, 3, 3, 1])
    held = np.array([True, False, False, False])
    assert duplicates_of(pos, std, src, held).tolist() == [False, True, False, False]
    # the gate grows with the tracks' sigmas: a 2 km-sigma remote track 3 km away is the same
    pos[1, 0], std[1] = 3_000.0, 2_000.0
    assert duplicates_of(pos, std, src, held)[1]
    # and has a floor: 50 m sigmas still match within STATUS_GATE_MIN_M
    pos[1, 0], std[1] = STATUS_GATE_MIN_M - 1.0, 50.0
    assert duplicates_of(pos, std, src, held)[1]
    pos[1, 0] = STATUS_GATE_MIN_M + 1.0
    assert not duplicates_of(pos, std, src, held)[1]
    assert not duplicates_of(pos, std, src, np.zeros(4, bool)).any()
