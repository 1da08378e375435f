"""Causes before symptoms: one finding at the bad cell, none at the values derived from it.

A negative 'Items Actioned' at C8 used to give errors at D8 too (a valid `01:32` AHT per item:
"-460 below the minimum 0") and E8 (a valid 0.9515 share of it: "-4.757"), and the annotated
copy marked all three. The expected findings below are worked out from the cells written.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import REPO, invoke
from tests.support.libreoffice import convert

PERIOD = "2026-10"
SAMPLE = REPO / "sample_data"
FILE = "MNL1_actions_2026-10.xlsx"
PROFILE = """\
kind: intake_profile
id: actions
name: Example BPO actions report
vendor: example_bpo
files: {pattern: "{site}_actions_{period}.xlsx"}
sheet: {name: Actions}
header: {row: 1}
date: {column: Date}
columns:
  - measure: queue
    headers: [Queue]
    values: {General: general}
  - measure: items_handled
    headers: [Items Actioned]
    unit: count
    also: [items_sla_eligible]
  - measure: handle_seconds
    headers: [AHT]
    unit: "mm:ss"
    per: items_handled
  - measure: items_within_sla
    headers: [Within SLA]
    unit: percent_0_1
    percent_of: items_sla_eligible
  - measure: qa_audited
    headers: [Audited]
    unit: count
  - measure: qa_correct
    headers: [Correct]
    unit: count
"""


def _workspace(tmp_path: Path, rows: list[list[object]]) -> Path:
    root = tmp_path / "ws"
    invoke(["init", str(root), "-q"])
    (root / "profiles" / "actions.yaml").write_text(PROFILE, "utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Actions"
    sheet.append(["Date", "Queue", "Items Actioned", "AHT", "Within SLA", "Audited", "Correct"])
    for row in rows:
        sheet.append(row)
    written = tmp_path / "written" / FILE
    written.parent.mkdir()
    book.save(written)
    inbox = root / "inbox" / PERIOD
    inbox.mkdir(parents=True)
    shutil.copy(convert(written, "xlsx", tmp_path / "resaved"), inbox / FILE)
    return root


def _good(day: int) -> list[object]:
    return [dt.datetime(2026, 10, day), "General", 100, "02:00", 0.95, 20, 19]


def _findings(root: Path, *extra: str, code: int = 1) -> list[dict[str, object]]:
    result = invoke(
        ["validate", f"inbox/{PERIOD}/{FILE}", "--period", PERIOD, "--format", "json", *extra],
        code,
    )
    issues = json.loads(result.stdout)["issues"]
    return [i for i in issues if i["code"] != "V340"]


def test_a_bad_count_is_one_finding_naming_the_values_it_spoils(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Row 8: -5 items actioned, a valid 01:32 AHT per item and a valid 0.9515 share.
    bad = [dt.datetime(2026, 10, 7), "General", -5, "01:32", 0.9515, 20, 19]
    root = _workspace(tmp_path, [_good(d) for d in range(1, 7)] + [bad, _good(8)])
    monkeypatch.chdir(root)
    findings = _findings(root, "--annotate", "back")
    assert [(i["code"], i["sheet"], i["cell"]) for i in findings] == [("V304", "Actions", "C8")]
    message = str(findings[0]["message"])
    assert message.startswith("Items Actioned: -5 is below the minimum 0")
    assert "AHT (D8) and Within SLA (E8) are not computed: they depend on C8" in message
    assert "-460" not in message and "-4.7" not in message

    copy = openpyxl.load_workbook(root / "back" / FILE)["Actions"]
    marked = sorted(c.coordinate for row in copy.iter_rows() for c in row if c.comment)
    assert marked == ["C8"]


def test_a_framework_check_is_not_run_on_a_value_not_computed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """-4 items at C3 make within SLA -2 and eligible -4, which breaks `items_within_sla <=
    items_sla_eligible`: a symptom, not a second finding. 12 correct of 10 audited breaks
    `qa_correct <= qa_audited` on cells of its own: a finding, at G3 (qa_correct)."""
    bad = [dt.datetime(2026, 10, 2), "General", -4, "02:00", 0.5, 10, 12]
    root = _workspace(tmp_path, [_good(1), bad])
    monkeypatch.chdir(root)
    findings = _findings(root)
    assert [(i["code"], i["cell"]) for i in findings] == [("V304", "C3"), ("V310", "G3")]
    assert "qa_correct <= qa_audited" in str(findings[1]["message"])


def test_a_derived_value_out_of_range_on_a_good_base_is_still_its_own_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 150 % within SLA: the share itself is wrong (V306 at E2), not its base.
    root = _workspace(tmp_path, [[dt.datetime(2026, 10, 1), "General", 100, "02:00", 1.5, 20, 19]])
    monkeypatch.chdir(root)
    got = [(i["code"], i["cell"]) for i in _findings(root)]
    assert ("V306", "E2") in got
    assert not [cell for _, cell in got if cell == "C2"]


ACME_FILE = "inbox/2026-10/HYD1_ops_2026-10.xlsx"


def _acme_measures() -> list[str]:
    """The numeric measures Acme's profile maps, in its order: all but the queue column."""
    import yaml

    profile = yaml.safe_load((SAMPLE / "profiles" / "acme_daily_ops.yaml").read_text("utf-8"))
    return [c["measure"] for c in profile["columns"] if c["measure"] != "queue"]


@pytest.mark.parametrize(
    ("content", "causes"),
    [
        (b"", [("F207", "error")]),
        (
            b"Date,Queue,Items Handled\n2026-10-01,General Moderation,5\n",
            [("F202", "warning"), ("V325", "error")],
        ),
    ],
    ids=["empty", "csv-named-xlsx"],
)
def test_an_unreadable_file_shows_its_cause_first_then_one_line_for_its_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, causes: list[tuple[str, str]]
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("out", "flawed"))
    (root / ACME_FILE).write_bytes(content)
    monkeypatch.chdir(root)
    result = invoke(["validate", "--period", PERIOD, "--format", "json"], 1)
    issues = json.loads(result.stdout)["issues"]
    at_file = [(i["code"], i["severity"]) for i in issues if i["file"] == ACME_FILE]
    assert at_file == [*causes, ("V343", "error")]
    (line,) = [i for i in issues if i["code"] == "V343"]
    lost = _acme_measures()
    assert len(lost) == 25
    assert line["found"] == "HYD1"
    assert "lacks the 25 measures this file would have supplied" in line["message"]
    assert f"could not be read ({causes[-1][0]})" in line["message"]
    assert ", ".join(f"`{m}`" for m in lost[:6]) + " and 19 more" in line["message"]
    # No finding of HYD1's month is a symptom of the file: no V323 and no 'sent no file'.
    assert not [i for i in issues if i["code"] in {"V314", "V323"}]
    # In the text the reader meets the cause first, then the one line.
    text = invoke(["validate", "--period", PERIOD], 1).stdout
    cause_at = text.index(f"error {causes[-1][0]}")
    assert cause_at < text.index("error V343") and "V323" not in text
