"""Per-queue views add up: sites whose files carry no queue appear as one `(all queues)` scope.

The sample's LatAm CX layout has no queue column: its sites' figures are whole-site only. The
expected figures come from the sample's ground truth (`tests/support`), not from the program.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from opsgov.models.results import Scorecard
from tests.conftest import REPO, invoke
from tests.support import expected_score as es
from tests.support import sample_month as sm
from tests.support.browser import parse_html

PERIOD = "2026-10"
ALL = "(all queues)"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("queues")
    args = ["score", "--period", PERIOD, "-w", str(REPO / "sample_data"), "--out", str(folder)]
    invoke([*args, "--no-history", "-q"])
    return folder


@pytest.fixture(scope="module")
def card(out: Path) -> Scorecard:
    return Scorecard.model_validate(json.loads((out / "scorecard.json").read_text("utf-8")))


def _queueless() -> list[str]:
    truth = sm.make_ground_truth(PERIOD, sm.SEEDS[PERIOD])
    return [
        s.id
        for s in sm.registry().sites
        if s.id in truth.sites and sm.SITE_LAYOUT[s.id] in es.QUEUELESS_LAYOUTS
    ]


def test_the_sites_with_no_queue_are_one_all_queues_scope_then_each_on_its_own(
    card: Scorecard,
) -> None:
    queueless = _queueless()
    assert queueless == ["BOG1", "GDL1"]  # the LatAm CX sites, in registry order
    assert [(s.level, s.id, s.queue) for s in card.unsplit] == [
        ("global", "global", ALL),
        *(("site", site, ALL) for site in queueless),
    ]
    assert card.unsplit[0].sites == queueless


def test_the_queues_and_the_unsplit_sites_add_up_to_the_operation(card: Scorecard) -> None:
    expected = es.expected_card(PERIOD)
    queues = [s for s in card.scopes if s.level == "global" and s.queue is not None]
    for measure in ("items_handled", "handle_seconds"):
        total = expected["global", "global", None].measures[measure]
        parts = [q.measures[measure] or 0.0 for q in queues]
        unsplit = card.unsplit[0].measures[measure]
        assert unsplit == pytest.approx(
            sum(expected["site", s, None].measures[measure] for s in _queueless())
        )
        assert sum(parts) + (unsplit or 0.0) == pytest.approx(total)


def test_the_unsplit_kpis_are_ratios_of_the_sums_of_those_sites(card: Scorecard) -> None:
    expected = es.expected_card(PERIOD)
    parts = [expected["site", s, None].measures for s in _queueless()]
    aht = card.unsplit[0].kpi("aht")
    assert aht is not None
    handled = sum(p["items_handled"] for p in parts)
    assert aht.value == pytest.approx(sum(p["handle_seconds"] for p in parts) / handled)


def test_measures_no_queue_holds_are_named(card: Scorecard) -> None:
    # Finance and HR files are keyed by site: cost and headcount have no queue anywhere.
    assert "cost_total" in card.not_split
    assert "items_handled" not in card.not_split


def _cells(row: Any) -> list[Any]:
    return [c.value for c in row]


def test_the_workbook_queues_sheet_lists_the_unsplit_rows(out: Path) -> None:
    book = load_workbook(out / "scorecard.xlsx", read_only=True)
    rows = [_cells(r) for r in book["Queues"].iter_rows()]
    header = rows[0]
    level, scope_id, queue = header.index("Level"), header.index("Scope"), header.index("Queue")
    unsplit = [(r[level], r[scope_id]) for r in rows[1:] if r[queue] == ALL]
    assert unsplit == [("global", "global"), ("site", "BOG1"), ("site", "GDL1")]


def test_the_page_shows_the_all_queues_column_and_says_what_is_not_split(out: Path) -> None:
    page = parse_html((out / "scorecard.html").read_text("utf-8"))
    section = next(s for s in page.find_all("section") if s.attrs.get("id") == "queues")
    headers = [th.text().strip() for th in section.find_all("th") if th.attrs.get("scope") == "col"]
    assert headers[-1] == ALL
    note = " ".join(section.text().split())
    assert "Not split by queue" in note and "cost_total" in note


SITE_ONLY_KPIS = [  # each needs headcount, cost or compliance figures: files keyed by site
    "attrition_m",
    "wb_participation",
    "cost_per_case",
    "cost_per_prod_hour",
    "control_pass_rate",
    "critical_findings",
    "findings_overdue",
]


def test_a_kpi_no_queue_can_have_reads_not_by_queue_in_every_queue_view(card: Scorecard) -> None:
    queue_scopes = [s for s in card.scopes if s.queue is not None]
    assert queue_scopes
    for scope in queue_scopes:
        marked = [k.kpi for k in scope.kpis if k.status == "not_by_queue"]
        assert marked == SITE_ONLY_KPIS, (scope.level, scope.id, scope.queue)
        aht = scope.kpi("aht")
        assert aht is not None and aht.value is not None and aht.status != "not_by_queue"
    for scope in [*card.unsplit, *(s for s in card.scopes if s.queue is None)]:
        assert not [k.kpi for k in scope.kpis if k.status == "not_by_queue"], scope.id
        attrition = scope.kpi("attrition_m")
        assert attrition is not None and attrition.value is not None, scope.id


def test_the_page_says_not_by_queue_rather_than_no_data(out: Path) -> None:
    page = parse_html((out / "scorecard.html").read_text("utf-8"))
    section = next(s for s in page.find_all("section") if s.attrs.get("id") == "queues")
    text = " ".join(section.text().split())
    assert "Not by queue" in text
