"""A study through a real Dask cluster: a `dask scheduler` and two `dask worker` processes on
127.0.0.1 (free ports chosen by the OS), one worker killed mid-study; the store must equal the
one-worker study, table for table."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from iads.analysis.study import mc_spec, run_study
from tests.analysis.conftest import RUNS
from tests.analysis.helpers import assert_same_study, kill_once

pytest.importorskip("distributed")

ROOT = Path(__file__).parents[2]
START_TIMEOUT_S = 90


def _env() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return env


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)


@pytest.fixture
def cluster(tmp_path):
    """(address, processes) of a scheduler and two single-threaded workers with nannies."""
    sfile = tmp_path / "scheduler.json"
    env = _env()
    log = open(tmp_path / "cluster.log", "w")  # noqa: SIM115 - closed below
    dask = [sys.executable, "-m"]
    procs = [
        subprocess.Popen(
            [
                *dask[:2],
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(sfile),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    ]
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not sfile.is_file() or not sfile.read_text().strip():
            assert procs[0].poll() is None, (tmp_path / "cluster.log").read_text()
            assert time.monotonic() < deadline, "scheduler did not start"
            time.sleep(0.1)
        address = json.loads(sfile.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for i in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        *dask[:2],
                        "distributed.cli.dask_worker",
                        address,
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                        "--name",
                        f"w{i}",
                        "--local-directory",
                        str(tmp_path / f"w{i}"),
                    ],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        from distributed import Client

        with Client(address, timeout=START_TIMEOUT_S) as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT_S)
        yield address, procs
    finally:
        _stop(procs)
        log.close()


def test_study_on_a_dask_cluster_with_a_worker_killed(tiny, baseline, tmp_path, cluster):
    address, procs = cluster
    marker = tmp_path / "killed"
    out = tmp_path / "study"
    fn = partial(kill_once, marker=str(marker), rep=1)
    outcome = run_study(mc_spec(tiny, RUNS, fidelity="fast"), out, scheduler=address, replicate=fn)
    assert marker.is_file(), "the fault was not injected"
    assert int(marker.read_text()) not in {p.pid for p in procs}  # a worker process, not a nanny
    assert (outcome.done, outcome.ran) == (RUNS, RUNS)
    assert_same_study(baseline, out)
