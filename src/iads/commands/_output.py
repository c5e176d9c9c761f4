"""The terminal side of every command: Rich consoles that print user text literally.

Scenario, battery, threat and file names are user text; Rich would read ``[/]`` or
``[bold]`` in them as markup (and crash on a stray closing tag). Every console made here has
markup, highlighting and emoji codes off, and :func:`text` escapes control characters, so a
name prints as written and cannot drive the terminal. Progress bars use :func:`progress`.
"""

from __future__ import annotations

import sys
from typing import Any

from iads.errors import printable

WIDTH_NOT_TTY = 120
"""Columns when the output is a file or a pipe (Rich's default of 80 would cut tables)."""


def console(stderr: bool = False) -> Any:
    """A Rich console that prints strings literally (no markup, highlighting or emoji)."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else WIDTH_NOT_TTY
    return Console(stderr=stderr, markup=False, highlight=False, emoji=False, width=width)


def text(value: Any) -> str:
    """User text for a table cell or title: ``str(value)`` with control characters escaped."""
    return printable(value)


def progress(
    *columns: Any, label: str = "{task.description}", disable: bool = False, **options: Any
) -> Any:
    """A transient Rich progress display on stderr: ``label`` (bold, literal; it may name the
    task's user-given description) followed by ``columns``; ``options`` go to ``Progress``."""
    from rich.progress import Progress, TextColumn

    err = console(stderr=True)
    return Progress(
        TextColumn(label, markup=False, style="bold"),
        *columns,
        console=err,
        transient=True,
        disable=disable or not err.is_terminal,
        **options,
    )
