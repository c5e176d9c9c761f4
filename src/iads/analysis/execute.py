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
from contextlib import contextmanager
from typing import Any

from iads.errors import InputError

MAX_POOL_RESTARTS = 3
"""Local pools broken in a row, with no replication finished in between, before a study stops."""
PRELOAD = ["iads.analysis.server_start"]
"""What the forkserver imports once (``iads.analysis.server_start``): the replication's modules
and a short warm-up, so each worker starts without paying for the imports or a first run's
overhead, and the collector frozen over them."""
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
}
"""One thread per local worker for BLAS and numba (a replication is single-threaded work; K
workers with K threads each would oversubscribe the cores). Dask's nanny does the same. Set
unless the user set them."""
WARM_ENV = "IADS_WARM_FIDELITY"
"""Environment variable naming the fidelity the forkserver warms up (``iads.analysis.warm``),
set by ``start_local_workers`` for the server only: one fidelity's warm-up is 0.09-0.2 s less
than both on the way to the first result. Unset or unknown: both."""
PARENT_ENV = "IADS_SERVER_PARENT"
"""Environment variable holding the process id of the process that starts the forkserver from
its main thread (set by ``start_local_workers`` for the server only): the server then ends with
it (``iads.analysis.server_start``)."""
POLL_S = 0.2
"""How long the local pool waits for a result before it lets a held Ctrl-C through (s). The
wait holds Ctrl-C back (``deferred_interrupt``): a KeyboardInterrupt raised inside the
executor's locks (taking a future's lock for ``wait`` or ``result``) left one held, and the
process hung at exit, its pool manager waiting on it."""
DASK_CONNECT_TIMEOUT_S = 10.0
"""How long ``--scheduler`` may take to answer before the study gives up (s)."""


class StudyError(RuntimeError):
    """A study could not complete (workers keep dying, a replication raised)."""


@contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back while a block runs, and raise it as KeyboardInterrupt once
    the block is done: while the study store is written (DuckDB would turn it into its own
    error mid-transaction) and while the local pool waits (``POLL_S``).

    Blocking the signal on the main thread is not enough: the kernel then hands it to one of
    DuckDB's threads, or it may have arrived just before, and Python runs its handler at the
    next bytecode on the main thread, inside DuckDB's calls back into Python. So the handler is
    swapped for one that only records the signal, and the previous one runs afterwards (SIG_IGN:
    nothing; a handler set from C, which Python cannot put back, is not swapped). If the body
    raised as well, the KeyboardInterrupt is chained from its exception. The mask is put back
    as it was (a caller's blocked SIGINT stays blocked).
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, Any]] = []
    previous = signal.getsignal(signal.SIGINT)
    swap = previous is not None  # None: set from C, and Python cannot put it back
    mask: set[signal.Signals] | None = None
    failed: BaseException | None = None
    try:
        if swap:
            signal.signal(signal.SIGINT, lambda signum, frame: caught.append((signum, frame)))
        if hasattr(signal, "pthread_sigmask"):
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        yield
    except BaseException as exc:
        failed = exc
        raise
    finally:
        try:
            if mask is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        finally:
            if swap:
                signal.signal(signal.SIGINT, previous)
        if caught:
            try:
                _run_handler(previous, caught[0])
            except BaseException as interrupt:
                if failed is None:
                    raise
                raise interrupt from failed


def _run_handler(handler: Any, caught: tuple[int, Any]) -> None:
    """Do what SIGINT's ``handler`` would have done with ``caught`` (signal number, frame)."""
    import signal

    if callable(handler):
        handler(*caught)
    elif handler != signal.SIG_IGN:
        raise KeyboardInterrupt


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


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block (a process started in it inherits them), then
    put back what was there."""
    before = {key: os.environ.get(key) for key in values}
    try:
        os.environ.update(values)
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def start_local_workers(fidelity: str | None = None) -> Any:
    """Start the local workers' forkserver now, if it is not running, and return its
    multiprocessing context. The server imports ``PRELOAD`` (and warms up, in ``fidelity``
    when given, else in both) in the background, so a command that calls this first, before
    its own imports, has warm workers by the time its pool starts. Idempotent: a server
    already running keeps its warm-up. Called from the main thread on Linux, the server ends
    with this process (``iads.analysis.server_start``; the kernel's kill follows the thread
    that started the server, so from another thread it is not asked for)."""
    import multiprocessing as mp
    import threading
    from multiprocessing import forkserver

    for key, value in WORKER_ENV.items():  # inherited by the forkserver when it starts
        os.environ.setdefault(key, value)
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    server_env = {}
    if threading.current_thread() is threading.main_thread():
        server_env[PARENT_ENV] = str(os.getpid())
    if fidelity is not None:
        server_env[WARM_ENV] = fidelity
    with _environment(server_env):  # for the server only: it reads them as it starts
        forkserver.ensure_running()
    return ctx


def _results(
    finished: Any, futures: dict[Any, int], pending: dict[int, Any], broken: type
) -> tuple[list[Any], bool]:
    """The results of the ``finished`` futures, each task taken off ``pending``, and whether
    one of them found the pool broken (``broken``: ``BrokenProcessPool``)."""
    out, broke = [], False
    for fut in finished:
        try:
            result = fut.result()
        except broken:
            broke = True
            continue
        pending.pop(futures[fut], None)
        out.append(result)
    return out, broke


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
            with deferred_interrupt():  # no Ctrl-C inside the executor's locks (POLL_S)
                futures = {pool.submit(fn, task): i for i, task in pending.items()}
            waiting = set(futures)
            while waiting:
                with deferred_interrupt():
                    finished, waiting = wait(waiting, timeout=POLL_S, return_when=FIRST_COMPLETED)
                    results, broke = _results(finished, futures, pending, BrokenProcessPool)
                    kept = []
                    if broke:  # finished before the pool broke: keep the result
                        done = [f for f in waiting if f.done() and not f.cancelled()]
                        ok = [f for f in done if f.exception() is None]
                        kept = _results(ok, futures, pending, BrokenProcessPool)[0]
                if results:
                    broken_in_a_row = 0
                yield from results + kept  # outside the held Ctrl-C: the caller runs here
                if broke:
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
    "POLL_S",
    "MAX_POOL_RESTARTS",
    "PARENT_ENV",
    "PRELOAD",
    "StudyError",
    "WARM_ENV",
    "dask_cluster",
    "deferred_interrupt",
    "execute",
    "process_pool",
    "runs_elsewhere",
    "serial",
    "start_local_workers",
]
