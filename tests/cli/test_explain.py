"""`opsgov explain`: the formula, the measures, the override behind the target, the cells."""

from __future__ import annotations

import pytest

from tests.conftest import REPO, invoke


def test_explain_names_formula_override_and_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "220")
    out = invoke(
        [
            "explain",
            "sla_attain",
            "--site",
            "MNL1",
            "--period",
            "2026-10",
            "-w",
            str(REPO / "sample_data"),
        ]
    ).stdout
    assert "items_within_sla / items_sla_eligible" in out
    assert "vendor acme_bpo (workspace)" in out
    assert "MNL1_ops_2026-10.xlsx" in out
    assert "Within SLA %" in out
    assert "score = clamp(" in out


def test_explain_unknown_kpi_and_site_are_usage_errors() -> None:
    ws = str(REPO / "sample_data")
    assert "no KPI 'nope'" in invoke(["explain", "nope", "--period", "2026-10", "-w", ws], 2).stderr
    err = invoke(["explain", "aht", "--site", "XXX", "--period", "2026-10", "-w", ws], 2).stderr
    assert "no site 'XXX'" in err
