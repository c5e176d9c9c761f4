"""Campaigns: raids flown again over days with stocks carried over, resupplied and lost.

Checked against hand-worked arithmetic (stock accounts, deliveries of a fractional daily rate,
repair windows) and against plain single runs (wave 1 is ``iads run`` of the scenario)."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml

from iads.engagement.battery import make_bank, stocked_bank
from iads.scenario.load import load_scenario
from iads.sim.campaign import out_of_action, run_campaign
from iads.sim.run import run_scenario

from ..c2.test_command_post import SCENARIO

ROUNDS = "AMRAAM-class"
ROOT = Path(__file__).parents[2]


def _scenario(tmp_path, campaign=None, stock=None, count=8):
    data = copy.deepcopy(SCENARIO)
    data["raids"][0]["count"] = count
    if stock is not None:
        data["batteries"][0]["stock"] = stock
    if campaign is not None:
        data["campaign"] = campaign
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_scenario(path)


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path / "cache"))


def test_stock_loads_launchers_in_order_and_the_rest_is_the_depot():
    sites = [(0, np.zeros(3), 3, {"A": 4, "B": 2}, 3.0, 600.0)]
    bank = make_bank(sites)
    ten = stocked_bank(bank, {"A": 10})
    assert ten.rounds[:, 0].tolist() == [4, 4, 2] and ten.reserve.tolist() == [0, 0]
    assert ten.rounds[:, 1].tolist() == [0, 0, 0]  # a type the stock leaves out: none
    full = stocked_bank(bank, {"A": 15, "B": 7})
    assert full.rounds.tolist() == [[4, 2], [4, 2], [4, 2]] and full.reserve.tolist() == [3, 1]
    # the default (no stock) equals a stock of full tubes and one reload per launcher
    same = stocked_bank(bank, {"A": 24, "B": 12})
    assert np.array_equal(same.rounds, bank.rounds)
    assert np.array_equal(same.reserve, bank.reserve)


def test_wave_one_is_the_plain_run_and_the_stock_accounts_balance(tmp_path):
    camp = {"waves": 3, "interval_h": 12, "resupply_per_day": {"N1": {ROUNDS: 3}}}
    sc = _scenario(tmp_path, camp)
    res = run_campaign(sc, seed=11, engagement="fast")
    plain = run_scenario(_scenario(tmp_path), seed=11, engagement="fast")
    w = res.tables["campaign_waves"]
    assert w["wave"].tolist() == [1, 2, 3] and w["start_h"].tolist() == [0, 12, 24]
    for key in ("leakers", "kills", "interceptors_spent"):
        assert w[key][0] == plain.summary[key]
    st = res.tables["stocks"]
    assert st["stock_start"][0] == 10  # 5 rounds a launcher, one reload: 2 x 5
    # 3 a day every 12 h: 1.5 due an interval -> 1, then 2 (the half owed carried on)
    assert st["delivered"].tolist() == [1, 2, 0]
    for k in range(3):
        rows = res.engagements["wave"] == k + 1
        assert st["fired"][k] == np.count_nonzero(rows)  # fired = the wave's engagements
        assert st["fired"][k] <= st["stock_start"][k]  # never more than was held
        assert st["stock_end"][k] == st["stock_start"][k] - st["fired"][k]
    assert st["stock_start"][1:].tolist() == (st["stock_end"] + st["delivered"])[:-1].tolist()
    s = res.summary
    assert s["waves"] == 3 and s["threats"] == 3 * plain.summary["threats"]
    assert s["interceptors_spent"] == int(st["fired"].sum())
    assert s["leakers"] == int(w["leakers"].sum())


def test_a_battery_without_resupply_runs_dry_and_the_leaks_grow(tmp_path):
    sc = _scenario(tmp_path, {"waves": 3}, stock={ROUNDS: 6})
    res = run_campaign(sc, seed=5, engagement="fast")
    st, w = res.tables["stocks"], res.tables["campaign_waves"]
    assert int(st["fired"].sum()) <= 6
    empty = np.flatnonzero(st["stock_end"] == 0)
    assert empty.size, "six rounds against three raids of eight must run out"
    first = int(st["wave"][empty[0]])
    assert res.summary["first_empty_wave"] == first
    after = w["wave"] > first
    assert np.all(w["interceptors_spent"][after] == 0)
    assert np.all(w["kills"][after] == 0)
    assert np.all(w["leakers"][after] >= w["leakers"][0])
    # a wave begun with empty tubes is spent at once (s from the wave's start); a time within
    # one wave is no campaign figure, so the summary leaves it out
    assert np.all(w["defense_spent_s"][after] == 0.0)
    assert np.isnan(res.summary["defense_spent_s"])


def test_a_lost_battery_is_out_until_repaired_and_returns_empty(tmp_path):
    camp = {
        "waves": 4,
        "interval_h": 24,
        "resupply_per_day": {"N1": {ROUNDS: 4}},
        "losses": [{"battery": "N1", "wave": 2, "repair_h": 30}],
    }
    sc = _scenario(tmp_path, camp)
    # lost at wave 2 (0 h since), still out at wave 3 (24 h < 30 h), back at wave 4 (48 h)
    assert [bool(out_of_action(sc, k)) for k in (1, 2, 3, 4)] == [False, True, True, False]
    res = run_campaign(sc, seed=2, engagement="fast")
    st, w = res.tables["stocks"], res.tables["campaign_waves"]
    assert w["batteries_out"].tolist() == [0, 1, 1, 0]
    assert st["out_of_action"].tolist() == [False, True, True, False]
    assert st["stock_start"][1] == 0 and st["stock_start"][2] == 0  # lost with the battery
    assert st["fired"][1] == 0 and st["fired"][2] == 0
    assert st["delivered"].tolist() == [0, 0, 4, 0]  # no deliveries while out, then a day's
    assert st["stock_start"][3] == 4
    assert w["kills"][1] == 0 and w["kills"][2] == 0


def test_a_campaign_is_a_pure_function_of_its_seed(tmp_path):
    sc = _scenario(tmp_path, {"waves": 2}, count=4)
    a = run_campaign(sc, seed=9, engagement="fast")
    b = run_campaign(sc, seed=9, engagement="fast")
    for name in ("campaign_waves", "stocks"):
        for col in a.tables[name]:
            assert np.array_equal(a.tables[name][col], b.tables[name][col]), (name, col)
    assert a.tables["campaign_waves"]["seed"][0] == 9
    assert a.tables["campaign_waves"]["seed"][1] != 9


def test_iads_mc_runs_a_campaign_into_the_study_store(tmp_path):
    import duckdb
    from typer.testing import CliRunner

    from iads.cli import app

    data = yaml.safe_load((ROOT / "tests" / "analysis" / "tiny.yaml").read_text())
    data["campaign"] = {"waves": 2, "resupply_per_day": {"Aurel-1": {"48N6-class": 1}}}
    data["batteries"][0]["stock"] = {"48N6-class": 4}
    path = tmp_path / "tiny_campaign.yaml"
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "study"
    args = ["mc", str(path), "--runs", "2", "--workers", "1", "--fidelity", "fast"]
    res = CliRunner().invoke(app, [*args, "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(out / "study.duckdb"), read_only=True)
    try:
        waves = con.execute("SELECT rep, count(*) FROM campaign_waves GROUP BY rep").fetchall()
        threats = con.execute("SELECT sum(threats) FROM replications").fetchone()[0]
        stock = con.execute(
            "SELECT rep, wave, stock_start, fired, stock_end, delivered FROM stocks ORDER BY rep, wave"
        ).fetchall()
        empty = con.execute("SELECT first_empty_wave FROM replications").fetchall()
    finally:
        con.close()
    assert sorted(waves) == [(0, 2), (1, 2)]
    assert threats == 2 * 2 * 3  # two replications of two waves of three missiles
    for rep in (0, 1):
        w1, w2 = [r for r in stock if r[0] == rep]
        assert w1[2] == 4 and w1[4] == w1[2] - w1[3] and w1[5] == 1
        assert w2[2] == w1[4] + w1[5]
    assert all(e[0] is None or e[0] >= 1 for e in empty)  # never-empty is NULL, not NaN


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            {"campaign": {"waves": 2, "resupply_per_day": {"N9": {ROUNDS: 1}}}},
            "campaign.resupply_per_day.N9",
            "unknown battery 'N9'",
        ),
        (
            {"campaign": {"waves": 2, "resupply_per_day": {"N1": {"PAC-3-class": 1}}}},
            "campaign.resupply_per_day.N1.PAC-3-class",
            "loads no 'PAC-3-class'",
        ),
        (
            {"campaign": {"waves": 2, "losses": [{"battery": "N1", "wave": 3}]}},
            "campaign.losses[0].wave",
            "after the last wave",
        ),
        ({"campaign": {"waves": 0}}, "campaign.waves", "greater than or equal to 1"),
        (
            {"campaign": {"waves": 2, "resupply_per_day": {"N1": {ROUNDS: -1}}}},
            "campaign.resupply_per_day.N1.AMRAAM-class",
            "greater than or equal to 0",
        ),
        ({"stock": {"PAC-3-class": 4}}, "batteries[0].stock.PAC-3-class", "no launcher"),
    ],
)
def test_bad_campaigns_get_one_line_naming_the_field(tmp_path, change, field, words):
    import subprocess
    import sys

    data = copy.deepcopy(SCENARIO)
    if "stock" in change:
        data["batteries"][0]["stock"] = change["stock"]
    else:
        data.update(change)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    res = subprocess.run(
        [sys.executable, "-m", "iads.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    hit = [ln for ln in lines if field in ln and words in ln]
    assert hit, res.stderr
    assert all(ln.startswith("error:") for ln in lines), res.stderr
    assert "Traceback" not in res.stderr


def test_the_campaign_example_loads_and_its_loss_window_is_two_days():
    sc = load_scenario(ROOT / "examples" / "campaign.yaml")
    assert sc.campaign is not None and sc.campaign.waves == 7
    out = [bool(out_of_action(sc, k)) for k in range(1, 8)]
    assert out == [False, False, False, True, True, False, False]
