"""The ``iads`` command line (Typer + Rich).

Commands live in ``iads.commands.<name>`` and are discovered when the Typer app is first
needed (:data:`app`, built on first use). :func:`main` is the one place where errors reach the
user: any ``InputError`` raised by a command, and any usage error, becomes one ``error:`` line
on stderr and exit code 2, never a traceback. Commands in :data:`FAST_COMMANDS` are run
without importing Typer when their arguments are plain (:func:`_fast_kwargs`).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from iads import __version__
from iads.errors import InputError, Interrupted, duckdb_interrupted, error_lines, printable

_APP: Any = None


def _build_app() -> Any:
    import pkgutil

    import typer

    import iads.commands as pkg

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
            False,
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ) -> None:
        """Simulate and analyse air defense: scenarios, radars, tracking, engagements, studies."""

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"iads.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)
    return app


def get_app() -> Any:
    """The Typer application with every command registered (built once)."""
    global _APP
    if _APP is None:
        _APP = _build_app()
    return _APP


def __getattr__(name: str) -> Any:
    if name == "app":  # ``from iads.cli import app``: built on first use
        return get_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


#: Commands run without Typer when their arguments are plain: module, function (plain
#: defaults), and the module's table of Typer declarations (``--flag`` names, help) and
#: positional arguments. Typer converts every option through Pydantic, and the two imports
#: cost more (0.2-0.25 s) than a 100-target ``iads track`` run; ``--help``, and anything the
#: small parser does not read, goes through Typer as before.
FAST_COMMANDS = {"track": ("iads.commands.track", "track")}
_FLOAT_CHARS = frozenset("0123456789+-.eEinfatyINFATY")


def _fast_kwargs(
    func: Any,
    args: list[str],
    declarations: dict[str, tuple[tuple[str, ...], str]],
    positional: tuple[str, ...],
) -> dict[str, object] | None:
    """The keyword arguments Typer would pass ``func`` for ``args`` (``declarations[name]``
    holds each parameter's Typer flags; ``positional`` the argument names), or None when the
    arguments are not plain (help, an unknown or repeated scalar option, a value that is not
    plainly of its type, a missing required value): then Typer parses, and reports."""
    import inspect
    import types
    import typing

    hints = typing.get_type_hints(func)
    options: dict[str, tuple[str, object, bool]] = {}  # flag -> (name, type, value for bools)
    kwargs: dict[str, object] = {}
    required: list[str] = []
    for name, param in inspect.signature(func).parameters.items():
        kind = hints[name]
        if typing.get_origin(kind) in (typing.Union, types.UnionType):  # X | None -> X
            kind = next(a for a in typing.get_args(kind) if a is not type(None))
        hints[name] = kind
        if param.default is inspect.Parameter.empty:
            required.append(name)
        else:
            kwargs[name] = param.default
        if name in positional:
            continue
        decls = [d for d in declarations[name][0] if d.startswith("-")]
        for d in decls or ["--" + name.replace("_", "-")]:
            if "/" in d:
                return None
            options[d] = (name, kind, True)
        if kind is bool and not decls:
            options["--no-" + name.replace("_", "-")] = (name, kind, False)
    seen: set[str] = set()
    k, pos = 0, 0
    while k < len(args):
        token = args[k]
        k += 1
        if token.startswith("-") and token != "-":
            flag, eq, value = token.partition("=")
            if flag not in options:
                return None  # --help, -- and unknown options: Typer's business
            name, kind, flag_value = options[flag]
            if kind is bool:
                if eq:
                    return None
                kwargs[name] = flag_value
                continue
            if not eq:
                if k >= len(args):
                    return None
                value = args[k]
                k += 1
            many = typing.get_origin(kind) is list
            if not many and name in seen:
                return None
            seen.add(name)
            got = _plain_value(value, typing.get_args(kind)[0] if many else kind)
            if got is None:
                return None
            if many:
                kwargs[name] = [*(kwargs.get(name) or []), got]  # type: ignore[misc]
            else:
                kwargs[name] = got
        else:
            if pos >= len(positional):
                return None
            got = _plain_value(token, hints[positional[pos]])
            if got is None:
                return None
            kwargs[positional[pos]] = got
            pos += 1
    if any(name not in kwargs for name in required):
        return None
    return kwargs


def _plain_value(value: str, kind: object) -> object | None:
    """``value`` as ``kind`` (float, int, str, Path) when it plainly is one, else None."""
    import re
    from pathlib import Path

    if kind is str:
        return value
    if kind is Path:
        return Path(value) if value else None
    if kind is int:
        return int(value) if re.fullmatch(r"[+-]?[0-9]+", value) else None
    if kind is float:
        if not value or not set(value) <= _FLOAT_CHARS:
            return None
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _fast_call(argv: list[str] | None) -> tuple[Any, dict[str, object]] | None:
    """(function, keyword arguments) of a :data:`FAST_COMMANDS` command whose arguments are
    plain, else None."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in FAST_COMMANDS:
        return None
    module_name, name = FAST_COMMANDS[args[0]]
    module = importlib.import_module(module_name)
    func = getattr(module, name)
    kwargs = _fast_kwargs(func, args[1:], module.PARAMETERS, module.ARGUMENTS)
    return None if kwargs is None else (func, kwargs)


_GC_FROZEN = False  # set by the first main() call of the process


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

    _install_signal_handlers()
    if not os.environ.get("IADS_DEBUG"):
        import warnings

        warnings.simplefilter("ignore")  # NumPy/SciPy warnings are not for the user's terminal
    import gc

    global _GC_FROZEN
    # Only the first call of a process freezes: a frozen object is never collected, so a
    # program calling main() many times (the tests) would keep each call's cyclic garbage.
    freeze = not _GC_FROZEN
    _GC_FROZEN = True
    if freeze:  # exit, however it comes: the interpreter's final collections skip what is
        # left (0.35 s after a run: numba's and SciPy's objects); after every exit handler
        # registered later (they run last in, first out)
        import atexit

        atexit.register(gc.freeze)
    try:
        if freeze:
            gc.disable()  # start-up: no collection passes over the modules being loaded
        try:
            fast = _fast_call(argv)
        finally:
            if freeze:
                gc.freeze()  # the loaded modules: never traversed by a collection again
                gc.enable()
        if fast is not None:
            fast[0](**fast[1])
            sys.exit(0)
        from iads.commands._head_start import start_workers_if_asked

        start_workers_if_asked(sys.argv[1:] if argv is None else argv)
    except InputError as exc:
        _fail(error_lines(exc), 2)
    except Interrupted as exc:
        _interrupted(exc.message, exc.code)
    except KeyboardInterrupt:
        _interrupted("", 130)
    except MemoryError:
        _fail(["out of memory (the input is too large for this machine)"], 2)
    except Exception as exc:
        _internal(exc)
    _typer_main(argv)


def _internal(exc: Exception) -> None:
    import os

    if duckdb_interrupted(exc):
        _interrupted("", 130)
    if os.environ.get("IADS_DEBUG"):
        raise exc
    _fail([internal_error_line(exc)], INTERNAL_ERROR_EXIT)


def _typer_main(argv: list[str] | None) -> None:
    import typer
    from typer import _click
    from typer.main import get_command

    try:
        code = get_command(get_app()).main(argv, prog_name="iads", standalone_mode=False)
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
        _internal(exc)
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
