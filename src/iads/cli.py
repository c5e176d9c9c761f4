"""The ``iads`` command line (Typer + Rich).

Commands live in ``iads.commands.<name>`` and are discovered at start-up. Any ``InputError``
raised by a command becomes one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from iads import __version__
from iads.errors import InputError, InputErrors

app = typer.Typer(
    name="iads",
    help="Simulate and analyse air defense: scenarios, radars, tracking, engagements, studies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help is plain text: no markup read, line breaks joined
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"iads {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Simulate and analyse air defense: scenarios, radars, tracking, engagements, studies."""


def _register_commands() -> None:
    import iads.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"iads.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_commands()


def main() -> None:
    """Console entry point.

    Usage errors (unknown command, missing or out-of-range option) are reported by Typer with
    exit code 2; an ``InputError`` raised by a command becomes one line per error on stderr and
    exit code 2; never a traceback for bad input.
    """
    try:
        app()  # standalone: Typer prints usage errors and exits 2
    except InputError as exc:
        lines = exc.lines() if isinstance(exc, InputErrors) else [exc.one_line()]
        sys.stderr.write("".join(f"error: {line}\n" for line in lines))
        sys.exit(2)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
