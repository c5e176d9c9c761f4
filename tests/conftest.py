"""Suite-wide setup: the tests never touch the user's cache.

Fly-out tables (``iads.engagement.tables``) are cached under ``$IADS_CACHE_DIR``; unless the
caller set it, the tests use ``.pytest_cache/iads-cache`` in the repository (kept between
sessions, so tables are built once; never ``~/.cache/iads``).
"""

from __future__ import annotations

import os
from pathlib import Path

if not os.environ.get("IADS_CACHE_DIR"):
    os.environ["IADS_CACHE_DIR"] = str(Path(__file__).parents[1] / ".pytest_cache" / "iads-cache")
