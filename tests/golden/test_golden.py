"""Golden outcomes of the examples: any change of behaviour shows here and must be deliberate.

Regenerate with ``python tests/golden/make_golden.py`` and explain the change in the commit
(the files are a record of behaviour, not of correctness: correctness is tested elsewhere).
"""

from __future__ import annotations

import json

import pytest

from tests.golden.make_golden import CASES, outcome, path_of


@pytest.mark.parametrize(("example", "seed"), CASES, ids=[f"{e}-{s}" for e, s in CASES])
def test_golden_outcomes(example: str, seed: int) -> None:
    frozen = json.loads(path_of(example, seed).read_text())
    now = outcome(example, seed)
    assert now["totals"] == frozen["totals"]
    changed = [
        (old["name"], old, new)
        for old, new in zip(frozen["threats"], now["threats"], strict=True)
        if old != new
    ]
    assert not changed, f"{len(changed)} threats changed outcome, first: {changed[:3]}"
