"""Write a set of outputs (a scorecard's json, md, html and xlsx) so that it changes as one.

Each file written atomically is not enough: killed between two renames, a folder holds a new
`scorecard.json` beside an old `scorecard.html`. Here the whole folder is swapped instead:

1. the new files are written and synced in a hidden staging folder beside the target,
   `.2026-10.<token>.new`; other files already in the target are hard-linked (or copied)
   into it, so a governance pack written there by another command stays;
2. a marker says the staging folder is complete;
3. the target is renamed aside (`.2026-10.<token>.old`), its sub-folders are moved into the
   staging folder, and the staging folder is renamed to the target.

A reader sees the old set, the new set, or (for an instant) no folder; never a mix. A run
killed at any moment leaves a state the next write (or `recover`) completes or undoes: a
complete staging folder is swapped in, an incomplete one is removed, and the old folder is
put back if the new one never arrived. Writers of one folder take a lock, so two runs never
swap at once.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

from opsgov.atomic import output_error

_MARK = ".complete"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can sync a folder
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the folder's writer lock (a lock file beside it) where the platform has one."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, one writer is the user's job
        yield
        return
    with open(folder.parent / f".{folder.name}.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _token(path: Path, name: str, suffix: str) -> str | None:
    prefix = f".{name}."
    if path.name.startswith(prefix) and path.name.endswith(suffix):
        return path.name[len(prefix) : -len(suffix)]
    return None


def _finish(old: Path, new: Path, folder: Path) -> None:
    """Move the old folder's sub-folders into the new one, then swap the new one in."""
    if old.is_dir():
        for entry in old.iterdir():
            if entry.is_dir() and not entry.is_symlink() and not (new / entry.name).exists():
                os.rename(entry, new / entry.name)
    os.rename(new, folder)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / _MARK)
    _fsync_dir(folder.parent)


def recover(folder: Path, names: tuple[str, ...] = ()) -> None:
    """Complete or undo a swap that a killed run left, and remove its leftovers.

    Args:
        folder: The output folder.
        names: The names of the set's files: their stale temporary files (left by a writer
            killed before this module wrote sets) are removed too.
    """
    parent, name = folder.parent, folder.name
    if not parent.is_dir():
        return
    entries = list(parent.iterdir())
    olds = {t: p for p in entries if (t := _token(p, name, ".old")) is not None}
    news = {t: p for p in entries if (t := _token(p, name, ".new")) is not None}
    for token, old in olds.items():
        if not folder.exists():
            new = news.get(token)
            if new is not None and (new / _MARK).exists():
                _finish(old, new, folder)
                news.pop(token)
            else:
                os.rename(old, folder)
        shutil.rmtree(old, ignore_errors=True)
    for new in news.values():
        shutil.rmtree(new, ignore_errors=True)
    if folder.is_dir():
        with contextlib.suppress(FileNotFoundError):
            os.unlink(folder / _MARK)
        for stale in folder.iterdir():
            if any(_token(stale, n, ".tmp") for n in names):
                with contextlib.suppress(OSError):
                    stale.unlink()


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o666 & ~_umask())


def _carry_over(folder: Path, new: Path, names: Mapping[str, bytes]) -> None:
    """Link (or copy) the target's other files into the staging folder."""
    for entry in folder.iterdir():
        if entry.name in names or entry.name == _MARK or entry.is_dir() or entry.is_symlink():
            continue
        try:
            os.link(entry, new / entry.name)
        except OSError:
            shutil.copy2(entry, new / entry.name)


def write_set(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Replace the files of `folder` named in `files` as one set; other files stay.

    Returns:
        The paths written, in the order given.

    Raises:
        OutputError: the folder cannot be made or written (read-only, full, not a folder);
            the previous set is then left as it was.
    """
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(folder / next(iter(files), "output"), exc) from exc
    if folder.exists() and not folder.is_dir():
        blocked = NotADirectoryError(errno.ENOTDIR, "a file has the folder's name")
        raise output_error(folder / next(iter(files), "output"), blocked)
    token = secrets.token_hex(4)
    new = parent / f".{folder.name}.{token}.new"
    old = parent / f".{folder.name}.{token}.old"
    current = "output"
    try:
        with _locked(folder):
            recover(folder, tuple(files))
            new.mkdir()
            for current, data in files.items():
                _write(new / current, data)
            current = folder.name
            if folder.is_dir():
                _carry_over(folder, new, files)
            _write(new / _MARK, b"")
            _fsync_dir(new)
            if folder.exists():
                os.rename(folder, old)
            _finish(old, new, folder)
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        if old.exists() and not folder.exists():
            with contextlib.suppress(OSError):
                os.rename(old, folder)  # the previous set stays
        shutil.rmtree(new, ignore_errors=True)
        raise output_error(folder / current, exc) from exc
    return [folder / n for n in files]
