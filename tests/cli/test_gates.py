"""Count KPIs judged per site above site level, and gates that cap a scope's status.

A mini workspace worked by hand. Four sites, two vendors, two regions:

    site  vendor  region  overdue  critical   AHT
    A1    va      R1      1        0          240 s
    A2    va      R2      1        0          240 s
    A3    va      R1      2        0          240 s
    B1    vb      R2      0        1          240 s

`overdue` (target 0, floor 4, green at 0, amber up to 2) and `critical` (target 0, floor 1,
green and amber at 0) are judged per reporting site above site level. `critical` has a gate:
any critical finding scores the compliance category 0 and caps the overall status at amber.
Categories: service (AHT, weight 90) and compliance (overdue weight 1, critical weight 2,
category weight 10). Linear scoring: score = 100 * (value - floor) / (target - floor).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import invoke
from tests.support.scorecard_file import read_card
from tests.support.workspace_files import write_workspace

FRAMEWORK = """\
kind: framework
id: gates_mini
version: "1"
name: Gates mini
owner: Ops
scoring: {method: linear, missing_kpi: reweight, composite_green: 85, composite_amber: 70}
categories:
  - {id: service, name: Service, weight: 90}
  - {id: compliance, name: Compliance, weight: 10}
measures:
  - {id: items_handled, name: Items handled, kind: count, rollup: sum}
  - {id: handle_seconds, name: Handle time, kind: duration, rollup: sum}
  - {id: overdue_end, name: Overdue at end, kind: count, unit: findings, rollup: snapshot_end}
  - {id: critical_raised, name: Critical raised, kind: count, unit: findings, rollup: sum}
kpis:
  - {id: aht, name: AHT, formula: handle_seconds / items_handled, unit: seconds,
     format: "mm:ss", direction: lower_is_better, category: service, weight: 1,
     target: 300, floor: 600, thresholds: {green: 300, amber: 450}}
  - {id: overdue, name: Overdue actions, formula: overdue_end, unit: count, format: count,
     direction: lower_is_better, category: compliance, weight: 1, above_site: per_site,
     target: 0, floor: 4, thresholds: {green: 0, amber: 2}}
  - {id: critical, name: Critical findings, formula: critical_raised, unit: count,
     format: count, direction: lower_is_better, category: compliance, weight: 2,
     above_site: per_site, target: 0, floor: 1, thresholds: {green: 0, amber: 0}}
gates:
  - {id: critical_finding, kpi: critical, above: 0, cap: amber,
     reason: A critical finding caps the overall status at amber until it is closed.}
"""

REGISTRY = """\
kind: registry
regions: [{id: R1, name: Region one}, {id: R2, name: Region two}]
vendors: [{id: va, name: Vendor A, type: bpo}, {id: vb, name: Vendor B, type: bpo}]
sites:
""" + "".join(
    f"  - {{id: {site}, name: Site {site}, vendor: {vendor}, region: {region}, country: IE,\n"
    f"     currency: EUR, timezone: Europe/Dublin, status: live, go_live: '2020-01-01'}}\n"
    for site, vendor, region in (
        ("A1", "va", "R1"),
        ("A2", "va", "R2"),
        ("A3", "va", "R1"),
        ("B1", "vb", "R2"),
    )
)

PROFILE = """\
kind: intake_profile
id: monthly
name: Monthly figures by site
files: {pattern: "monthly_{period}.csv"}
grain: month
site: {source: column, column: Site}
text: {encoding: utf-8, delimiter: ",", decimal: "."}
columns:
  - {measure: items_handled, headers: [Handled]}
  - {measure: handle_seconds, headers: [Handle seconds], unit: seconds}
  - {measure: overdue_end, headers: [Overdue]}
  - {measure: critical_raised, headers: [Critical]}
"""

ROWS = {"A1": (1, 0), "A2": (1, 0), "A3": (2, 0), "B1": (0, 1)}


def _workspace(root: Path) -> None:
    month = write_workspace(root, FRAMEWORK, REGISTRY, {"monthly": PROFILE}, "2026-10")
    lines = ["Site,Handled,Handle seconds,Overdue,Critical"]
    lines += [f"{s},1000,240000,{o},{c}" for s, (o, c) in ROWS.items()]
    (month / "monthly_2026-10.csv").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict[str, object]]:
    root = tmp_path_factory.mktemp("gates") / "ws"
    _workspace(root)
    invoke(["lint", str(root)])
    out = root / "out"
    invoke(["score", "-w", str(root), "--period", "2026-10", "--out", str(out), "-q"])
    data = read_card(out)
    return {(s["level"], s["id"]): s for s in data["scopes"] if s.get("queue") is None}


def _kpi(scope: dict[str, object], kpi: str) -> dict[str, object]:
    kpis = scope["kpis"]
    assert isinstance(kpis, list)
    return next(k for k in kpis if k["kpi"] == kpi)


@pytest.mark.parametrize(
    ("level", "scope", "total", "per_site", "status"),
    [
        # vendor va: 4 overdue over 3 sites is 1.33 a site, amber (4 as a sum would be red)
        ("vendor", "va", 4, 4 / 3, "amber"),
        ("region", "R1", 3, 1.5, "amber"),
        ("region", "R2", 1, 0.5, "amber"),
        ("global", "global", 4, 1.0, "amber"),
        ("vendor", "vb", 0, 0.0, "green"),
    ],
)
def test_a_count_is_rated_per_reporting_site_above_site_level(
    card: dict[tuple[str, str], dict[str, object]],
    level: str,
    scope: str,
    total: float,
    per_site: float,
    status: str,
) -> None:
    overdue = _kpi(card[(level, scope)], "overdue")
    assert overdue["value"] == pytest.approx(total)  # the value shown stays the total
    judged = overdue["judged"]
    assert isinstance(judged, dict)
    assert judged["basis"] == "per_site"
    assert judged["value"] == pytest.approx(per_site)
    assert overdue["status"] == status
    assert overdue["score"] == pytest.approx(100 * (per_site - 4) / (0 - 4))


@pytest.mark.parametrize(
    ("level", "scope", "composite", "status", "gated"),
    [
        # A1: compliance (75 * 1 + 100 * 2) / 3 = 91.67; composite 0.9 * 100 + 0.1 * 91.67
        ("site", "A1", 99.1667, "green", False),
        # A3: overdue 2 scores 50; compliance 83.33; composite 98.33
        ("site", "A3", 98.3333, "green", False),
        # B1: the gate scores compliance 0: composite 90, green by score, capped at amber
        ("site", "B1", 90.0, "amber", True),
        # va: overdue 1.33 a site scores 66.67; compliance 88.89; composite 98.89
        ("vendor", "va", 98.8889, "green", False),
        ("vendor", "vb", 90.0, "amber", True),
        # R1: overdue 1.5 a site scores 62.5; compliance 87.5; composite 98.75
        ("region", "R1", 98.75, "green", False),
        ("region", "R2", 90.0, "amber", True),
        ("global", "global", 90.0, "amber", True),
    ],
)
def test_a_critical_finding_zeroes_its_category_and_caps_the_status(
    card: dict[tuple[str, str], dict[str, object]],
    level: str,
    scope: str,
    composite: float,
    status: str,
    gated: bool,
) -> None:
    result = card[(level, scope)]
    assert result["composite"] == pytest.approx(composite, abs=1e-3)
    assert result["status"] == status
    gates = result["gates"]
    assert isinstance(gates, list)
    assert [g["gate"] for g in gates] == (["critical_finding"] if gated else [])
    if gated:
        assert result["uncomposed_status"] == "green"
        categories = result["categories"]
        assert isinstance(categories, list)
        compliance = next(c for c in categories if c["category"] == "compliance")
        assert compliance["score"] == 0.0


def test_the_scorecard_names_the_gate_and_explain_shows_the_per_site_arithmetic(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    _workspace(root)
    out = root / "out"
    invoke(["score", "-w", str(root), "--period", "2026-10", "--out", str(out), "-q"])
    markdown = (out / "scorecard.md").read_text("utf-8")
    gates = markdown.split("## Gates", 1)[1]
    assert "critical_finding" in gates or "Critical findings" in gates
    assert "B1" in gates and "vb" in gates.replace("Vendor B", "vb")
    explained = invoke(
        ["explain", "overdue", "--vendor", "va", "-w", str(root), "--period", "2026-10"]
    ).stdout
    flat = " ".join(explained.split())
    assert "3 sites" in flat and "1.33" in flat
