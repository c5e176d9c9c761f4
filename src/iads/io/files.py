"""Reading and writing user files safely.

Reading: regular files only, with a size cap, never blocking.

A path may name a device (``/dev/zero`` never ends), a FIFO (``open`` waits for a writer for
ever), a directory or a symbolic link to any of them. :func:`read_regular` opens without
blocking, checks on the open descriptor that it is a regular file no larger than the cap,
and reads at most that many bytes, so none of these can hang or exhaust memory.

Writing: every file iads writes goes through :func:`atomic_path` (temporary file beside the
final one, ``os.replace``, cleanup on any failure or signal, debris of killed writers swept);
output folders are checked up front by :func:`check_out_dir`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
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


# --- writing: one safe-write path for every file iads writes -------------------------------

TMP_INFIX = ".tmp-"
"""Temporary files are ``.<final name>.tmp-<pid>`` beside the final file (DuckDB adds
``.wal``): hidden, in the same folder (so ``os.replace`` is atomic) and traceable to the
process that wrote them."""


def temp_path(final: str | os.PathLike[str]) -> Path:
    """The temporary name this process writes ``final`` under."""
    final = Path(final)
    return final.parent / f".{final.name}{TMP_INFIX}{os.getpid()}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours: a leftover of an earlier process with the same id
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def sweep_debris(final: str | os.PathLike[str]) -> list[Path]:
    """Remove temporary files of ``final`` left by processes that are gone (killed with
    SIGKILL, power cut); return what was removed. Files of a live writer are kept."""
    final = Path(final)
    removed = []
    prefix = f".{final.name}{TMP_INFIX}"
    try:
        names = [n for n in os.listdir(final.parent or ".") if n.startswith(prefix)]
    except OSError:
        return removed
    for name in names:
        tail = name[len(prefix) :].removesuffix(".wal")
        if not tail.isdigit() or _alive(int(tail)):
            continue
        p = final.parent / name
        try:
            if not p.is_dir():
                p.unlink()
                removed.append(p)
        except OSError:
            pass
    return removed


def _unlink_temp(tmp: Path) -> None:
    for p in (tmp, Path(f"{tmp}.wal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            pass


def check_replaceable(final: str | os.PathLike[str], field: str | None = None) -> None:
    """``InputError`` unless ``final`` is absent or a regular file (through links): a device,
    FIFO, socket or folder in the way is never replaced by ``os.replace`` (as root, writing
    tracks to ``/dev/…`` or onto a named pipe would swap the node for a file)."""
    try:
        st = os.stat(final)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(
            f"cannot check it ({exc.strerror})", file=str(final), field=field
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(
            f"is {_kind(st.st_mode)}; iads writes only new or regular files",
            file=str(final),
            field=field,
        )


@contextmanager
def atomic_path(final: str | os.PathLike[str], *, make_dirs: bool = True) -> Iterator[Path]:
    """Write a file atomically: yields a temporary path beside ``final`` to write to; when the
    block ends normally it is moved onto ``final`` with ``os.replace``. On any exception,
    Ctrl-C or SIGTERM included, the temporary file (and its ``.wal``) and any folder this call
    created are removed, so a reader sees the old file or the whole new one, never a part.
    Debris of killed earlier writers is swept first (:func:`sweep_debris`)."""
    final = Path(final)
    check_replaceable(final)
    created = _missing_dirs(final.parent) if make_dirs else []
    if created:
        final.parent.mkdir(parents=True, exist_ok=True)
    sweep_debris(final)
    tmp = temp_path(final)
    _unlink_temp(tmp)
    try:
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        _unlink_temp(tmp)
        for d in created:
            try:
                d.rmdir()
            except OSError:
                break
        raise
    finally:
        _unlink_temp(tmp)


def _missing_dirs(folder: Path) -> list[Path]:
    """Folders of ``folder``'s path that do not exist yet, deepest first."""
    out = []
    p = folder
    while not p.exists() and not p.is_symlink():
        out.append(p)
        if p.parent == p:
            break
        p = p.parent
    return out


def check_out_dir(
    out: str | os.PathLike[str],
    holds: str,
    *,
    overwrite: bool,
    field: str = "--out",
    what: str = "a run",
) -> Path:
    """Check, before any work, that ``out`` can be the output folder of a file named ``holds``:
    not a file, writable (or creatable inside a writable folder), ``out/holds`` not a folder,
    and no ``out/holds`` already there unless ``overwrite``. Returns ``out`` as a Path."""
    out = Path(out)

    def refuse(reason: str) -> InputError:
        return InputError(reason, file=str(out), field=field)

    if out.exists():
        if not out.is_dir():
            raise refuse("is a file, not a directory")
        target = out / holds
        if holds and target.is_dir():
            raise refuse(f"{holds} in it is a directory, not a file")
        if holds and (target.exists() or target.is_symlink()):
            if not overwrite:
                raise refuse(
                    f"already holds {what} ({holds}); pass --overwrite to replace it, "
                    "or choose another folder"
                )
        if not os.access(out, os.W_OK | os.X_OK):
            raise refuse("folder is not writable")
        return out
    parent = out.parent
    while not parent.exists():
        if parent.is_symlink():
            raise refuse(f"{parent} is a broken link")
        if parent.parent == parent:
            break
        parent = parent.parent
    if not parent.is_dir():
        raise refuse(f"{parent} is a file, not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise refuse(f"cannot create it: {parent} is not writable")
    return out
