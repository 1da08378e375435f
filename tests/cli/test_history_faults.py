"""A history store on a full disk, damaged, or with tables edited: exit 2 naming the store and
the real cause, and the store stays as it was.

The full disk is SQLite's own: `max_page_count` makes SQLite answer exactly as it does when the
disk is full (SQLITE_FULL, "database or disk is full"), whatever the machine lets a test mount.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from opsgov.history import schema
from tests.conftest import REPO, invoke

FIRST, SECOND = "2026-09", "2026-10"


def _workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(
        REPO / "sample_data", ws, ignore=shutil.ignore_patterns("out", "history.sqlite*")
    )
    return ws


def _score(ws: Path, period: str, code: int = 0) -> str:
    args = ["score", "--period", period, "-w", str(ws), "--out", str(ws / "out" / period), "-q"]
    result = invoke(args, code)
    return " ".join((result.stdout + result.stderr).split())


def _periods(store: Path) -> list[str]:
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [p for (p,) in conn.execute("SELECT period FROM runs ORDER BY period")]


def test_a_full_disk_is_exit_2_naming_the_store_and_the_store_is_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path)
    _score(ws, FIRST)
    store = ws / "history.sqlite"
    assert _periods(store) == [FIRST]
    real = schema.connect

    def full(path: Path, **kwargs: Any) -> sqlite3.Connection:
        conn = real(path, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # not one page more
        return conn

    monkeypatch.setattr("opsgov.history.store.connect", full)
    said = _score(ws, SECOND, code=2)
    assert "database or disk is full" in said and str(store) in said.replace("\n", "")
    assert "free space" in said
    assert "cannot rollback" not in said and "internal error" not in said
    monkeypatch.undo()
    assert _periods(store) == [FIRST]


def test_a_damaged_store_is_exit_2_saying_to_restore_it(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    _score(ws, FIRST)
    store = ws / "history.sqlite"
    with sqlite3.connect(store) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(store.read_bytes())
    for offset in range(page, len(data), page):  # every page but the header's, overwritten
        data[offset + 8 : offset + 200] = b"\xa5" * 192
    store.write_bytes(bytes(data))
    said = _score(ws, SECOND, code=2)
    assert "malformed" in said and "restore it from a backup" in said
    assert "internal error" not in said


def test_tables_edited_under_the_same_version_are_exit_2(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    _score(ws, FIRST)
    store = ws / "history.sqlite"
    with sqlite3.connect(store) as conn:
        conn.execute("ALTER TABLE run_log RENAME TO run_log_old")
    said = _score(ws, SECOND, code=2)
    assert "no such table" in said and "changed by something other than opsgov" in said
    with sqlite3.connect(store) as conn:
        tables = {t for (t,) in conn.execute("SELECT name FROM sqlite_master")}
    assert "run_log_old" in tables  # nothing was repaired behind the user's back
