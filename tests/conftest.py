"""Suite-wide setup: the tests never touch the user's cache.

Fly-out tables (``iads.engagement.tables``) are cached under ``$IADS_CACHE_DIR``; unless the
caller set it, the tests use ``.pytest_cache/iads-cache`` in the repository (kept between
sessions, so tables are built once; never ``~/.cache/iads``).

Ctrl-C is Python's again if the suite was started with SIGINT ignored (a shell's background
job without job control is): the tests that send it, to this process or to an ``iads``
subprocess (which would inherit the ignored signal), need it delivered.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

if not os.environ.get("IADS_CACHE_DIR"):
    os.environ["IADS_CACHE_DIR"] = str(Path(__file__).parents[1] / ".pytest_cache" / "iads-cache")

if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
