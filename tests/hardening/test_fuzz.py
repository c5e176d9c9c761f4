"""A few fixed-seed cases of the mutation fuzzer (``benchmarks/fuzz.py``) of every input class,
through the real CLI in their own processes under the fuzzer's caps: exit 0 or 2, only
``error:`` lines, no traceback or warning, nothing left behind. The fuzzer itself runs hundreds
of fresh cases; these keep it working and its classes fixed."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
_spec = importlib.util.spec_from_file_location("iads_bench_fuzz", ROOT / "benchmarks" / "fuzz.py")
fuzz = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = fuzz  # dataclasses look the module up
_spec.loader.exec_module(fuzz)

CASES = [("yaml", 3), ("plots", 2), ("tracks", 2), ("stores", 2)]


@pytest.fixture(scope="module")
def good_store(tmp_path_factory) -> Path:
    return fuzz._good_store(tmp_path_factory.mktemp("fuzz-base"))


@pytest.mark.parametrize(("kind", "n"), CASES, ids=[k for k, _ in CASES])
def test_fuzz_cases(kind: str, n: int, request):
    good = request.getfixturevalue("good_store") if kind == "stores" else None
    rng = random.Random(20261202)
    failures = []
    for _ in range(n):
        case = fuzz.make_case(random.Random(rng.getrandbits(64)), kind, good)
        for v in fuzz.run_case(case, mem_gib=4.0, cpu_cap=30.0, wall_factor=6.0):
            if v.problem:
                failures.append(f"{case.label}: iads {' '.join(v.argv[:1])}: {v.problem}")
    assert not failures, failures


def test_judge_catches_what_the_bar_forbids():
    """The verdict itself: each way of failing the bar is caught."""
    assert fuzz.judge(2, "error: a.yaml:3: x: bad\n", 1.0, 30.0) == ""
    assert fuzz.judge(0, "", 1.0, 30.0) == ""
    assert "exit 1" in fuzz.judge(1, "error: internal error (KeyError: 'x')\n", 1.0, 30.0)
    assert "traceback" in fuzz.judge(2, "Traceback (most recent call last):\n", 1.0, 30.0)
    assert "warning" in fuzz.judge(0, "RuntimeWarning: overflow\n", 1.0, 30.0)
    assert "not an error" in fuzz.judge(2, "error: x\nsomething else\n", 1.0, 30.0)
    assert "CPU" in fuzz.judge(0, "", 31.0, 30.0)
    assert "timeout" in fuzz.judge(None, "", 1.0, 30.0)
