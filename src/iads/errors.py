"""Errors that reach the user as one clear line and exit code 2.

User text inside an error (a file name, a YAML key, a value) may hold newlines, escape
sequences or other control characters; :func:`printable` escapes them, so an error is always
one line and never drives the terminal.
"""

from __future__ import annotations

import sys
import unicodedata

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: object) -> str:
    """``str(text)`` with control and format characters (newlines, ESC, NUL, bidirectional
    overrides, line and paragraph separators) written as escapes (``\\n``, ``\\x1b``, ``\\u202e``)."""
    s = str(text)
    if s.isprintable():
        return s
    out = []
    for ch in s:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Zs",):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
    return "".join(out)


class Interrupted(BaseException):  # noqa: N818 - a signal, not an error
    """The user stopped the program (Ctrl-C, SIGTERM); the CLI prints ``interrupted`` (and the
    message, if any) and exits 130, or 128 + the signal number."""

    def __init__(self, message: str = "", code: int = 130) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class InputError(Exception):
    """Bad user input: a file, a field and a reason; the CLI prints one line and exits 2.

    ``where`` is the file (and line, if known), ``field`` the dotted/YAML path inside it.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.field = field
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.field:
            parts.append(self.field)
        parts.append(self.reason)
        return printable(": ".join(parts))


class InputErrors(InputError):
    """Several input errors found in one pass (for example every problem of a scenario file).

    Behaves as the first error; ``errors`` holds them all, one line each.
    """

    def __init__(self, errors: list[InputError]) -> None:
        if not errors:
            raise ValueError("InputErrors needs at least one error")
        self.errors = list(errors)
        first = errors[0]
        super().__init__(first.reason, file=first.file, field=first.field, line=first.line)

    def lines(self) -> list[str]:
        """Every error as one line."""
        return [e.one_line() for e in self.errors]


def error_lines(exc: InputError) -> list[str]:
    """The one-line messages of ``exc`` (several for :class:`InputErrors`), escaped."""
    return exc.lines() if isinstance(exc, InputErrors) else [exc.one_line()]


def duckdb_interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` is DuckDB's form of Ctrl-C: a query running when SIGINT arrived raises
    ``InterruptException`` or a bare ``RuntimeError("Query interrupted")``, not
    KeyboardInterrupt (store writes hold SIGINT back; reads do not). False if DuckDB is not
    loaded: the check never imports it."""
    duckdb = sys.modules.get("duckdb")
    if duckdb is None:
        return False
    kind = getattr(duckdb, "InterruptException", ())
    return isinstance(exc, kind) or (
        type(exc) is RuntimeError and str(exc).strip() == "Query interrupted"
    )
