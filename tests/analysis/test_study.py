"""Studies: reproducible replications, identical results whatever the workers, faults survived."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

import duckdb
import pytest

from iads.analysis.replicate import run_kwargs
from iads.analysis.seeds import replication_seed
from iads.analysis.study import deferred_interrupt, mc_spec, run_study, sweep_spec
from iads.errors import InputError
from iads.io.study_store import StudyLock
from iads.sim.run import run_scenario
from tests.analysis.conftest import RUNS
from tests.analysis.helpers import assert_same_study, kill_once, store_tables


def test_a_replication_is_the_run_of_its_seed(tiny, baseline):
    # Replication 2 of the study is exactly `iads run --seed <its seed>` (same scenario).
    seed = replication_seed(tiny.seed, 2)
    run = run_scenario(tiny, seed=seed, **run_kwargs("fast"))
    con = duckdb.connect(str(baseline / "study.duckdb"), read_only=True)
    try:
        stored_seed, kills, leakers, spent = con.execute(
            "SELECT seed, kills, leakers, interceptors_spent FROM replications WHERE rep = 2"
        ).fetchone()
        outcomes = [
            r[0]
            for r in con.execute(
                "SELECT outcome FROM threats WHERE rep = 2 ORDER BY threat_id"
            ).fetchall()
        ]
        n_eng = con.execute("SELECT count(*) FROM engagements WHERE rep = 2").fetchone()[0]
    finally:
        con.close()
    assert stored_seed == seed
    assert (kills, leakers, spent) == (
        run.summary["kills"],
        run.summary["leakers"],
        run.summary["interceptors_spent"],
    )
    assert outcomes == list(run.threats["outcome"])
    assert n_eng == len(run.engagements["time_s"])


def test_two_workers_give_the_same_study_as_one(tiny, baseline, tmp_path):
    out = tmp_path / "two"
    outcome = run_study(mc_spec(tiny, RUNS, fidelity="fast"), out, workers=2)
    assert (outcome.done, outcome.total, outcome.ran) == (RUNS, RUNS, RUNS)
    assert_same_study(baseline, out)


def test_a_killed_worker_loses_and_duplicates_nothing(tiny, baseline, tmp_path):
    marker = tmp_path / "killed"
    out = tmp_path / "study"
    fn = partial(kill_once, marker=str(marker), rep=1)
    outcome = run_study(mc_spec(tiny, RUNS, fidelity="fast"), out, workers=2, replicate=fn)
    assert marker.is_file(), "the fault was not injected"
    assert outcome.done == RUNS
    tables = store_tables(out)
    keys = [r[:2] for r in tables["replications"][1:]]
    assert sorted(keys) == [(0, r) for r in range(RUNS)]  # each once
    assert_same_study(baseline, out)


def test_resume_runs_only_what_is_missing(tiny, baseline, tmp_path):
    out = tmp_path / "study"
    first = run_study(mc_spec(tiny, 2, fidelity="fast"), out, workers=1)
    assert first.done == 2
    with pytest.raises(InputError, match="holds a study already"):
        run_study(mc_spec(tiny, RUNS, fidelity="fast"), out)
    with pytest.raises(InputError, match="another seed"):
        run_study(mc_spec(tiny, RUNS, seed=99, fidelity="fast"), out, resume=True)
    more = run_study(mc_spec(tiny, RUNS, fidelity="fast"), out, resume=True)
    assert (more.done, more.ran) == (RUNS, RUNS - 2)
    assert_same_study(baseline, out)


def test_two_studies_never_write_one_store(tiny, tmp_path):
    with StudyLock(tmp_path / "s"):
        with pytest.raises(InputError, match="another study is writing this store"):
            run_study(mc_spec(tiny, 1, fidelity="fast"), tmp_path / "s")


def test_a_failed_start_leaves_no_store(tiny, tmp_path):
    out = tmp_path / "none"
    with pytest.raises(InputError, match="no study here"):
        run_study(mc_spec(tiny, 1, fidelity="fast"), out, resume=True)
    assert not out.exists()


def test_sweep_points_share_seeds_and_store_their_values(tiny, tmp_path):
    spec = sweep_spec(tiny, ["raids[name=CM].count=1,3"], runs=2, fidelity="fast")
    run_study(spec, tmp_path / "sw", workers=1)
    t = store_tables(tmp_path / "sw")
    head = t["points"][0]
    assert "raids[name=CM].count" in head
    assert sorted(r[head.index("raids[name=CM].count")] for r in t["points"][1:]) == [1, 3]
    reps = t["replications"]
    col = {c: i for i, c in enumerate(reps[0])}
    seeds = {(r[col["point"]], r[col["rep"]]): r[col["seed"]] for r in reps[1:]}
    assert seeds[(0, 0)] == seeds[(1, 0)] == replication_seed(tiny.seed, 0)
    assert {r[col["threats"]] for r in reps[1:] if r[col["point"]] == 1} == {3}
    summary = t["summary"]
    scol = {c: i for i, c in enumerate(summary[0])}
    leak = [r for r in summary[1:] if r[scol["metric"]] == "leak_rate"]
    assert sorted(r[scol["n"]] for r in leak) == [2, 6]  # trials = threats over the replications


@contextmanager
def _bystander_thread() -> Iterator[Callable[[], None]]:
    """A thread started before SIGINT is blocked (a new thread inherits the mask), as DuckDB's
    are; yields a function that sends SIGINT to it. Python then runs the handler on the main
    thread, at its next bytecode."""
    import signal
    import threading

    gate = threading.Event()
    thread = threading.Thread(target=gate.wait, args=(10.0,))
    thread.start()
    try:
        yield lambda: signal.pthread_kill(thread.ident, signal.SIGINT)
    finally:
        gate.set()
        thread.join()


def _spin(seconds: float = 0.2) -> None:
    """Run bytecode for ``seconds``: a SIGINT sent just before has its handler run here."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _blocked() -> set:
    """The signals this thread has blocked."""
    import signal

    return signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_deferred_interrupt_holds_ctrl_c_until_the_write_is_done() -> None:
    reached_end = False
    with _bystander_thread() as send_sigint, pytest.raises(KeyboardInterrupt):
        with deferred_interrupt():
            send_sigint()
            _spin()  # bytecode after the signal: the handler would run here
            reached_end = True
    assert reached_end


def test_deferred_interrupt_restores_the_handler_and_passes_a_quiet_block() -> None:
    import signal

    before, mask = signal.getsignal(signal.SIGINT), _blocked()
    with deferred_interrupt():
        assert signal.SIGINT in _blocked()
    assert signal.getsignal(signal.SIGINT) is before
    assert _blocked() == mask


def test_deferred_interrupt_raises_ctrl_c_from_a_failed_body() -> None:
    import signal

    before = signal.getsignal(signal.SIGINT)
    with _bystander_thread() as send_sigint, pytest.raises(KeyboardInterrupt) as info:
        with deferred_interrupt():
            send_sigint()
            _spin()
            raise ValueError("the write failed")
    assert isinstance(info.value.__cause__, ValueError)  # the body's error is not lost
    assert signal.getsignal(signal.SIGINT) is before
    assert signal.SIGINT not in _blocked()


def test_deferred_interrupt_passes_a_failed_body_s_error_without_ctrl_c() -> None:
    import signal

    before, mask = signal.getsignal(signal.SIGINT), _blocked()
    with pytest.raises(ValueError, match="the write failed"):
        with deferred_interrupt():
            raise ValueError("the write failed")
    assert signal.getsignal(signal.SIGINT) is before
    assert _blocked() == mask


def test_deferred_interrupt_drops_ctrl_c_if_it_was_ignored() -> None:
    import signal

    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with _bystander_thread() as send_sigint:
            with deferred_interrupt():
                send_sigint()
                _spin()
            _spin()
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


def test_deferred_interrupt_nested_raises_once_at_the_outer_end() -> None:
    import signal

    before = signal.getsignal(signal.SIGINT)
    after_inner = False
    with _bystander_thread() as send_sigint, pytest.raises(KeyboardInterrupt):
        with deferred_interrupt():
            with deferred_interrupt():
                send_sigint()
                _spin()
            assert signal.SIGINT in _blocked()  # the inner block left the outer's mask
            after_inner = True
    assert after_inner
    assert signal.getsignal(signal.SIGINT) is before
    assert signal.SIGINT not in _blocked()


def test_deferred_interrupt_keeps_a_caller_s_blocked_sigint_blocked() -> None:
    import signal

    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        with deferred_interrupt():
            pass
        assert signal.SIGINT in _blocked()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def test_deferred_interrupt_leaves_a_handler_set_from_c(monkeypatch) -> None:
    """``signal.getsignal`` and ``signal.signal`` say None for a handler set from C (an
    embedding program's); it cannot be put back from Python, so it is not swapped."""
    import signal

    set_from_python = []

    def set_handler(signum, handler):
        set_from_python.append(handler)
        signal_signal(signum, handler)  # raises TypeError for None, as the real one does

    signal_signal = signal.signal
    before = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(signal, "getsignal", lambda signum: None)
    monkeypatch.setattr(signal, "signal", set_handler)
    with deferred_interrupt():
        assert signal.SIGINT in _blocked()
    monkeypatch.undo()
    assert set_from_python == []
    assert signal.getsignal(signal.SIGINT) is before
    assert signal.SIGINT not in _blocked()


def test_deferred_interrupt_restores_the_handler_if_blocking_fails(monkeypatch) -> None:
    import signal

    def fail(how, mask):
        raise OSError("pthread_sigmask failed")

    before = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(signal, "pthread_sigmask", fail)
    with pytest.raises(OSError, match="pthread_sigmask failed"):
        with deferred_interrupt():
            pass
    assert signal.getsignal(signal.SIGINT) is before


def test_ctrl_c_during_a_write_counts_the_replication_it_stored(tiny, tmp_path, monkeypatch):
    """The count given to ``progress`` (the CLI's "N of M replications are stored") includes
    the replication whose write a Ctrl-C interrupted: it was stored."""
    from iads.io.study_store import StudyWriter

    append = StudyWriter.append
    seen: list[int] = []
    out = tmp_path / "study"
    with _bystander_thread() as send_sigint:

        def interrupted_append(self, rows):
            if len(seen) == 2:  # the start and the first replication reported: Ctrl-C now
                send_sigint()
                _spin()
            return append(self, rows)

        monkeypatch.setattr(StudyWriter, "append", interrupted_append)
        with pytest.raises(KeyboardInterrupt):
            run_study(
                mc_spec(tiny, RUNS, fidelity="fast"),
                out,
                workers=1,
                progress=lambda done, total: seen.append(done),
            )
    monkeypatch.undo()
    assert len(store_tables(out)["replications"]) - 1 == 2
    assert seen == [0, 1, 2]


def test_runs_elsewhere_is_the_executor_execute_chooses():
    from iads.analysis.execute import execute, runs_elsewhere

    for n, workers, scheduler in [(1, 1, None), (5, 1, None), (1, 4, None), (5, 2, None),
                                  (1, 1, "tcp://127.0.0.1:1"), (5, 3, "tcp://127.0.0.1:1")]:  # fmt: skip
        gen = execute(list(range(n)), str, workers=workers, scheduler=scheduler)
        try:  # not started: no pool, no connection
            assert runs_elsewhere(n, workers, scheduler) == (gen.gi_code.co_name != "serial")
        finally:
            gen.close()
