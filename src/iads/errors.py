"""Errors that reach the user as one clear line and exit code 2."""

from __future__ import annotations


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
        return ": ".join(parts)


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
