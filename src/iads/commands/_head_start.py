"""A head start for the local workers of ``iads mc`` and ``iads sweep``.

``cli.main`` calls ``start_workers_if_asked(args)`` before it imports Typer: when the arguments
plainly ask for a study on local workers, the workers' forkserver
(``iads.analysis.execute.start_local_workers``) starts importing and warming up on the other
core at once, instead of after Typer and the command's module are loaded (measured: spawned
0.05-0.07 s into the process instead of 0.23-0.29 s, all of it on the way to a 2-worker
study's first result). The scan reads only the options it
needs; anything it does not understand (help, a value that is not plain) means no head start,
and Typer then parses the arguments as always: a wrong guess costs a forkserver started for
nothing or a head start missed, never a different study (missed: ``--`` before the options,
``sweep --runs 1`` over several points, an empty ``--scheduler=``). Linux only: there the
server ends with the command (``iads.analysis.server_start``); elsewhere a server started for a
command that then fails its checks would hold the command's pipes until its preload is done.
This module imports nothing heavy.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

STUDY_COMMANDS = ("mc", "sweep")
DEFAULT_FIDELITY = "full"
"""The fidelity of ``iads mc`` and ``iads sweep`` without ``--fidelity``."""
_VALUED = ("--runs", "--workers", "--scheduler", "--fidelity")
_HELP = ("--help", "-h")


def default_workers() -> int:
    """Local worker processes when ``--workers`` is not given: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def study_options(args: Sequence[str]) -> dict[str, str] | None:
    """The last value of each of ``--runs``, ``--workers``, ``--scheduler`` and ``--fidelity``
    in the arguments of a study command (``mc ...`` or ``sweep ...``; ``--name value`` or
    ``--name=value``), or None when they are not a study command's or ask for help."""
    if not args or args[0] not in STUDY_COMMANDS:
        return None
    found: dict[str, str] = {}
    k = 1
    while k < len(args):
        token = args[k]
        k += 1
        if token in _HELP:
            return None
        name, eq, value = token.partition("=")
        if name not in _VALUED:
            continue
        if not eq:
            if k >= len(args):
                return None
            value = args[k]
            k += 1
        found[name] = value
    return found


def wants_local_workers(args: Sequence[str]) -> tuple[bool, str | None]:
    """(whether the arguments plainly ask for a study on more than one local worker, the
    fidelity it runs in)."""
    found = study_options(args)
    if found is None or "--scheduler" in found or not sys.platform.startswith("linux"):
        return False, None
    try:
        runs = int(found["--runs"])
        workers = int(found["--workers"]) if "--workers" in found else default_workers()
    except (KeyError, ValueError):
        return False, None
    fidelity = found.get("--fidelity", DEFAULT_FIDELITY)
    return runs > 1 and workers > 1, fidelity


def start_workers_if_asked(args: Sequence[str]) -> None:
    """Start the local workers' forkserver now if ``args`` ask for them (module docstring)."""
    wanted, fidelity = wants_local_workers(args)
    if not wanted:
        return
    from iads.analysis.execute import start_local_workers

    try:
        start_local_workers(fidelity)
    except OSError:  # the study starts it again, and reports what is wrong
        pass
