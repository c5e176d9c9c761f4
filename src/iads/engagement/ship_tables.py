"""Write the fly-out tables of the built-in catalog's interceptor types into the package, so a
new machine (or an air-gapped one) never flies them at its first run (about 20 s a type).

The files are named by ``iads.engagement.tables.table_key`` (the type's JSON and the fly-out
model's source), so a changed model or type simply misses them and builds its own table;
``tests/engagement/test_ship_tables.py`` fails until they are regenerated:

    python -m iads.engagement.ship_tables
"""

from __future__ import annotations

from pathlib import Path

from iads.engagement.tables import SHIPPED_DIR, _save, build_table, table_key
from iads.scenario.load import builtin_catalog


def write_shipped_tables(folder: Path = SHIPPED_DIR) -> list[Path]:
    """Build into ``folder`` the default table of every built-in interceptor type that has no
    current file there, and remove the files of older keys; return every type's file."""
    folder.mkdir(parents=True, exist_ok=True)
    types = builtin_catalog().interceptors
    keep = {f"{table_key(it)}.npz" for it in types.values()}
    for old in folder.glob("*.npz"):
        if old.name not in keep:
            old.unlink()
    written = []
    for name, it in types.items():
        file = folder / f"{table_key(it)}.npz"
        if not file.exists():
            print(f"building the fly-out table of {name}", flush=True)
            _save(file, build_table(it))
        written.append(file)
    return written


if __name__ == "__main__":
    for f in write_shipped_tables():
        print(f)
