"""Folders that cannot be written: read-only, or on a disk that is full.

Where the machine allows it these are real: a read-only folder is `chmod 555` for an ordinary
user, or a read-only tmpfs for root (root ignores permissions); a full disk is a tiny tmpfs.
Where it does not (no mount permission in a container), the operating system's refusal is
simulated at the one call every output goes through, with the same errno the kernel gives.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _mount_tmpfs(folder: Path, options: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def _refuse(monkeypatch: pytest.MonkeyPatch, folder: Path, code: int) -> None:
    """Make every temporary file under `folder` fail as the kernel would with `code`."""
    real = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        where = Path(kwargs.get("dir") or ".").resolve()
        if where == folder.resolve() or folder.resolve() in where.parents:
            raise OSError(code, os.strerror(code), str(where))
        made: tuple[int, str] = real(*args, **kwargs)
        return made

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


@contextlib.contextmanager
def read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty folder nobody can write into."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
    elif _mount_tmpfs(folder, "ro,size=64k"):
        try:
            yield folder
        finally:
            _umount(folder)
    else:
        _refuse(monkeypatch, folder, errno.EROFS)
        yield folder


@contextlib.contextmanager
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty folder on a disk with room for a few kilobytes only."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if _mount_tmpfs(folder, "size=16k"):
        try:
            yield folder
        finally:
            _umount(folder)
    else:
        _refuse(monkeypatch, folder, errno.ENOSPC)
        yield folder
