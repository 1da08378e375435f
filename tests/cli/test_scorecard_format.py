"""`scorecard.json` format 2: scopes and lineage as tables, nothing lost, format 1 still read."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from opsgov.models.results import Scorecard
from opsgov.pipeline import load_definitions
from opsgov.playbooks.triggers import stored_history
from opsgov.render.env import environment
from opsgov.render.outputs import render_json
from tests.conftest import REPO, invoke
from tests.support import expected_score as es

SAMPLE = REPO / "sample_data"
PERIOD = "2026-10"
REL = 1e-9


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("format")
    invoke(["score", "-p", PERIOD, "-w", str(SAMPLE), "--out", str(out), "--no-history", "-q"])
    return out / "scorecard.json"


@pytest.fixture(scope="module")
def raw(written: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(written.read_text("utf-8"))
    return data


def test_scopes_are_rows_under_named_columns(raw: dict[str, Any], written: Path) -> None:
    assert raw["schema_version"] == 2
    kpi_columns = raw["columns"]["kpis"]
    assert kpi_columns[:3] == ["kpi", "value", "status"]
    for scope in [*raw["scopes"], *raw["unsplit"]]:
        assert all(len(row) == len(kpi_columns) for row in scope["kpis"])
        names = raw["measure_names"][scope["measure_names"]]
        assert len(names) == len(scope["measures"])
        for row in scope["kpis"]:
            target = raw["targets"][row[kpi_columns.index("target")]]
            assert set(target) >= {"green", "amber", "source"}
    # No key is repeated per KPI result or per lineage cell: each appears a handful of times.
    text = written.read_text("utf-8")
    gates = sum(len(s["gates"]) for s in raw["scopes"])
    assert text.count('"kpi":') == gates  # only a fired gate names its KPI by key
    assert text.count('"file":') == len(raw["reads"])  # lineage names each file by reference
    assert len(raw["targets"]) < sum(len(s["kpis"]) for s in raw["scopes"]) / 5


def _approx(value: float | None) -> object:
    return None if value is None else pytest.approx(value, rel=REL)


def test_every_scope_reads_back_with_the_expected_numbers(written: Path) -> None:
    card = Scorecard.model_validate_json(written.read_text("utf-8"))
    expected = es.expected_card(PERIOD)
    assert {(s.level, s.id, s.queue) for s in card.scopes} == set(expected)
    for scope in card.scopes:
        want = expected[scope.level, scope.id, scope.queue]
        assert scope.composite == _approx(want.composite)
        assert scope.status == want.status
        for kpi_id, kpi in want.kpis.items():
            got = scope.kpi(kpi_id)
            assert got is not None, (scope.id, scope.queue, kpi_id)
            assert got.value == _approx(kpi.value), (scope.id, kpi_id)
            assert got.status == kpi.status, (scope.id, scope.queue, kpi_id)
            assert got.target.green == _approx(kpi.target.green)
        for measure, value in want.measures.items():
            assert scope.measures[measure] == _approx(value), measure


def test_lineage_names_each_file_sheet_column_and_rows(written: Path) -> None:
    card = Scorecard.model_validate_json(written.read_text("utf-8"))
    expected = es.expected_card(PERIOD)
    sites = [s for (level, _, queue), s in expected.items() if level == "site" and queue is None]
    by_site: dict[str, set[str]] = {}
    for item in card.lineage:
        by_site.setdefault(item.site, set()).add(item.measure)
        for span in item.cells:
            assert (SAMPLE / span.file).is_file(), span.file
            assert span.sheet and re.fullmatch(r"[A-Z]+", span.column), span
            assert re.fullmatch(r"\d+(-\d+)?(, \d+(-\d+)?)*", span.rows), span.rows
    for site in sites:
        assert set(site.measures) <= by_site[site.id], site.id


def test_the_file_follows_its_schema_and_its_documentation(raw: dict[str, Any]) -> None:
    schema = json.loads((REPO / "schemas" / "scorecard.schema.json").read_text("utf-8"))
    assert set(raw) <= set(schema["properties"])
    assert set(schema["required"]) <= set(raw)
    for table, columns in raw["columns"].items():
        assert schema["properties"]["columns"]["properties"][table]["const"] == columns
    docs = (REPO / "docs" / "scorecard-json.md").read_text("utf-8")
    for name in schema["properties"]:
        assert f"`{name}`" in docs, f"docs/scorecard-json.md does not describe {name}"
    for columns in raw["columns"].values():
        for column in columns:
            assert f"`{column}`" in docs, column


def _format_1(period: str) -> dict[str, Any]:
    """A scorecard of the earlier format, written out by hand: every KPI result keyed."""
    target = {"target": 0.95, "green": 0.95, "amber": 0.9, "band_green": None,
              "band_amber": None, "floor": 0.9, "min_sample": None, "source": "framework",
              "reason": ""}  # fmt: skip

    def scope(level: str, scope_id: str, queue: str | None, value: float) -> dict[str, Any]:
        return {
            "level": level, "id": scope_id, "name": f"Name {scope_id}", "queue": queue,
            "vendor": "acme" if level == "site" else None,
            "region": "EMEA" if level == "site" else None, "sites": ["DUB1"],
            "measures": {"items_within_sla": value * 100, "items_sla_eligible": 100.0},
            "kpis": [{"kpi": "sla_attain", "value": value, "status": "green", "score": 100.0,
                      "sample": None, "target": target, "previous": None, "change": None,
                      "judged": None, "coverage": None}],
            "categories": [{"category": "service_delivery", "score": 100.0, "coverage": 1.0}],
            "composite": 100.0, "coverage": 1.0, "status": "green", "rank": 1,
            "previous_composite": None, "gates": [], "uncomposed_status": None,
        }  # fmt: skip

    return {
        "schema_version": 1, "period": period, "previous_period": None,
        "report_date": "2026-09-05", "workspace": "Old", "framework": "trust_safety 2026.1",
        "reporting_currency": "USD", "scoring_method": "linear", "invalid_rows_excluded": 0,
        "findings": {"error": 0, "warning": 0, "info": 0}, "issues": [],
        "categories": [{"id": "service_delivery", "name": "Service delivery", "weight": 100.0}],
        "kpis": [{"id": "sla_attain", "name": "SLA", "category": "service_delivery",
                  "formula": "items_within_sla / items_sla_eligible", "unit": "percent",
                  "format": "percent", "direction": "higher_is_better", "owner": "Ops",
                  "description": "", "weight": 1.0}],
        "scopes": [scope("global", "global", None, 0.97), scope("site", "DUB1", None, 0.97),
                   scope("site", "DUB1", "general", 0.96)],
        "unsplit": [], "not_split": [],
        "lineage": [{"site": "DUB1", "measure": "items_within_sla", "currency": None,
                     "fx_rate": None,
                     "cells": [{"file": "inbox/2026-09/DUB1.xlsx", "sheet": "Daily",
                                "column": "F", "header": "Within SLA", "rows": "5-35"}]}],
        "playbooks": [], "inputs": {"inbox/2026-09/DUB1.xlsx": "0" * 64}, "reads": [],
    }  # fmt: skip


def test_a_scorecard_of_format_1_still_reads(tmp_path: Path) -> None:
    old = _format_1("2026-09")
    card = Scorecard.model_validate(old)
    site = card.scope("site", "DUB1", "general")
    assert site is not None and site.measures["items_within_sla"] == 96.0
    result = site.kpi("sla_attain")
    assert result is not None and result.value == 0.96 and result.target.amber == 0.9
    assert card.lineage[0].cells[0].rows == "5-35"
    # Written again, it is format 2, and reads back to the same card.
    again = Scorecard.model_validate_json(render_json(card, environment([])))
    assert again.model_dump(exclude={"schema_version"}) == card.model_dump(
        exclude={"schema_version"}
    )
    assert json.loads(render_json(card, environment([])))["schema_version"] == 2


def test_earlier_months_of_either_format_are_history_for_the_triggers(tmp_path: Path) -> None:
    settings = load_definitions(SAMPLE).settings
    old = tmp_path / settings.outputs.replace("{period}", "2026-09") / "scorecard.json"
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps(_format_1("2026-09")), "utf-8")
    new = tmp_path / settings.outputs.replace("{period}", "2026-08") / "scorecard.json"
    new.parent.mkdir(parents=True)
    card = Scorecard.model_validate(_format_1("2026-08"))
    new.write_bytes(render_json(card, environment([])))
    found = stored_history(tmp_path, settings, "2026-10", 2)
    assert [c.period for c in found] == ["2026-09", "2026-08"]
    assert all(c.scope("site", "DUB1") is not None for c in found)
