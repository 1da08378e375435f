"""Write output files atomically: a temporary file beside the target, then a rename.

A crash, kill or full disk leaves either the old file or the new one, never half of one.

This is also the one place where an operating-system failure on an output becomes an
`OutputError` (exit 2) that names the folder and the cause: every command that writes through
`atomic_open`, `write_bytes` or `write_text` gets that for free.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from opsgov.errors import OutputError

_CAUSES = {
    errno.ENOSPC: ("the disk is full", "free some space, or choose another folder"),
    errno.EDQUOT: ("the disk quota is used up", "free some space, or choose another folder"),
    errno.EROFS: ("the file system is read-only", "choose a folder you can write to"),
    errno.EACCES: ("permission denied", "choose a folder you can write to, or fix its permissions"),
    errno.EPERM: ("permission denied", "choose a folder you can write to, or fix its permissions"),
    errno.ENOTDIR: ("a file is in the way of a folder on that path", "choose another folder"),
    errno.EEXIST: ("a file is in the way of a folder on that path", "choose another folder"),
    errno.EISDIR: ("a folder has the output's name", "remove the folder, or choose another name"),
}


def describe_os_error(exc: OSError) -> tuple[str, str]:
    """The cause of an operating-system failure in words, and what to do about it."""
    cause, fix = _CAUSES.get(exc.errno or 0, ("the system refused", "check the folder"))
    detail = exc.strerror or str(exc)
    return f"{cause} ({detail})", fix


def output_error(path: Path, exc: OSError) -> OutputError:
    """An `OutputError` naming the folder that could not be written, the cause and the fix."""
    cause, fix = describe_os_error(exc)
    folder = path.parent
    where = f"{folder}{os.sep}" if str(folder) not in ("", ".") else "the current folder"
    return OutputError(f"cannot write {path.name} in {where}: {cause}; {fix}.")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "wb") -> Iterator[IO[bytes]]:
    """Open a temporary file in `path`'s folder; on success it replaces `path`.

    Raises:
        OutputError: the folder cannot be made or written (read-only, full, not a folder).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise output_error(path, exc) from exc
    try:
        with os.fdopen(fd, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise output_error(path, exc) from exc
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """Write bytes atomically."""
    with atomic_open(path) as handle:
        handle.write(data)


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text atomically (no newline translation)."""
    write_bytes(path, text.encode("utf-8"))
