"""Triggers: KPI conditions over N months running, composite, site status, history on disk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from opsgov.models.playbook import Playbook
from opsgov.models.results import Scorecard
from opsgov.pipeline import Definitions, load_definitions, score
from opsgov.playbooks.triggers import evaluate_triggers, previous_periods, stored_history
from tests.conftest import REPO

SAMPLE = REPO / "sample_data"


@pytest.fixture(scope="module")
def defs() -> Definitions:
    return load_definitions(SAMPLE)


@pytest.fixture(scope="module")
def october(defs: Definitions) -> Scorecard:
    return score(defs, period="2026-10", report_date="2026-10-31").card


@pytest.fixture(scope="module")
def september(defs: Definitions) -> Scorecard:
    return score(defs, period="2026-09", report_date="2026-09-30").card


def book(*triggers: dict[str, Any], **extra: Any) -> Playbook:
    return Playbook.model_validate(
        {
            "kind": "playbook",
            "id": "pb",
            "title": "PB",
            "purpose": "Test.",
            "owner": "VM",
            "triggers": list(triggers),
            "phases": [
                {
                    "id": "p",
                    "title": "P",
                    "steps": [{"id": "s", "title": "S", "owner": "VM", "lead_time_days": 0}],
                }
            ],
            **extra,
        }
    )


def red_sites(card: Scorecard, kpi: str) -> set[str]:
    out = set()
    for scope in card.scopes:
        result = scope.kpi(kpi)
        if scope.level == "site" and scope.queue is None and result and result.status == "red":
            out.add(scope.id)
    return out


def test_red_two_months_running_needs_both_months(
    defs: Definitions, october: Scorecard, september: Scorecard
) -> None:
    pb = book({"type": "kpi", "kpi": "sla_attain", "status": "red", "periods": 2})
    expected = red_sites(october, "sla_attain") & red_sites(september, "sla_attain")
    assert expected, "the sample data has a site red on SLA attainment in both months"
    fired = evaluate_triggers(october, [september], [pb], defs.registry)
    assert {f.scope for f in fired} == expected
    assert "2 months running" in fired[0].why and "2026-09" in fired[0].why
    # Without the earlier month the streak cannot be confirmed.
    assert evaluate_triggers(october, [], [pb], defs.registry) == []


def test_three_months_running_uses_older_history(
    defs: Definitions, october: Scorecard, september: Scorecard
) -> None:
    pb = book({"type": "kpi", "kpi": "sla_attain", "status": "red", "periods": 3})
    assert evaluate_triggers(october, [september], [pb], defs.registry) == []
    august = september.model_copy(update={"period": "2026-08"})
    fired = evaluate_triggers(october, [september, august], [pb], defs.registry)
    assert {f.scope for f in fired} == red_sites(october, "sla_attain") & red_sites(
        september, "sla_attain"
    )


def test_above_is_strict_and_applies_to_limits_the_sites(
    defs: Definitions, october: Scorecard
) -> None:
    values = {
        s.id: k.value
        for s in october.scopes
        if s.level == "site" and s.queue is None and (k := s.kpi("attrition_m")) and k.value
    }
    lowest = min(values.values())
    pb = book({"type": "kpi", "kpi": "attrition_m", "above": lowest})
    fired = {f.scope for f in evaluate_triggers(october, [], [pb], defs.registry)}
    assert fired == {s for s, v in values.items() if v > lowest}
    in_house = book(
        {"type": "kpi", "kpi": "attrition_m", "above": lowest},
        applies_to={"vendor_types": ["in_house"]},
    )
    fired_in_house = {f.scope for f in evaluate_triggers(october, [], [in_house], defs.registry)}
    assert fired_in_house == {s for s in fired if s in {"DUB1", "AUS1"}}


def test_composite_at_vendor_level(defs: Definitions, october: Scorecard) -> None:
    pb = book({"type": "kpi", "kpi": "composite", "status": "amber", "level": "vendor"})
    expected = {
        s.id for s in october.scopes if s.level == "vendor" and s.status in {"amber", "red"}
    }
    assert {f.scope for f in evaluate_triggers(october, [], [pb], defs.registry)} == expected


def test_site_status_triggers_fire_for_launching_sites(
    defs: Definitions, october: Scorecard
) -> None:
    pb = book({"type": "site_status", "site_status": "launching"})
    (fired,) = evaluate_triggers(october, [], [pb], defs.registry)
    assert fired.scope == "CAI1" and "launching" in fired.why
    assert evaluate_triggers(october, [], [book({"type": "manual"})], defs.registry) == []


def test_score_lists_the_triggered_playbooks(october: Scorecard) -> None:
    assert any(t.playbook == "new_site_launch" and t.scope == "CAI1" for t in october.playbooks)


def test_stored_history_reads_earlier_scorecards(
    tmp_path: Path, defs: Definitions, september: Scorecard
) -> None:
    assert previous_periods("2026-01", 2) == ["2025-12", "2025-11"]
    august = september.model_copy(update={"period": "2026-08"})
    folder = tmp_path / "out" / "2026-08"
    folder.mkdir(parents=True)
    (folder / "scorecard.json").write_text(json.dumps(august.model_dump(mode="json")), "utf-8")
    (tmp_path / "out" / "2026-07").mkdir()
    (tmp_path / "out" / "2026-07" / "scorecard.json").write_text("{not json", "utf-8")
    found = stored_history(tmp_path, defs.settings, "2026-10", 3, skip={"2026-09"})
    assert [c.period for c in found] == ["2026-08"]
