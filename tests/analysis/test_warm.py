"""The local workers' warm-up: a valid scenario that exercises both fidelities' kernels, run in
the forkserver so that every worker starts with them loaded."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys

import pytest

from iads.analysis.execute import PRELOAD, WARM_ENV, process_pool
from iads.analysis.replicate import FIDELITIES
from iads.analysis.warm import SCENARIO, warm_fidelities, warm_up
from iads.scenario.load import builtin_catalog
from iads.scenario.model import Scenario
from iads.sim.run import run_scenario
from tests.analysis.helpers import compiled_on_arrival


@pytest.mark.parametrize("fidelity", ["fast", "full"])
def test_the_warm_up_scenario_engages_in_each_fidelity(fidelity):
    # the warm-up is worth its time only if it reaches the engagement kernels (fly-out or
    # time-of-flight tables): detections, tracks, a launch and an intercept
    sc = Scenario.model_validate(SCENARIO)
    sc = sc.model_copy(update={"equipment": builtin_catalog().merged(sc.equipment)})
    kinds = collections.Counter(run_scenario(sc, seed=1, fidelity=fidelity).events["kind"])
    for kind in ("detect", "track", "launch", "intercept"):
        assert kinds[kind] > 0, f"{fidelity}: no {kind} event in the warm-up"


FULL_ONLY = {"flyout", "looks", "manage"}
"""Kernels only the full fidelity's warm-up compiles (the fast tracker calls the arc test from
inside its own kernel)."""
FAST_ONLY = {"frame", "homing", "predict", "quiet", "rotated", "states"}
"""Kernels only the fast fidelity's warm-up compiles."""


def test_warm_up_raises_nothing():
    warm_up()  # the server swallows errors (a head start only): they show here
    assert PRELOAD == ["iads.analysis.server_start"]


def test_the_fidelities_warmed_are_the_one_named_else_all():
    assert warm_fidelities("fast") == ("fast",)
    assert warm_fidelities("full") == ("full",)
    assert warm_fidelities(None) == FIDELITIES
    assert warm_fidelities("bogus") == FIDELITIES


def _assert_arrived_warm(got: list[dict]) -> None:
    for g in got:
        warmed = warm_fidelities(g.pop("warmed"))
        frozen = g.pop("frozen")
        g.pop("pid")
        assert g.pop("parent") is None, g  # the server read and removed it
        assert frozen > 10_000, g  # the server froze what it loaded (a bare interpreter: ~0)
        for name, count in g.items():
            if name in FULL_ONLY and "full" not in warmed:
                continue
            if name in FAST_ONLY and "fast" not in warmed:
                continue
            assert count >= 1, (name, warmed, g)


def test_workers_arrive_with_the_kernels_compiled():
    # each worker is forked from the warmed forkserver: before running a replication it holds
    # the kernels of the fidelities warmed up (a worker that imported only would hold none).
    # Which fidelity this process's server warmed depends on the study that started it
    got = list(process_pool([0, 1, 2, 3], compiled_on_arrival, workers=2))
    assert len(got) == 4
    _assert_arrived_warm(got)


_ONE_FIDELITY = """
import json, os, sys
sys.path.insert(0, {root!r})
from iads.analysis.execute import PARENT_ENV, WARM_ENV, process_pool, start_local_workers
from tests.analysis.helpers import compiled_on_arrival
before = {{k: os.environ.get(k) for k in (PARENT_ENV, WARM_ENV)}}
start_local_workers("fast")
after = {{k: os.environ.get(k) for k in (PARENT_ENV, WARM_ENV)}}
assert after == before, "the parent's environment changed"
print(json.dumps(list(process_pool([0, 1], compiled_on_arrival, workers=2))))
"""


def test_a_server_started_for_one_fidelity_warms_that_one():
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    env = {k: v for k, v in os.environ.items() if k != WARM_ENV}
    out = subprocess.run(
        [sys.executable, "-c", _ONE_FIDELITY.format(root=root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert [g["warmed"] for g in got] == ["fast", "fast"]
    _assert_arrived_warm(got)
    assert all(g[name] >= 1 for g in got for name in FAST_ONLY)


_START_AND_LEAVE = """
import os, sys, time
from multiprocessing import forkserver
from iads.analysis.execute import start_local_workers
start_local_workers()
print(forkserver._forkserver._forkserver_pid, flush=True)
time.sleep(float(sys.argv[1]))
os._exit(0)  # gone, the server still importing
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
@pytest.mark.parametrize("after_s", [0.0, 0.3])
def test_the_server_ends_with_the_process_that_started_it(after_s):
    # 0 s: the parent is gone before the server's setting, which sees it and exits itself;
    # 0.3 s: the kernel kills the server when the parent ends
    # without the kernel's kill it would import and warm up for a second or more first,
    # holding the command's stdout and stderr: a failed command's pipes stayed open that long
    import time

    # not subprocess.run: it would wait for the pipes, which the server holds while it lives
    proc = subprocess.Popen(
        [sys.executable, "-c", _START_AND_LEAVE, str(after_s)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        pid = int(proc.stdout.readline())
        proc.wait(timeout=60)
    finally:
        proc.stdout.close()
    deadline = time.monotonic() + 0.9  # the server's preload takes over a second
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _alive(pid), "the forkserver outlived the process that started it"


_FROM_A_THREAD = """
import json, sys, threading
sys.path.insert(0, {root!r})
from iads.analysis.execute import process_pool, start_local_workers
from tests.analysis.helpers import compiled_on_arrival
thread = threading.Thread(target=start_local_workers)
thread.start()
thread.join()  # the thread that started the server has ended
print(json.dumps(list(process_pool([0, 1], compiled_on_arrival, workers=2))))
"""


def test_a_server_started_from_another_thread_outlives_it():
    # the kernel's kill follows the thread that forked the server: none is asked for there
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    out = subprocess.run(
        [sys.executable, "-c", _FROM_A_THREAD.format(root=root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(got) == 2
    _assert_arrived_warm(got)
