"""Where replications run: in this process, on local worker processes, or on a Dask cluster.

Every executor is a generator ``execute(tasks, fn)`` yielding ``fn(task)`` results in the order
they finish; the caller keys results by (point, rep), so order never matters.

- ``serial``: one after another in this process (``--workers 1``).
- ``process_pool``: ``concurrent.futures.ProcessPoolExecutor`` on ``forkserver`` workers that
  preload iads; nothing to start. A worker that dies (killed, out of memory) breaks the pool:
  finished results are kept, a new pool runs what is left, up to ``MAX_POOL_RESTARTS`` times
  without progress.
- ``dask``: ``distributed.Client(address)``; the scheduler re-runs a task whose worker died
  (``distributed.scheduler.allowed-failures``).

Closing the generator (Ctrl-C in the caller) cancels what has not started and stops local
workers without waiting for their replications.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from iads.errors import InputError

MAX_POOL_RESTARTS = 3
"""Local pools broken in a row, with no replication finished in between, before a study stops."""
PRELOAD = ["iads.analysis.replicate", "iads.sim.run", "iads.analysis.warm"]
"""Modules the forkserver imports once, so each worker starts without paying for the imports;
the last runs a short warm-up (``iads.analysis.warm``), so each starts without a first-run
overhead either."""
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
}
"""One thread per local worker for BLAS and numba (a replication is single-threaded work; K
workers with K threads each would oversubscribe the cores). Dask's nanny does the same. Set
unless the user set them."""
DASK_CONNECT_TIMEOUT_S = 10.0
"""How long ``--scheduler`` may take to answer before the study gives up (s)."""


class StudyError(RuntimeError):
    """A study could not complete (workers keep dying, a replication raised)."""


def serial(tasks: Sequence[Any], fn: Callable[[Any], Any]) -> Iterator[Any]:
    """Run ``fn`` on each task in this process."""
    for task in tasks:
        yield fn(task)


def _stop_pool(pool: Any) -> None:
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        if proc.is_alive():
            proc.terminate()
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.join(timeout=5)


def start_local_workers() -> Any:
    """Start the local workers' forkserver now, if it is not running, and return its
    multiprocessing context. The server imports ``PRELOAD`` (and warms up) in the background,
    so a command that calls this first, before its own imports, has warm workers by the time
    its pool starts. Idempotent."""
    import multiprocessing as mp
    from multiprocessing import forkserver

    for key, value in WORKER_ENV.items():  # inherited by the forkserver when it starts
        os.environ.setdefault(key, value)
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()
    return ctx


def process_pool(tasks: Sequence[Any], fn: Callable[[Any], Any], workers: int) -> Iterator[Any]:
    """Run ``fn`` on ``workers`` local processes; survive workers that die."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from iads.analysis.replicate import ignore_sigint

    ctx = start_local_workers()
    pending = dict(enumerate(tasks))
    broken_in_a_row = 0
    while pending:
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(pending)), mp_context=ctx, initializer=ignore_sigint
        )
        broke = False
        try:
            futures = {pool.submit(fn, task): i for i, task in pending.items()}
            waiting = set(futures)
            while waiting:
                finished, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                for fut in finished:
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        broke = True
                        continue
                    pending.pop(futures[fut], None)
                    broken_in_a_row = 0
                    yield result
                if broke:
                    for fut in waiting:  # finished before the pool broke: keep the result
                        if fut.done() and not fut.cancelled() and fut.exception() is None:
                            pending.pop(futures[fut], None)
                            yield fut.result()
                    break
        finally:
            _stop_pool(pool)
        if broke:
            broken_in_a_row += 1
            if broken_in_a_row > MAX_POOL_RESTARTS:
                raise StudyError(
                    f"local workers died {broken_in_a_row} times in a row with no replication "
                    f"finished ({len(pending)} left); see the system log (out of memory?)"
                )


def dask_cluster(tasks: Sequence[Any], fn: Callable[[Any], Any], address: str) -> Iterator[Any]:
    """Run ``fn`` on the Dask cluster whose scheduler is at ``address``."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError("needs Dask: pip install 'iads[dist]'", field="--scheduler") from None
    try:
        client = Client(address, timeout=DASK_CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"cannot reach a Dask scheduler at {address} ({type(exc).__name__})",
            field="--scheduler",
        ) from None
    futures = []
    try:
        futures = client.map(fn, list(tasks), pure=False)
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        for fut in futures:
            fut.cancel()
        client.close()


def execute(
    tasks: Sequence[Any],
    fn: Callable[[Any], Any],
    workers: int = 1,
    scheduler: str | None = None,
) -> Iterator[Any]:
    """The executor for these options: Dask if ``scheduler``, else a local pool of ``workers``
    processes, else (one worker) this process."""
    if scheduler:
        return dask_cluster(tasks, fn, scheduler)
    if runs_elsewhere(len(tasks), workers, scheduler):
        return process_pool(tasks, fn, workers)
    return serial(tasks, fn)


def runs_elsewhere(n_tasks: int, workers: int = 1, scheduler: str | None = None) -> bool:
    """Whether ``execute`` runs ``n_tasks`` in other processes (a Dask cluster, or local
    workers: more than one of them and of the tasks), this one only waiting for results."""
    return bool(scheduler) or (workers > 1 and n_tasks > 1)


__all__ = [
    "DASK_CONNECT_TIMEOUT_S",
    "MAX_POOL_RESTARTS",
    "PRELOAD",
    "StudyError",
    "dask_cluster",
    "execute",
    "process_pool",
    "runs_elsewhere",
    "serial",
    "start_local_workers",
]
