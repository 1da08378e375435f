"""The contract in the history reports: the QBR's SLA attainment and the commercial sections."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, invoke


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two months scored, then the October credits recorded in the history."""
    ws = tmp_path_factory.mktemp("reports") / "ws"
    shutil.copytree(REPO / "sample_data", ws, ignore=shutil.ignore_patterns("out", "history*"))
    for period in ("2026-09", "2026-10"):
        invoke(["score", "--period", period, "-w", str(ws), "-q"])
    out = invoke(["credits", "--period", "2026-10", "-w", str(ws), "--format", "json"], 1)
    return {"ws": ws, "credits": json.loads(out.stdout)}


def _md(ws: Path, *args: str) -> str:
    target = ws / "r.md"
    invoke(["report", *args, "-w", str(ws), "--format", "md", "--out", str(target), "-q"])
    return target.read_text("utf-8")


def test_qbr_sla_attainment_is_the_contracts_service_levels(recorded: dict[str, Any]) -> None:
    text = _md(recorded["ws"], "qbr", "--vendor", "acme_bpo", "--quarter", "2026Q4")
    section = text.split("## 3. Contract SLA attainment", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "contract" in line]
    acme = next(v for v in recorded["credits"]["vendors"] if v["vendor"] == "acme_bpo")
    october = next(m for m in acme["months"] if m["period"] == "2026-10")
    names = sorted(s["sl"] for s in october["service_levels"])
    shown = [r.split("|")[1].strip().split(" ")[0].replace("\\_", "_") for r in rows]
    assert shown == names
    turnaround = next(r for r in rows if r.startswith("| turnaround"))
    assert "**missed**" in turnaround
    accuracy = next(r for r in rows if r.startswith("| accuracy"))
    assert "below target" in accuracy  # met the 0.93 minimum, not the 0.95 target
    assert "contract acme\\_msa, version 2026" in section  # Markdown-escaped
    credited = Decimal(october["credited"])
    assert f"| 2026-10 | {Decimal(october['at_risk']):,.2f} | {credited:,.2f} |" in section


def test_governance_pack_has_a_commercial_section(recorded: dict[str, Any]) -> None:
    text = _md(recorded["ws"], "governance", "--period", "2026-10")
    section = text.split("## Commercial: service credits", 1)[1]
    for vendor in recorded["credits"]["vendors"]:
        month = next(m for m in vendor["months"] if m["period"] == "2026-10")
        name = vendor["vendor"].replace("_", "\\_")  # Markdown-escaped
        assert f"| {name} | {vendor['currency']} |" in section
        assert f"{Decimal(month['net']):,.2f}" in section
    html_out = recorded["ws"] / "g.html"
    invoke(["report", "governance", "--period", "2026-10", "-w", str(recorded["ws"]),
            "--out", str(html_out), "-q"])  # fmt: skip
    assert "Commercial: service credits" in html_out.read_text("utf-8")
