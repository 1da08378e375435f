"""Taking on a new vendor: the example profile `init` writes, and the README's steps on the sample.

Expected values are worked out by hand from the cells written (the example file) or come from
the sample month's ground truth (`tests.support.expected_score`), never from opsgov's output.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import shutil
from pathlib import Path

import duckdb
import pytest

from opsgov.models.results import Scorecard
from tests.conftest import REPO, invoke
from tests.support import expected_score as es
from tests.support.libreoffice import convert

PERIOD = "2026-10"


def _example_workbook(folder: Path) -> Path:
    """MNL1's month in the example profile's layout, re-saved by LibreOffice."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Daily Report"
    sheet.append(["Example BPO - daily report - MNL1 - October 2026"])  # a title banner
    sheet.append([])
    sheet.append(
        [
            "Date",
            "Queue",
            "Items Received",
            "Items Handled",
            "AHT (mm:ss)",
            "SLA Eligible",
            "Within SLA %",
            "Backlog (EOD)",
            "Audits Sampled",
            "Audits Passed",
            "Critical Errors",
            "Paid Hours",
            "Productive Hours",
        ]
    )
    sheet.append([dt.datetime(2026, 10, 1), "General", 100, 90, "05:00", 80, 95, 10, 20, 19, 0])
    sheet.append([dt.datetime(2026, 10, 2), "General", 50, 40, "10:30", 40, 50, 5, 10, 9, 1])
    sheet["L4"], sheet["M4"], sheet["L5"], sheet["M5"] = 8.5, 6.25, 4, 3.5
    sheet.append(["TOTAL", None, 150, 130, None, 120, None, None, 30, 28, 1, 12.5, 9.75])
    sheet.append(["Notes: AHT is per handled item."])
    written = folder / "written" / "MNL1_daily_2026-10.xlsx"
    written.parent.mkdir(parents=True)
    book.save(written)
    return convert(written, "xlsx", folder / "resaved")


def test_init_writes_an_example_profile_that_lints_clean_and_reads_its_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    invoke(["init", str(root), "-q"])
    example = root / "profiles" / "example_bpo_daily.yaml"
    text = example.read_text("utf-8")
    assert text.count("\n#") >= 5, "the example explains itself in comments"
    assert "--draft-profile" in text  # and points to the draft instead of writing by hand
    monkeypatch.chdir(root)
    report = json.loads(invoke(["lint", "--format", "json"]).stdout)
    assert "profiles/example_bpo_daily.yaml" in report["files"]
    assert report["issues"] == []

    inbox = root / "inbox" / PERIOD
    inbox.mkdir(parents=True)
    shutil.copy(_example_workbook(tmp_path), inbox / "MNL1_daily_2026-10.xlsx")
    result = invoke(
        [
            "validate",
            f"inbox/{PERIOD}/MNL1_daily_2026-10.xlsx",
            "--period",
            PERIOD,
            "--export",
            "parquet",
            "rows",
            "--format",
            "json",
        ]
    )
    findings = json.loads(result.stdout)
    assert findings["summary"]["error"] == 0 and findings["summary"]["warning"] == 0
    # The totals row and the notes line are left out, said once (V340).
    assert [i["code"] for i in findings["issues"]] == ["V340"]

    got = (
        duckdb.connect()
        .execute(
            "select row, site, profile, queue, items_handled, handle_seconds, items_within_sla, "
            "paid_seconds, productive_seconds from read_parquet('rows/**/*.parquet') order by row"
        )
        .fetchall()
    )
    # By hand: AHT 05:00 x 90 items = 27,000 s and 10:30 x 40 = 25,200 s; 95 % of 80 eligible
    # = 76 and 50 % of 40 = 20 within SLA; 8.5 h = 30,600 s, 6.25 h = 22,500 s, 4 h = 14,400 s,
    # 3.5 h = 12,600 s. The header is on row 3, under the banner and a blank row.
    assert got == [
        (4, "MNL1", "example_bpo_daily", "general", 90, 27000, 76, 30600, 22500),
        (5, "MNL1", "example_bpo_daily", "general", 40, 25200, 20, 14400, 12600),
    ]


def _readme_steps() -> list[str]:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## Take on a new vendor\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the section shows its commands in a sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_take_on_a_new_vendor_steps_score_the_new_vendor_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command of the README's section runs as written, and the drafted profile of the
    vendor the copy no longer knows gives its sites the numbers of the ground truth."""
    steps = _readme_steps()
    copy = re.fullmatch(r"cp -r sample_data (\S+) && cd \1", steps[0])
    assert copy is not None, steps[0]
    trial = tmp_path / copy.group(1)
    shutil.copytree(REPO / "sample_data", trial)
    shutil.rmtree(trial / "out", ignore_errors=True)
    monkeypatch.chdir(trial)
    ran = []
    for line in steps[1:]:
        words = shlex.split(line, comments=True)
        if words[0] == "rm":
            for name in words[1:]:
                (trial / name).unlink()
        else:
            assert words[0] == "opsgov", f"the README step {line!r} is neither rm nor opsgov"
            invoke(words[1:])
        ran.append(words[:2])
    assert ["opsgov", "inspect"] in ran and ["opsgov", "score"] in ran
    draft = trial / "profiles" / "teleworks.yaml"
    assert draft.exists() and not (trial / "profiles" / "teleworks_daily_csv.yaml").exists()

    card = Scorecard.model_validate_json((trial / "out" / PERIOD / "scorecard.json").read_bytes())
    expected = es.expected_card(PERIOD)
    sites = {(s.level, s.id): s for s in card.scopes if s.queue is None}
    for site in ("KUL1", "LIS1"):
        want = expected["site", site, None]
        got = sites["site", site]
        assert got.composite == pytest.approx(want.composite, rel=1e-9)
        for kpi in got.kpis:
            value = want.kpis[kpi.kpi].value
            assert kpi.value == (None if value is None else pytest.approx(value, rel=1e-9))
