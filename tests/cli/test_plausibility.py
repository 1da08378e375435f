"""Values wrong by a unit pass every cell check; plausibility catches them and names the cause.

The sample workspace with two units drafted wrong, as a new user might keep them: Teleworks'
productive hours read as seconds, LatAmCX's 0-1 SLA fractions read as 0-100 percentages. The
expected (wrong) values are the ground truth's, scaled by hand: 3,600 times the cost per
productive hour, a hundredth of the SLA attainment.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from opsgov.issues import Issue
from opsgov.models.results import Scorecard
from tests.conftest import invoke
from tests.support import expected_score as es
from tests.support import sample_month as sm
from tests.support.browser import parse_html

PERIOD = "2026-10"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plausible")
    workspace = root / "ws"
    shutil.copytree(sm.SAMPLE_WORKSPACE, workspace, ignore=shutil.ignore_patterns("out"))
    profiles = workspace / "profiles"
    _edit(
        profiles / "teleworks_daily_csv.yaml",
        "headers: [Horas produtivas]\n    unit: hours",
        "headers: [Horas produtivas]\n    unit: seconds",
    )
    _edit(
        profiles / "latam_cx_daily_xls.yaml",
        'headers: ["% Dentro de SLA"]\n    unit: percent_0_1',
        'headers: ["% Dentro de SLA"]\n    unit: percent_0_100',
    )
    invoke(["lint", str(workspace)])  # nothing a linter can see
    out = root / "out"
    invoke(["score", "--period", PERIOD, "--workspace", str(workspace), "--out", str(out),
            "--no-history"])  # fmt: skip
    return out


@pytest.fixture(scope="module")
def card(scored: Path) -> Scorecard:
    return Scorecard.model_validate_json((scored / "scorecard.json").read_text("utf-8"))


def _k403(card: Scorecard, site: str) -> list[Issue]:
    return [i for i in card.issues if i.code == "K403" and i.message.startswith(f"{site}:")]


def _sites(vendor: str) -> list[str]:
    return [s.id for s in sm.registry().sites if s.vendor == vendor and s.id in sm.LIVE_SITES]


def test_hours_read_as_seconds_are_named(card: Scorecard) -> None:
    expected = es.expected_card(PERIOD)
    for site in _sites("teleworks"):
        right = expected["site", site, None].kpis["cost_per_prod_hour"].value
        assert right is not None
        wrong = 3600 * right
        got = card.scope("site", site)
        assert got is not None
        value = got.kpi("cost_per_prod_hour")
        assert value is not None and value.value == pytest.approx(wrong, rel=1e-9)
        [issue] = _k403(card, site)
        assert issue.severity == "warning"
        assert f"cost per productive hour {wrong:,.2f} USD" in issue.message
        assert "times its plausible maximum 250.00 USD" in issue.message
        assert "is 'Horas produtivas' in hours, not seconds?" in issue.message
        assert "unit: hours" in (issue.hint or "")
        assert issue.location is not None and issue.location.file.startswith("inbox/")


def test_fractions_read_as_percentages_are_named(card: Scorecard) -> None:
    expected = es.expected_card(PERIOD)
    for site in _sites("latam_cx"):
        right = expected["site", site, None].kpis["sla_attain"].value
        assert right is not None
        wrong = right / 100
        [issue] = _k403(card, site)
        assert f"turnaround sla attainment {wrong * 100:,.1f} %" in issue.message
        assert "below its plausible minimum 20.0 %" in issue.message
        assert "is '% Dentro de SLA' in fractions of 0-1, not percentages of 0-100?" in (
            issue.message
        )


def test_sites_read_right_have_no_plausibility_warning(card: Scorecard) -> None:
    wrong = set(_sites("teleworks")) | set(_sites("latam_cx"))
    flagged = {i.message.split(":", 1)[0] for i in card.issues if i.code == "K403"}
    assert flagged == wrong
    assert card.findings["warning"] == len(wrong)


def test_the_warnings_show_on_every_output(scored: Path, card: Scorecard) -> None:
    messages = [i.message for i in card.issues if i.code == "K403"]
    markdown = (scored / "scorecard.md").read_text("utf-8")
    assert "## Checks of the figures" in markdown
    assert markdown.count("warning K403") == len(messages)
    page = parse_html((scored / "scorecard.html").read_text("utf-8"))
    [table] = [t for t in page.find_all("table") if "Checks of the figures" in t.text()]
    assert table.text().count("K403") == len(messages)
    sheet = openpyxl.load_workbook(scored / "scorecard.xlsx")["Checks"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert sorted(r[2] for r in rows if r[1] == "K403") == sorted(messages)
