"""The code example of docs/sensors.md runs and prints what the comments say."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

DOC = Path(__file__).parents[2] / "docs" / "sensors.md"


def test_docs_example_values():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    lines = block.strip().splitlines()
    exec(lines[0], namespace)  # the import line
    for line in lines[1:]:
        code, _, comment = line.partition("#")
        value = np.atleast_1d(eval(code, namespace))
        expected = [float(x) for x in re.findall(r"[\d.]+", comment.split("->")[1])]
        scale = 1e3 if "km" in comment else 1.0
        np.testing.assert_allclose(value / scale, expected, atol=0.051)
