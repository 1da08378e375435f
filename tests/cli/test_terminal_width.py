"""At 80 columns (tmux 80x24, or piped) every table fits, and no value is cut short."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, invoke

PERIODS = ("2026-09", "2026-10")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("w80") / "ws"
    shutil.copytree(
        REPO / "sample_data", ws, ignore=shutil.ignore_patterns("out", "history.sqlite*")
    )
    for period in PERIODS:
        invoke(["score", "--period", period, "-w", str(ws), "-q"])
    return ws


def _at_80(args: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("COLUMNS", "80")
    lines = invoke(args).stdout.splitlines()
    too_wide = [line for line in lines if len(line) > 80]
    assert not too_wide, too_wide[:3]
    cut = [line for line in lines if "\u2026" in line]
    assert not cut, cut[:3]
    return lines


def test_history_list_shows_whole_periods_and_dates(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n".join(_at_80(["history", "list", "-w", str(workspace)], monkeypatch))
    for period in PERIODS:
        assert re.search(rf"\b{period}\b", text)
    assert re.search(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b", text)  # scored at, whole


def test_history_diff_writes_numbers_as_people_do(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _at_80(["history", "diff", *PERIODS, "-w", str(workspace)], monkeypatch)
    text = "\n".join(lines)
    assert not re.search(r"\d[eE][+-]\d", text)  # no exponents
    assert not re.search(r"\.0*[1-9]\d{6,}", text)  # no float noise: 0.06118, not 0.06117897582
    assert "composite" in text


def test_history_show_reads_as_sentences_and_whole_times(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n".join(_at_80(["history", "show", PERIODS[1], "-w", str(workspace)], monkeypatch))
    assert "{" not in text  # findings in words, not a Python dict
    assert re.search(r"findings: \d+ errors?, \d+ warnings?, \d+ info", text)
    assert re.search(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b", text)  # each recording, whole


def test_playbook_show_keeps_step_ids_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _at_80(["playbook", "show", "new_site_launch"], monkeypatch)
    assert any("depends on" in line for line in lines)


def test_explain_and_inspect_fit(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explained = _at_80(["explain", "aht", "--period", "2026-10", "-w", str(workspace)], monkeypatch)
    assert not re.search(r"\d[eE][+-]\d", "\n".join(explained))
    inspected = _at_80(
        ["inspect", str(workspace / "inbox" / "2026-10" / "HYD1_ops_2026-10.xlsx")], monkeypatch
    )
    assert not re.search(r"\b\d+\.0\b", "\n".join(inspected))  # integers are not 21049.0
