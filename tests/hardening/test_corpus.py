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


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.iterdir()))
def test_corpus_file(name: str):
    outcome = hardening.check_file(CORPUS / name, mem_gib=4.0, timeout_s=60.0)
    assert outcome.problem == "", outcome
    assert outcome.code == (0 if name in EXPECT_OK else 2), outcome
