"""The fly-out tables shipped in the package: current for every built-in interceptor type, read
before any cache or build, and what a fresh build gives."""

import numpy as np

from iads.engagement import tables
from iads.engagement.ship_tables import SHIPPED_DIR
from iads.scenario.load import builtin_catalog

REGENERATE = "regenerate with: python -m iads.engagement.ship_tables"


def test_every_builtin_type_has_a_current_shipped_table():
    types = builtin_catalog().interceptors
    want = {f"{tables.table_key(it)}.npz": name for name, it in types.items()}
    have = {f.name for f in SHIPPED_DIR.glob("*.npz")}
    missing = sorted(name for file, name in want.items() if file not in have)
    assert not missing, f"no shipped table for the current model of {missing}; {REGENERATE}"
    assert have <= set(want), f"stale shipped tables {sorted(have - set(want))}; {REGENERATE}"
    for file in want:
        assert tables._load(SHIPPED_DIR / file, remove_damaged=False) is not None, file


def test_a_new_machine_reads_the_shipped_table_without_building(tmp_path, monkeypatch):
    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tables, "_CACHE", {})

    def no_build(_itype):
        raise AssertionError("built a table that is shipped")

    monkeypatch.setattr(tables, "build_table", no_build)
    for it in builtin_catalog().interceptors.values():
        assert isinstance(tables.table_for(it), tables.FlyoutTable)
    assert not list((tmp_path / "flyout_tables").glob("*.npz"))  # nothing written to the cache


def test_a_damaged_shipped_table_is_left_in_place_and_the_table_built(tmp_path, monkeypatch):
    itype = builtin_catalog().interceptors["AMRAAM-class"]
    fake_pkg = tmp_path / "pkg"
    (fake_pkg / "shipped_tables").mkdir(parents=True)
    bad = fake_pkg / "shipped_tables" / f"{tables.table_key(itype)}.npz"
    bad.write_bytes(b"not a table")
    monkeypatch.setattr(tables, "SHIPPED_DIR", fake_pkg / "shipped_tables")
    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(tables, "_CACHE", {})
    built = tables.FlyoutTable(
        np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.full((2, 2), 3.0), np.full((2, 2), 1.0)
    )
    monkeypatch.setattr(tables, "build_table", lambda _t: built)
    assert tables.table_for(itype) is built
    assert bad.read_bytes() == b"not a table"  # the package is never written


def test_the_shipped_table_is_what_a_fresh_build_gives():
    itype = builtin_catalog().interceptors["AMRAAM-class"]  # the quickest type to fly (~5 s)
    shipped = tables._load(SHIPPED_DIR / f"{tables.table_key(itype)}.npz", remove_damaged=False)
    fresh = tables.build_table(itype)
    for a, b in zip(
        (shipped.ground_m, shipped.alt_m, shipped.tof_s, shipped.speed_mps),
        (fresh.ground_m, fresh.alt_m, fresh.tof_s, fresh.speed_mps),
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=1e-9, equal_nan=True)
