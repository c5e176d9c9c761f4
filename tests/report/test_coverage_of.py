"""The report's coverage figure on a terrain scenario: masked by the terrain file, or on the
smooth earth, and labelled so, when that file can no longer be read."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np

from iads.report.run_figures import coverage_of
from iads.scenario.load import load_scenario

HILLS = Path(__file__).parents[2] / "examples" / "hills.yaml"


def _run(sc):
    return SimpleNamespace(scenario=sc, threats={"type": np.array([], dtype=object)})


def test_terrain_file_gone_since_the_run_gives_the_smooth_earth_and_says_so(tmp_path):
    sc = load_scenario(HILLS)
    masked = coverage_of(_run(sc), rcs_m2=1.0)
    assert "masked by the scenario terrain" in masked.label
    gone = sc.model_copy(
        update={"terrain": sc.terrain.model_copy(update={"file": str(tmp_path / "x.tif")})}
    )
    smooth = coverage_of(_run(gone), rcs_m2=1.0)
    assert "smooth earth" in smooth.label
    # the ridge hides cells the smooth earth shows, never the reverse
    hi_m, hi_s = masked.footprint["detect_max_range_m"], smooth.footprint["detect_max_range_m"]
    both = np.isfinite(hi_s)
    assert np.all(np.nan_to_num(hi_m[both], nan=0.0) <= hi_s[both])
    assert np.nan_to_num(hi_m[both], nan=0.0).sum() < hi_s[both].sum()
