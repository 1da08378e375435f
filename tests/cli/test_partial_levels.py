"""Partial levels: under --allow-invalid with seven of eight finance rows left out, the global
cost per case is Dublin's own; every output says so beside the number, and it is a finding.

Known answers come from the sample month's ground truth (`tests.support.expected_score`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import REPO, invoke
from tests.support import expected_score as es
from tests.support.libreoffice import convert
from tests.support.scorecard_file import read_card

PERIOD = "2026-10"
FINANCE = f"inbox/{PERIOD}/Finance_site_costs_{PERIOD}.xlsx"


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("partial")
    root = tmp / "ws"
    shutil.copytree(REPO / "sample_data", root, ignore=shutil.ignore_patterns("out", "flawed"))
    book = openpyxl.load_workbook(root / FINANCE)
    sheet = book["Site costs"]
    for row in range(3, 10):  # every cost centre but Dublin's (row 2): a negative cost
        cell = sheet.cell(row=row, column=4)
        cell.value = -float(cell.value)
    edited = tmp / "edited" / Path(FINANCE).name
    edited.parent.mkdir()
    book.save(edited)
    shutil.copy(convert(edited, "xlsx", tmp / "resaved"), root / FINANCE)
    out = tmp / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", "120")
        mp.setenv("NO_COLOR", "1")
        args = ["score", "--period", PERIOD, "-w", str(root), "--out", str(out), "--no-history"]
        invoke(args, 1)  # refused without --allow-invalid
        terminal = invoke([*args, "--allow-invalid"]).stdout
    return out, terminal


def _global(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (top,) = [s for s in card["scopes"] if s["level"] == "global" and s["queue"] is None]
    return {k["kpi"]: k for k in top["kpis"]}


def test_the_json_gives_the_coverage_of_a_partial_level(scored: tuple[Path, str]) -> None:
    out, _ = scored
    card = read_card(out)
    expected = es.expected_card(PERIOD)
    dublin = expected["site", "DUB1", None]
    everyone = expected["global", "global", None]
    cost = _global(card)["cost_per_case"]
    # The value is Dublin's own, and says so: 1 of 8 sites, Dublin's share of items handled.
    assert cost["value"] == pytest.approx(dublin.kpis["cost_per_case"].value, rel=1e-9)
    coverage = cost["coverage"]
    assert coverage["sites"] == ["DUB1"] and coverage["of"] == 8
    assert sorted(coverage["left_out"]) == sorted(s for s in everyone.sites if s != "DUB1")
    share = dublin.measures["items_handled"] / everyone.measures["items_handled"]
    assert coverage["volume_share"] == pytest.approx(share, rel=1e-9)
    # A KPI every site reports is whole: no coverage.
    assert _global(card)["aht"]["coverage"] is None

    found = {i["message"].split(":")[0] for i in card["issues"] if i["code"] == "K404"}
    assert found == {"the whole operation", "region EMEA", "vendor inhouse"}
    (top,) = [i for i in card["issues"] if i["message"].startswith("the whole operation")]
    assert "cost_per_case" in top["message"] and "DUB1 only, 1 of 8 sites" in top["message"]
    assert f"{share * 100:.0f} % of items handled" in top["message"]


def test_markdown_html_xlsx_and_terminal_say_so(scored: tuple[Path, str]) -> None:
    out, terminal = scored
    share = f"{_share():.0f} % of items handled"
    words = f"covers DUB1 only, 1 of 8 sites, {share}"
    md = (out / "scorecard.md").read_text("utf-8")
    rows = [line for line in md.splitlines() if line.startswith("| Cost per decision")]
    assert f"({words})" in rows[0]  # the whole operation's table comes first
    assert not [row for row in rows[1:] if "covers" in row]  # a site is always whole
    assert "warning K404: the whole operation" in md
    html = (out / "scorecard.html").read_text("utf-8")
    assert words in html and "K404" in html
    checks = openpyxl.load_workbook(out / "scorecard.xlsx")["Checks"]
    texts = [str(c.value) for row in checks.iter_rows() for c in row if c.value is not None]
    assert "K404" in texts and any("DUB1 only, 1 of 8 sites" in t for t in texts)
    assert "warning K404: the whole operation" in terminal


def _share() -> float:
    expected = es.expected_card(PERIOD)
    whole = expected["global", "global", None].measures["items_handled"]
    return 100 * expected["site", "DUB1", None].measures["items_handled"] / whole


def test_the_queues_sheet_marks_a_partial_value_beside_it(tmp_path: Path) -> None:
    """In the sample month only the in-house sites report automated actions: the whole
    operation's automation share of the general queue is theirs, and its cell says so."""
    out = tmp_path / "out"
    sample = REPO / "sample_data"
    invoke(["score", "--period", PERIOD, "-w", str(sample), "--out", str(out), "--no-history"])
    sheet = openpyxl.load_workbook(out / "scorecard.xlsx")["Queues"]
    header = [c.value for c in sheet[1]]
    col = header.index("automation_share")
    (row,) = [
        r
        for r in sheet.iter_rows(min_row=2)
        if [r[0].value, r[1].value, r[3].value] == ["global", "global", "general"]
    ]
    parts = es.expected_card(PERIOD)["global", "global", "general"].parts
    covered = [s for s, m in parts.items() if m.get("items_auto_actioned") is not None]
    share = sum(parts[s]["items_handled"] for s in covered) / sum(
        m["items_handled"] for m in parts.values()
    )
    comment = row[col].comment
    assert comment is not None
    assert comment.text == (
        f"Covers {', '.join(covered)}, {len(covered)} of {len(parts)} sites, "
        f"{share * 100:.0f} % of items handled"
    )
    aht = row[header.index("aht")]
    assert aht.comment is None  # every site reports handle time
