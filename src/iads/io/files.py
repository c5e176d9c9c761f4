"""Reading user files safely: regular files only, with a size cap, never blocking.

A path may name a device (``/dev/zero`` never ends), a FIFO (``open`` waits for a writer for
ever), a directory or a symbolic link to any of them. :func:`read_regular` opens without
blocking, checks on the open descriptor that it is a regular file no larger than the cap,
and reads at most that many bytes, so none of these can hang or exhaust memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from iads.errors import InputError

MIB = 1 << 20


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular(path: str | os.PathLike[str], max_bytes: int, what: str = "file") -> int:
    """Raise InputError unless ``path`` (links followed) is a regular file of at most
    ``max_bytes``; return its size in bytes. Does not open the file."""
    p = str(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError("file not found", file=p) from None
    except OSError as exc:
        raise InputError(
            f"cannot read file ({exc.strerror or type(exc).__name__})", file=p
        ) from None
    _check_stat(st, p, max_bytes, what)
    return st.st_size


def _check_stat(st: os.stat_result, p: str, max_bytes: int, what: str) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"is {_kind(st.st_mode)}, expected a regular {what}", file=p)
    if st.st_size > max_bytes:
        raise InputError(
            f"{what} is {st.st_size / MIB:.1f} MiB; the limit is {max_bytes / MIB:g} MiB", file=p
        )


def read_regular(path: str | os.PathLike[str], max_bytes: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path`` (at most ``max_bytes``), else InputError.

    Opened with ``O_NONBLOCK`` (a FIFO does not wait for a writer) and checked with ``fstat``
    on the open descriptor (no race between the check and the read).
    """
    p = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise InputError("file not found", file=p) from None
    except IsADirectoryError:
        raise InputError(f"is a directory, expected a regular {what}", file=p) from None
    except OSError as exc:
        raise InputError(
            f"cannot read file ({exc.strerror or type(exc).__name__})", file=p
        ) from None
    try:
        _check_stat(os.fstat(fd), p, max_bytes, what)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(
            f"cannot read file ({exc.strerror or type(exc).__name__})", file=p
        ) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew since fstat
        raise InputError(f"{what} is larger than the limit of {max_bytes / MIB:g} MiB", file=p)
    return data


def inside(base: Path, name: str) -> Path | None:
    """``base / name`` resolved (links followed) if it stays inside ``base``, else None."""
    root = base.resolve()
    target = (root / name).resolve()
    return target if target == root or root in target.parents else None
