"""The finding cap applies while checking: a month where every row breaks a rule builds few."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from opsgov.pipeline import excluding_invalid, load_definitions, validate
from tests.cli.test_validate import _warn_over_100_items, _workspace, _xlsx
from tests.conftest import invoke

FILE = "inbox/2026-10/DUB1_ops_2026-10.xlsx"
QUEUES = ["General Moderation", "Escalations", "Night shift"]  # the last has no mapping: V308


def _month(tmp_path: Path) -> Path:
    root = _workspace(tmp_path)
    _warn_over_100_items(root)
    rows: list[list[object]] = [
        [dt.datetime(2026, 10, day), queue, 100 + day, "07:00", 10, 9, 95.0]
        for day in range(1, 31)
        for queue in QUEUES
    ]  # 90 rows, 101-130 items each: every row warns (busy)
    for index, row in enumerate(rows):
        if index % 2 == 0:
            row[5] = 11  # passed > audited (10): an error (qa_le) on every other row
    _xlsx(root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx", rows)
    return root


def test_capped_report_is_the_uncapped_report_cut(tmp_path: Path) -> None:
    root = _month(tmp_path)
    args = ["validate", "-w", str(root), "--period", "2026-10", "--format", "json"]
    capped = json.loads(invoke([*args, "--max-findings", "7"], 1).stdout)
    whole = json.loads(invoke([*args, "--max-findings", "100000"], 1).stdout)
    in_file = [i for i in whole["issues"] if i["file"] == FILE]
    assert len(in_file) == 90 + 45 + 30  # busy on every row, qa_le on half, V308 on a third
    most_serious = sorted(in_file, key=lambda i: i["severity"] != "error")[:7]
    assert [i for i in capped["issues"] if i["file"] == FILE] == [
        i for i in in_file if i in most_serious
    ]
    assert capped["omitted"] == {FILE: len(in_file) - 7}
    assert capped["summary"]["omitted"] == len(in_file) - 7
    assert capped["summary"]["error"] == whole["summary"]["error"] - (45 + 30 - 7)
    assert capped["exit_code"] == whole["exit_code"] == 1


def test_the_cap_builds_few_findings_and_still_leaves_out_every_bad_row(tmp_path: Path) -> None:
    root = _month(tmp_path)
    defs = load_definitions(root)
    capped = validate(defs, period="2026-10", max_findings=7)
    whole = validate(defs, period="2026-10")
    built = [i for i in capped.issues if i.location and i.location.file == FILE]
    assert len(built) == 3 * 7  # 7 of each check: busy, qa_le, V308
    assert capped.omitted == {FILE: 165 - 21}
    kept_capped, excluded_capped = excluding_invalid(capped)
    kept_whole, excluded_whole = excluding_invalid(whole)
    # errors: qa_le on the 45 even rows, V308 on the 30 "Night shift" rows; 15 are both
    assert excluded_capped == excluded_whole == 45 + 30 - 15
    assert kept_capped[0].rows.tolist() == kept_whole[0].rows.tolist()
    header = 3  # a banner and a blank row above it
    kept = [r - header - 1 for r in kept_capped[0].rows.tolist()]
    assert kept == [i for i in range(90) if i % 2 == 1 and i % 3 != 2]
