"""The example of docs/engagement.md runs and prints what it shows (doctest)."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

DOC = Path(__file__).parents[2] / "docs" / "engagement.md"


def test_docs_example():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    test = doctest.DocTestParser().get_doctest(block, {}, "engagement.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 7 and result.failed == 0
