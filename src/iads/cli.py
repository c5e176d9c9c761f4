"""The ``iads`` command line (Typer + Rich).

Commands live in ``iads.commands.<name>`` and are discovered at start-up. :func:`main` is the
one place where errors reach the user: any ``InputError`` raised by a command, and any usage
error, becomes one ``error:`` line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from iads import __version__
from iads.errors import InputError, Interrupted, error_lines, printable

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


def _on_signal(signum: int, _frame: object) -> None:
    """SIGTERM/SIGHUP in the CLI process: unwind like Ctrl-C, so every ``finally`` and
    temporary-file cleanup runs (the default action would kill the process on the spot)."""
    import signal

    raise Interrupted(f"stopped by {signal.Signals(signum).name}", code=128 + signum)


def _install_signal_handlers() -> None:
    import os
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    pid = os.getpid()

    def handler(signum: int, frame: object) -> None:
        if os.getpid() != pid:  # a forked worker: the default action
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        _on_signal(signum, frame)

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, None):
            signal.signal(sig, handler)


def _usage_line(exc: Exception) -> str:
    """A Click usage error as one line: the message (it names the option) and the command."""
    ctx = getattr(exc, "ctx", None)
    where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    return f"{exc.format_message().rstrip('.')}{where}"  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> None:
    """Console entry point: the one place where errors reach the terminal.

    Every error is one ``error:`` line on stderr, its user text escaped
    (:func:`iads.errors.printable`): an ``InputError`` (one line per error) or a usage error
    (unknown command, bad option value) exits 2; Ctrl-C prints ``interrupted`` and exits 130,
    SIGTERM/SIGHUP exit 128 + the signal number after the same cleanup; an unexpected
    exception (a bug) is one ``error: internal error`` line and exit ``INTERNAL_ERROR_EXIT``
    (1; ``IADS_DEBUG=1`` re-raises it with its traceback and shows warnings). Never a
    traceback for bad input.
    """
    import os

    from typer import _click
    from typer.main import get_command

    _install_signal_handlers()
    if not os.environ.get("IADS_DEBUG"):
        import warnings

        warnings.simplefilter("ignore")  # NumPy/SciPy warnings are not for the user's terminal
    command = get_command(app)
    try:
        code = command.main(argv, prog_name="iads", standalone_mode=False)
    except InputError as exc:
        _fail(error_lines(exc), 2)
    except _click.exceptions.NoArgsIsHelpError:
        sys.exit(2)  # the help was printed
    except _click.exceptions.UsageError as exc:
        _fail([printable(_usage_line(exc))], 2)
    except _click.exceptions.ClickException as exc:
        _fail([printable(exc.format_message())], exc.exit_code or 1)
    except typer.Abort:
        _interrupted("", 130)
    except Interrupted as exc:
        _interrupted(exc.message, exc.code)
    except KeyboardInterrupt:
        _interrupted("", 130)
    except MemoryError:
        _fail(["out of memory (the input is too large for this machine)"], 2)
    except Exception as exc:
        if os.environ.get("IADS_DEBUG"):
            raise
        _fail([internal_error_line(exc)], INTERNAL_ERROR_EXIT)
    if code == 130:  # Typer turns Ctrl-C inside a command into Exit(130)
        _interrupted("", 130)
    sys.exit(code if isinstance(code, int) else 0)


INTERNAL_ERROR_EXIT = 1
"""Exit code of a bug in iads (an exception no input check turned into an ``InputError``):
distinct from 2 (bad input, the user's to fix), 130 (Ctrl-C) and 128 + N (signal N)."""


def internal_error_line(exc: BaseException) -> str:
    """The one line printed for a bug: the exception's type and first line, escaped, and how
    to get the traceback. Bad input never reaches it (docs/hardening.md)."""
    first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return printable(
        f"internal error ({type(exc).__name__}: {first}); a bug in iads, please report it "
        "(IADS_DEBUG=1 shows the traceback)"
    )


def _fail(lines: list[str], code: int) -> None:
    sys.stdout.flush()
    sys.stderr.write("".join(f"error: {line}\n" for line in lines))
    sys.exit(code)


def _interrupted(message: str, code: int) -> None:
    sys.stdout.flush()
    sys.stderr.write(f"interrupted: {printable(message)}\n" if message else "interrupted\n")
    sys.exit(code)


if __name__ == "__main__":
    main()
