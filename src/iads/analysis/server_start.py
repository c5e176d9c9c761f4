"""What the local workers' forkserver runs once, when it starts (``execute.PRELOAD``).

It imports what a replication uses, warms up (``warm.warm_up``) in the fidelity named by
``execute.WARM_ENV``, then collects and freezes the garbage collector over everything loaded, as
the ``gc`` documentation advises before forking: no collection in a worker traverses (or
writes to the pages of) the modules, kernels and tables it inherited, and the server's own exit
skips them. Unfrozen, that exit (tearing down numba, SciPy and iads) kept the command's stdout
and stderr open 0.3 s after the command itself had ended: a pipe or a caller waiting for them
waited that long (measured: 0.34-0.37 s, frozen 0.06-0.08 s).

On Linux the server also asks the kernel to kill it when the process that started it ends
(``prctl(PR_SET_PDEATHSIG, SIGKILL)``, set before its imports): a command that fails its
input checks after starting the server (``iads mc missing.yaml --runs 8``) exits at once, and without it
the server went on importing and warming up for a second, holding the command's stdout and
stderr (measured: exit 0.35 s, pipes closed at 1.43 s). Workers are not affected: the setting
is not inherited across fork, and the parent stops them before it ends.

Only the server imports this module: importing it freezes the importing process's objects.
"""

from __future__ import annotations

import gc
import os
import signal
import sys

from iads.analysis.execute import PARENT_ENV, WARM_ENV  # light: os and iads.errors

PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal this process gets when its parent ends (``<linux/prctl.h>``)."""


def die_with_the_parent(parent: int) -> bool:
    """Linux: have the kernel send SIGKILL to this process when the thread that started it
    ends, and end now if ``parent`` (its process id) ended already; whether the kill was set
    (never on other systems, or where libc has no ``prctl``)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    prctl.restype = ctypes.c_int
    done = prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    if done and os.getppid() != parent:
        os._exit(0)  # it ended before the setting: nobody will ask this server for workers
    return done


# Read once and removed: workers and their children must not inherit it, nor a server that
# multiprocessing restarts later from another thread (``execute.start_local_workers``).
_PARENT = os.environ.pop(PARENT_ENV, "")
if _PARENT.isdigit():  # started from its parent's main thread
    die_with_the_parent(int(_PARENT))

import iads.analysis.replicate  # noqa: E402 - after the setting above: imports take a second
import iads.sim.run  # noqa: E402,F401 - what every replication imports
from iads.analysis.warm import warm_fidelities, warm_up  # noqa: E402

try:
    warm_up(warm_fidelities(os.environ.get(WARM_ENV)))
except Exception:  # noqa: BLE001 - only a head start: a replication loads what it needs itself
    pass
gc.collect()  # the warm-up's garbage, which freezing would keep for every worker's life
gc.freeze()
