"""False tracks draw fire: a command post decides on its tracks alone.

With no real threat in the sky for the whole run, every round a battery fires goes at a track
its own tracker confirmed from false alarms. Whether a confirmed false track draws fire depends
on the command post (threat evaluation, reaction time, envelope), not on how many false tracks
there are; so rounds wasted scale with the tracker's false-track rate: raising the radar's
false-alarm probability multiplies confirmed false tracks, and the fraction of them fired at
stays the same (two-sided Fisher exact test on the two runs' counts).
"""

import copy

import numpy as np
import pytest
import yaml
from scipy.stats import fisher_exact

from iads.scenario.load import load_scenario
from iads.sim.run import run_scenario

from .test_command_post import SCENARIO

LAUNCHERS, ROUNDS = 4, 6
"""The battery's magazine in the empty-sky runs (no reload completes within 300 s)."""


def _empty_sky(tmp_path, pfa):
    data = copy.deepcopy(SCENARIO)
    data["duration_s"] = 300
    data["raids"][0]["launch_window_s"] = [1000, 1010]  # after the run ends
    data["assets"][0]["radius_m"] = 20_000  # a false track heading anywhere near threatens
    data["batteries"][0]["launchers"][0].update(count=LAUNCHERS, loadout={"AMRAAM-class": ROUNDS})
    data["batteries"][0]["radars"][0]["overrides"]["pfa"] = pfa
    path = tmp_path / f"empty-sky-{pfa:g}.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_scenario(path)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("false-tracks")
    mp = pytest.MonkeyPatch()
    mp.setenv("IADS_CACHE_DIR", str(tmp / "cache"))
    out = {pfa: run_scenario(_empty_sky(tmp, pfa), engagement="fast") for pfa in (2e-5, 1e-4)}
    mp.undo()
    return out


def _confirmed_false(run):
    tracks = run.tables["tracks"]
    assert np.all(np.asarray(tracks["truth_id"]) < 0), "the sky is empty: no real tracks"
    return np.unique(tracks["track_id"])


def test_every_round_goes_at_a_confirmed_false_track(runs):
    for run in runs.values():
        eng = run.engagements
        assert run.summary["rounds_at_false_tracks"] == run.summary["interceptors_spent"]
        assert np.all(np.isin(eng["track_id"], _confirmed_false(run)))
        tracks = run.tables["tracks"]
        for tid, launch in zip(eng["track_id"], eng["launch_time_s"], strict=True):
            held = np.asarray(tracks["time_s"])[np.asarray(tracks["track_id"]) == tid]
            assert held.min() <= launch, "fired only at a track the post already held"
    assert runs[1e-4].summary["rounds_at_false_tracks"] > 0


def test_rounds_wasted_scale_with_the_false_track_rate(runs):
    low, high = runs[2e-5], runs[1e-4]
    n_low, n_high = _confirmed_false(low).size, _confirmed_false(high).size
    assert n_high > 3 * n_low > 0, "five times the false alarms, several times the false tracks"
    fired_low = np.unique(low.engagements["track_id"]).size
    fired_high = np.unique(high.engagements["track_id"]).size
    assert fired_high > fired_low
    spent = high.summary["interceptors_spent"]
    assert spent < LAUNCHERS * ROUNDS, (
        "not limited by the magazine, else the fraction would be capped"
    )
    _, p_value = fisher_exact([[fired_low, n_low - fired_low], [fired_high, n_high - fired_high]])
    assert p_value > 0.01, (fired_low, n_low, fired_high, n_high)
