"""What the local workers' forkserver runs once, when it starts (``execute.PRELOAD``).

It imports what a replication uses, warms up (``warm.warm_up``) in the fidelity named by
``execute.WARM_ENV``, then collects and freezes the garbage collector over everything loaded, as
the ``gc`` documentation advises before forking: no collection in a worker traverses (or
writes to the pages of) the modules, kernels and tables it inherited, and the server's own exit
skips them. Unfrozen, that exit (tearing down numba, SciPy and iads) kept the command's stdout
and stderr open 0.3 s after the command itself had ended: a pipe or a caller waiting for them
waited that long (measured: 0.34-0.37 s, frozen 0.06-0.08 s).

Only the server imports this module: importing it freezes the importing process's objects.
"""

from __future__ import annotations

import gc
import os

import iads.analysis.replicate
import iads.sim.run  # noqa: F401 - what every replication imports
from iads.analysis.execute import WARM_ENV
from iads.analysis.warm import warm_fidelities, warm_up

try:
    warm_up(warm_fidelities(os.environ.get(WARM_ENV)))
except Exception:  # noqa: BLE001 - only a head start: a replication loads what it needs itself
    pass
gc.collect()  # the warm-up's garbage, which freezing would keep for every worker's life
gc.freeze()
