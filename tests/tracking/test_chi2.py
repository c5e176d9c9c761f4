"""Chi-square survival function and quantile (closed forms) against SciPy."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scipy.special import chdtrc, chdtri

from iads.tracking.chi2 import chi2_quantile, chi2_sf


@pytest.mark.parametrize("dof", range(1, 9))
def test_quantile_and_sf_equal_scipy(dof: int) -> None:
    for p in (0.01, 0.5, 0.9, 0.99, 0.9999, 1.0 - 1e-9):
        assert chi2_quantile(p, dof) == pytest.approx(chdtri(dof, 1.0 - p), rel=1e-12)
    for x in (1e-3, 0.5, 3.0, 16.0, 60.0):
        assert chi2_sf(x, dof) == pytest.approx(chdtrc(dof, x), rel=1e-11)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        chi2_quantile(1.0, 3)
    with pytest.raises(ValueError):
        chi2_sf(1.0, 0)


def test_tracker_imports_no_scipy() -> None:
    """The tracker's default path (k-d tree, clusters, assignment, gate quantile) needs no
    SciPy, whose import costs more than a 100-target run of ``iads track``."""
    code = (
        "import sys, iads.tracking.tracker; print(any(m.startswith('scipy') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
