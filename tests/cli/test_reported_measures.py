"""What each site reports is the workspace's to say: its profiles, and the registry's lists.

Two vendors in two regions: Acme's daily report (DUB1, LIS1) has appeals, Teleworks' (KUL1)
has none; one HR workbook covers every site. Files are saved by LibreOffice. Known answers
are worked out by hand in the comments.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import invoke
from tests.support.workspace_files import calc_xlsx, score_json, validate_json, write_workspace

PERIOD = "2026-10"

FRAMEWORK = """\
kind: framework
id: mini
version: "1"
name: Mini
owner: Ops
categories:
  - {id: productivity, name: Productivity, weight: 50}
  - {id: quality, name: Quality, weight: 50}
measures:
  - {id: items_handled, name: Items handled, kind: count, rollup: sum}
  - {id: handle_seconds, name: Handle time, kind: duration, rollup: sum}
  - {id: appeals_decided, name: Appeals decided, kind: count, unit: appeals, rollup: sum}
  - {id: appeals_overturned, name: Appeals overturned, kind: count, unit: appeals, rollup: sum}
  - {id: hc_avg, name: Average headcount, kind: count, unit: people, rollup: snapshot_avg}
  - {id: leavers, name: Leavers, kind: count, unit: people, rollup: sum}
kpis:
  - {id: aht, name: AHT, category: productivity, formula: handle_seconds / items_handled,
     unit: seconds, format: "mm:ss", direction: lower_is_better, target: 300,
     thresholds: {green: 300, amber: 360}, floor: 420}
  - {id: appeal_overturn, name: Appeal overturn rate, category: quality,
     formula: appeals_overturned / appeals_decided, unit: percent, format: percent,
     direction: lower_is_better, target: 0.1, thresholds: {green: 0.1, amber: 0.15}, floor: 0.2}
  - {id: attrition, name: Attrition, formula: leavers / hc_avg, unit: percent,
     format: percent, direction: lower_is_better}
scoring: {method: linear, missing_kpi: MISSING}
"""

REGISTRY = """\
kind: registry
regions: [{id: EU, name: Europe}, {id: APAC, name: Asia Pacific}]
vendors:
  - {id: acme, name: Acme, type: bpo}
  - {id: tw, name: Teleworks, type: bpo}
sites:
  - {id: DUB1, name: Dublin, vendor: acme, region: EU, country: IE, currency: EUR,
     timezone: Europe/Dublin, status: live, go_live: "2020-01-01"}
  - {id: LIS1, name: Lisbon, vendor: acme, region: EU, country: PT, currency: EUR,
     timezone: Europe/Lisbon, status: live, go_live: "2020-01-01"}
  - {id: KUL1, name: Kuala Lumpur, vendor: tw, region: APAC, country: MY, currency: EUR,
     timezone: Asia/Kuala_Lumpur, status: live, go_live: "2020-01-01"}
"""

ACME = """\
kind: intake_profile
id: acme_monthly
name: Acme monthly
vendor: acme
files: {pattern: "{site}_ops_{period}.xlsx"}
grain: month
columns:
  - {measure: items_handled, headers: [Handled]}
  - {measure: handle_seconds, headers: [AHT], unit: "mm:ss", per: items_handled}
  - {measure: appeals_decided, headers: [Appeals Decided]}
  - {measure: appeals_overturned, headers: [Appeals Overturned]}
"""

TELEWORKS = """\
kind: intake_profile
id: tw_monthly
name: Teleworks monthly
vendor: tw
files: {pattern: "TW_{site}_{period}.xlsx"}
grain: month
columns:
  - {measure: items_handled, headers: [Handled]}
  - {measure: handle_seconds, headers: [AHT], unit: "mm:ss", per: items_handled}
"""

HR = """\
kind: intake_profile
id: hr_monthly
name: HR monthly headcount
files: {pattern: "HR_{period}.xlsx"}
grain: month
site: {source: column, column: Site}
columns:
  - {measure: hc_avg, headers: [Average HC]}
  - {measure: leavers, headers: [Leavers]}
"""

OPS = {  # handled, AHT, appeals decided, appeals overturned
    "DUB1": [1000, "05:00", 40, 4],
    "LIS1": [500, "06:00", 10, 3],
    "KUL1": [800, "05:30"],
}
HEADCOUNT: dict[str, list[float]] = {"DUB1": [40.5, 2], "LIS1": [20, 1], "KUL1": [30, 3]}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The month's files, saved by LibreOffice once: three reports, HR with and without KUL1."""
    folder = tmp_path_factory.mktemp("books")
    books: dict[str, tuple[str, list[list[object]]]] = {}
    for site, row in OPS.items():
        header: list[object] = ["Handled", "AHT", "Appeals Decided", "Appeals Overturned"]
        name = f"TW_{site}_{PERIOD}.xlsx" if site == "KUL1" else f"{site}_ops_{PERIOD}.xlsx"
        books[name] = ("Report", [header[: len(row)], row])
    hr_files: dict[str, tuple[str, ...]] = {
        "HR_all": ("DUB1", "LIS1", "KUL1"),
        "HR_no_KUL1": ("DUB1", "LIS1"),
    }
    for name, sites in hr_files.items():
        hr_rows: list[list[object]] = [["Site", "Average HC", "Leavers"]]
        hr_rows += [[site, *HEADCOUNT[site]] for site in sites]
        books[f"{name}.xlsx"] = ("Headcount", hr_rows)
    partial: list[list[object]] = [["Handled", "AHT", "Appeals Decided"], [1000, "05:00", 40]]
    books["DUB1_no_overturned.xlsx"] = ("Report", partial)
    calc_xlsx(folder, books, folder / "draft")
    return folder


def _workspace(
    tmp_path: Path,
    books: Path,
    *,
    all_in_hr: bool = True,
    registry: str = REGISTRY,
    missing_kpi: str = "reweight",
) -> Path:
    root = tmp_path / "ws"
    profiles = {"acme": ACME, "tw": TELEWORKS, "hr": HR}
    framework = FRAMEWORK.replace("MISSING", missing_kpi)
    month = write_workspace(root, framework, registry, profiles, PERIOD)
    for path in books.glob("*_2026-10.xlsx"):
        shutil.copy(path, month / path.name)
    hr = books / ("HR_all.xlsx" if all_in_hr else "HR_no_KUL1.xlsx")
    shutil.copy(hr, month / f"HR_{PERIOD}.xlsx")
    return root


def _kpis(card: dict[str, object], kpi_id: str) -> dict[tuple[str, str], tuple[object, str]]:
    scopes = card["scopes"]
    assert isinstance(scopes, list)
    return {
        (s["level"], s["id"]): next(
            (k["value"], k["status"]) for k in s["kpis"] if k["kpi"] == kpi_id
        )
        for s in scopes
        if s["queue"] is None
    }


def test_a_site_is_held_only_to_what_it_reports(tmp_path: Path, books: Path) -> None:
    # KUL1's layout has no appeals: that is no finding. The HR file leaves KUL1 out: one
    # finding for the site, naming both measures and the file that would bring them.
    root = _workspace(tmp_path, books, all_in_hr=False)
    issues = validate_json(root, PERIOD, code=1)
    assert [(i["code"], i["found"], i["severity"]) for i in issues] == [("V323", "KUL1", "error")]
    assert issues[0]["message"] == (
        "no file of KUL1's month supplies 2 measures it reports: `hc_avg`, `leavers`"
    )
    hint = issues[0]["hint"]
    assert "profile `hr_monthly` reads (HR_2026-10.xlsx)" in hint
    assert "`does_not_report:`" in hint


def test_a_file_missing_for_every_site_is_one_finding(tmp_path: Path, books: Path) -> None:
    root = _workspace(tmp_path, books)
    (root / "inbox" / PERIOD / f"HR_{PERIOD}.xlsx").unlink()
    issues = validate_json(root, PERIOD, code=1)
    assert [(i["code"], i["found"]) for i in issues] == [("V331", "DUB1, LIS1, KUL1")]
    assert issues[0]["message"] == (
        "no file of 2026-10 is read by profile `hr_monthly` (HR_2026-10.xlsx), so 3 sites "
        "(DUB1, LIS1, KUL1) lack `hc_avg`, `leavers`"
    )


def test_a_missing_column_is_reported_once_at_the_header(tmp_path: Path, books: Path) -> None:
    # DUB1's report lacks Appeals Overturned: the cause is the file's header (V300), and the
    # month does not say it again as a measure DUB1 did not supply.
    root = _workspace(tmp_path, books)
    shutil.copy(
        books / "DUB1_no_overturned.xlsx", root / "inbox" / PERIOD / "DUB1_ops_2026-10.xlsx"
    )
    issues = validate_json(root, PERIOD, code=1)
    assert [(i["code"], i["file"], i["field"]) for i in issues] == [
        ("V300", f"inbox/{PERIOD}/DUB1_ops_{PERIOD}.xlsx", "appeals_overturned")
    ]


def test_the_registry_can_say_a_site_does_not_report_a_measure(tmp_path: Path, books: Path) -> None:
    registry = REGISTRY.replace(
        'timezone: Asia/Kuala_Lumpur, status: live, go_live: "2020-01-01"}',
        'timezone: Asia/Kuala_Lumpur, status: live, go_live: "2020-01-01",\n'
        "     does_not_report: [hc_avg, leavers]}",
    )
    root = _workspace(tmp_path, books, all_in_hr=False, registry=registry)
    assert validate_json(root, PERIOD) == []
    card = score_json(root, PERIOD, tmp_path / "out")
    attrition = _kpis(card, "attrition")
    assert attrition[("site", "KUL1")] == (None, "not_reported")
    # DUB1 and LIS1 only: (2 + 1) / (40.5 + 20), KUL1 neither adds leavers nor headcount.
    assert attrition[("global", "global")][0] == pytest.approx(3 / 60.5)
    assert attrition[("region", "APAC")] == (None, "not_reported")


def test_not_reported_kpis_are_left_to_the_missing_kpi_rule(tmp_path: Path, books: Path) -> None:
    root = _workspace(tmp_path, books)
    assert validate_json(root, PERIOD) == []
    card = score_json(root, PERIOD, tmp_path / "out")
    overturn = _kpis(card, "appeal_overturn")
    assert overturn[("site", "KUL1")] == (None, "not_reported")
    assert overturn[("vendor", "tw")] == (None, "not_reported")
    assert overturn[("region", "APAC")] == (None, "not_reported")
    # A ratio of sums over the sites that report appeals: (4 + 3) / (40 + 10) = 0.14, at the
    # global level too (KUL1 adds nothing to either sum).
    assert overturn[("region", "EU")][0] == pytest.approx(7 / 50)
    assert overturn[("global", "global")][0] == pytest.approx(7 / 50)
    aht = _kpis(card, "aht")
    # (1000*300 + 500*360 + 800*330) / (1000 + 500 + 800) = 744000 / 2300 s.
    assert aht[("global", "global")][0] == pytest.approx(744000 / 2300)
    kul1 = next(s for s in card["scopes"] if s["level"] == "site" and s["id"] == "KUL1")
    # AHT 330 s scores 100 * (330 - 420) / (300 - 420) = 75; quality has no score, so its
    # weight goes to productivity (reweight): composite 75, half the weight covered.
    assert kul1["composite"] == pytest.approx(75.0)
    assert kul1["coverage"] == pytest.approx(0.5)
    md = (tmp_path / "out" / "scorecard.md").read_text("utf-8")
    kul1_section = md.split("KUL1 Kuala Lumpur", 2)[-1]
    assert "| Appeal overturn rate | — | 10.0 % | Not reported |" in kul1_section
    html = (tmp_path / "out" / "scorecard.html").read_text("utf-8")
    assert "KUL1 Kuala Lumpur: Not reported" in html  # the site's bar on the KPI's chart


def test_under_the_zero_rule_a_not_reported_kpi_scores_zero(tmp_path: Path, books: Path) -> None:
    root = _workspace(tmp_path, books, missing_kpi="zero")
    card = score_json(root, PERIOD, tmp_path / "out")
    kul1 = next(s for s in card["scopes"] if s["level"] == "site" and s["id"] == "KUL1")
    assert kul1["composite"] == pytest.approx(37.5)  # (50 * 75 + 50 * 0) / 100


def test_lint_checks_the_registrys_reporting_lists(tmp_path: Path, books: Path) -> None:
    registry = REGISTRY.replace(
        "  - {id: tw, name: Teleworks, type: bpo}",
        "  - {id: tw, name: Teleworks, type: bpo, reports: [appeals_decided],\n"
        "     does_not_report: [appeal_overturn]}",
    )
    root = _workspace(tmp_path, books, registry=registry)
    data = json.loads(invoke(["lint", "--workspace", str(root), "--format", "json"], 1).stdout)
    found = {(i["code"], i["severity"], i["line"]) for i in data["issues"]}
    assert found == {("D158", "warning", 5), ("D157", "error", 6)}
    by_code = {i["code"]: i for i in data["issues"]}
    assert "KUL1 is to report `appeals_decided`" in by_code["D158"]["message"]
    assert "appeals_overturned / appeals_decided" in by_code["D157"]["hint"]
