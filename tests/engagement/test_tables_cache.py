"""The fly-out table cache key follows the model: an edited model never reads stale tables."""

import inspect

import numpy as np
import pytest

from iads.engagement import flyout, tables
from iads.scenario.load import builtin_catalog


@pytest.fixture
def fresh_fingerprint():
    tables.model_fingerprint.cache_clear()
    yield
    tables.model_fingerprint.cache_clear()


def test_key_changes_with_the_model_source(monkeypatch, fresh_fingerprint):
    itype = builtin_catalog().interceptors["AMRAAM-class"]
    before = tables.table_key(itype)
    assert tables.table_key(itype) == before  # stable for one model
    real = inspect.getsource

    def edited(obj):  # the fly-out model edited on disk since the table was cached
        text = real(obj)
        return text + "\n# drag coefficient changed\n" if obj is flyout else text

    monkeypatch.setattr(tables.inspect, "getsource", edited)
    tables.model_fingerprint.cache_clear()
    assert tables.table_key(itype) != before


def test_key_changes_with_the_table_constants(monkeypatch, fresh_fingerprint):
    itype = builtin_catalog().interceptors["AMRAAM-class"]
    before = tables.table_key(itype)
    monkeypatch.setattr(tables, "TABLE_DT_S", tables.TABLE_DT_S / 2)
    tables.model_fingerprint.cache_clear()
    assert tables.table_key(itype) != before


def test_stale_table_on_disk_is_not_read(tmp_path, monkeypatch, fresh_fingerprint):
    """A table saved under the old model's key is ignored once the model changes."""
    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path))
    itype = builtin_catalog().interceptors["AMRAAM-class"]
    folder = tmp_path / "flyout_tables"
    folder.mkdir()
    bogus = tables.FlyoutTable(
        np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.full((2, 2), 99.0), np.full((2, 2), 1.0)
    )
    tables._save(folder / f"{tables.table_key(itype)}.npz", bogus)
    monkeypatch.setattr(tables, "_CACHE", {})
    monkeypatch.setattr(tables, "build_table", lambda t: "rebuilt")
    monkeypatch.setattr(tables, "_save", lambda f, t: None)
    assert isinstance(tables.table_for(itype), tables.FlyoutTable)  # same model: the disk table
    real = inspect.getsource
    monkeypatch.setattr(
        tables.inspect,
        "getsource",
        lambda obj: real(obj) + ("\n# edited\n" if obj is flyout else ""),
    )
    tables.model_fingerprint.cache_clear()
    assert tables.table_for(itype) == "rebuilt"  # changed model: not the stale table
