"""Atomic writes: all or nothing, ordinary permissions, no temporary files left behind."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from opsgov.atomic import atomic_open, write_text
from opsgov.errors import OutputError


def test_written_file_has_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    write_text(target, "hello")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "scorecard.json"
    write_text(target, "old")

    def crash_mid_write() -> None:
        with atomic_open(target) as handle:
            handle.write(b"half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        crash_mid_write()
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["scorecard.json"]


def test_a_full_disk_keeps_the_old_file_and_names_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "scorecard.json"
    write_text(target, "old")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OutputError) as caught:
        write_text(target, "new")
    assert caught.value.message == (
        f"cannot write scorecard.json in {tmp_path}{os.sep}: the disk is full "
        "(No space left on device); free some space, or choose another folder."
    )
    assert caught.value.exit_code == 2
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["scorecard.json"]
