"""The fuzz corpus (tests/hardening/corpus) through the real CLI, each file in its own process
under the benchmark's 4 GiB cap and 30 s timeout: exit 0 or 2, no traceback, no warning, only
``error:`` lines, nothing left behind (``benchmarks/hardening.py`` judges each answer)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CORPUS = Path(__file__).parent / "corpus"
_spec = importlib.util.spec_from_file_location(
    "iads_bench_hardening", ROOT / "benchmarks" / "hardening.py"
)
hardening = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = hardening  # dataclasses look the module up
_spec.loader.exec_module(hardening)

EXPECT_OK = {"markup_name.yaml", "no_threats.yaml", "plots_ok.csv", "plots_header_only.csv"}
EXPECT_FIELD = {
    "catalog_dev_zero.yaml": ":35: catalog_files[0]: ",
    "catalog_escape.yaml": ":35: catalog_files[0]: ",
    "control_chars.yaml": ":13: batteries[0].radars[0].type: ",
    "duration_text.yaml": ":3: duration_s: ",
    "huge_value.yaml": ":9: assets[0].value: ",
    "nan.yaml": ":4: tick_s: ",
    "seed_65bit.yaml": ":5: seed: ",
    "tick_true.yaml": ":4: tick_s: ",
    "tiny_tick.yaml": ":4: tick_s: ",
    "week_at_tenth.yaml": ":4: tick_s: ",
    "plots_big_id.csv": ": sensor_id: ",
    "plots_dup_column.csv": ": range_m: ",
    "plots_huge_range.csv": ": range_m: ",
    "plots_huge_time.csv": ": time_s: ",
    "plots_one_scan_too_many.csv": ": time_s: ",
    "plots_timestamp.csv": ": time_s: ",
    "plots_wrap_time.csv": ": time_s: ",
}
"""The file's line (scenarios) and the field that an exit-2 error must name after the file."""


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.iterdir()))
def test_corpus_file(name: str):
    outcome = hardening.check_file(CORPUS / name, mem_gib=4.0, timeout_s=60.0)
    assert outcome.problem == "", outcome
    assert outcome.code == (0 if name in EXPECT_OK else 2), outcome
    if name in EXPECT_FIELD:
        assert f"{name}{EXPECT_FIELD[name]}" in outcome.stderr, outcome.stderr
