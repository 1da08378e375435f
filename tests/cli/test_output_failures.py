"""An output that cannot be written is the machine's answer, not a bug: exit 2, naming the folder.

Read-only folders and full disks are real where the machine allows it (see
`tests.support.disks`); the history store never records a run whose outputs failed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_history import copy_workspace
from tests.conftest import REPO, invoke
from tests.support.disks import full_disk, read_only_folder

SAMPLE = REPO / "sample_data"
MONTH = SAMPLE / "inbox" / "2026-10"
FLAWED = SAMPLE / "flawed" / "HYD1_ops_2026-10.xlsx"


def _writers(folder: Path) -> dict[str, list[str]]:
    ws = str(SAMPLE)
    return {
        "score": ["score", "-p", "2026-10", "-w", ws, "--no-history", "-o", str(folder / "out")],
        "playbook checklist": [
            "playbook",
            "checklist",
            "new_site_launch",
            "--site",
            "CAI1",
            "--start",
            "2026-11-02",
            "-f",
            "xlsx",
            "-o",
            str(folder / "checklist.xlsx"),
            "-w",
            ws,
        ],
        "validate --annotate": [
            "validate",
            str(FLAWED),
            "-w",
            ws,
            "-q",
            "--annotate",
            str(folder / "annotated"),
        ],
        "lint -o": ["lint", "-w", ws, "-o", str(folder / "lint.txt")],
        "init": ["init", str(folder / "new-workspace"), "-q"],
        "schema --out": ["schema", "--out", str(folder / "schemas")],
        "inspect --draft-profile": [
            "inspect",
            str(MONTH / "MNL1_ops_2026-10.xlsx"),
            "-w",
            ws,
            "--draft-profile",
            str(folder / "draft.yaml"),
        ],
    }


@pytest.mark.parametrize("command", list(_writers(Path())))
def test_a_read_only_folder_is_exit_2_naming_it(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with read_only_folder(tmp_path, monkeypatch) as folder:
        result = invoke(_writers(folder)[command], 2)
        message = " ".join(result.stderr.split())
        assert "internal error" not in message and "bug" not in message
        assert f"{folder}" in message
        assert "read-only" in message or "permission denied" in message
        assert not [p for p in folder.rglob("*") if p.is_file()]


def test_a_full_disk_is_exit_2_with_the_cause_and_no_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = copy_workspace(tmp_path)
    with full_disk(tmp_path, monkeypatch) as disk:
        out = disk / "out"
        result = invoke(["score", "-p", "2026-10", "-w", str(ws), "-o", str(out)], 2)
        message = " ".join(result.stderr.split())
        assert f"{out}" in message and "the disk is full" in message
        assert "No space left on device" in message and "internal error" not in message
        leftovers = [p.name for p in out.rglob("*")] if out.exists() else []
        assert not [name for name in leftovers if name.endswith(".tmp")]
    store = ws / "history.sqlite"
    if store.exists():
        with sqlite3.connect(store) as db:
            assert db.execute("SELECT count(*) FROM runs").fetchone() == (0,)


def test_a_missing_definition_file_is_exit_2_like_a_missing_workbook(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    assert str(missing) in invoke(["lint", str(missing)], 2).stderr
    assert "no such file" in invoke(["validate", str(tmp_path / "missing.xlsx")], 2).stderr


def test_quiet_score_prints_the_summary_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        ["score", "-p", "2026-10", "-w", str(SAMPLE), "--no-history", "-o", str(out), "-q"]
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("2026-10: 8 sites scored, global composite ")
    assert f"4 files written to {out}" in lines[0]


def test_allow_invalid_refuses_a_month_without_files(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    result = invoke(
        ["score", "-p", "2026-11", "-w", str(ws), "--allow-invalid", "-o", str(tmp_path / "o")], 1
    )
    assert "2026-11 has no rows to score" in " ".join(result.stderr.split())
    assert not (tmp_path / "o").exists()
    assert not (ws / "history.sqlite").exists()
