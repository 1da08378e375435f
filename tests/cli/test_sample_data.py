"""The sample workspace's data: generated from a ground truth, read back exactly in every layout.

Expected values always come from the ground truth (`tests.support.sample_month`), never from
opsgov's output; the harmonised blocks are only rolled up here, by each measure's rule.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from opsgov.harmonise.table import Block
from opsgov.issues import Issue, Severity
from opsgov.models.framework import Framework
from opsgov.pipeline import Definitions, load_definitions, validate
from tests.conftest import REPO, invoke
from tests.support import sample_invoice
from tests.support import sample_month as sm
from tests.support.flawed_expected import (
    DEFECTS,
    EXPECTED_FINDINGS,
    FLAWED_FILE,
    FLAWED_PERIOD,
    FLAWED_SITE,
    expected_markdown,
)

WORKSPACE = REPO / "sample_data"
PERIODS = tuple(sorted(sm.SEEDS))
REL = 1e-9  # every layout holds its values exactly; only float rounding remains

PROFILE_OF_LAYOUT = {
    sm.ACME: "acme_daily_ops",
    sm.TELEWORKS: "teleworks_daily_csv",
    sm.LATAM_CX: "latam_cx_daily_xls",
    sm.INHOUSE: "inhouse_daily_metrics",
    sm.HR: "hr_headcount_monthly",
    sm.FINANCE: "finance_site_costs",
    sm.COMPLIANCE: "compliance_controls",
}


@pytest.fixture(scope="module")
def defs() -> Definitions:
    return load_definitions(WORKSPACE)


def roll_up(blocks: Iterable[Block], framework: Framework) -> dict[str, dict[str, float]]:
    """Per site, each harmonised measure rolled up over the month by its framework rule."""
    cells: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for block in blocks:
        for measure_id, values in block.measures.items():
            assert not np.isnan(values).any(), f"{block.source.file}: blank {measure_id}"
            for site, day, value in zip(block.site, block.date, values, strict=True):
                assert site is not None
                cells[site, measure_id].append((int(day), float(value)))
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (site, measure_id), dated in cells.items():
        measure = framework.measure(measure_id)
        assert measure is not None and measure.rollup is not None
        out[site][measure_id] = _by_rule(measure.rollup, dated)
    return dict(out)


def _by_rule(rule: str, dated: list[tuple[int, float]]) -> float:
    by_day: dict[int, float] = defaultdict(float)
    for day, value in dated:
        by_day[day] += value
    if rule == "sum":
        return sum(v for _, v in dated)
    if rule == "snapshot_end":
        return by_day[max(by_day)]
    if rule == "snapshot_avg":
        return sum(by_day.values()) / len(by_day)
    if rule == "max":
        return max(v for _, v in dated)
    assert rule == "min", rule
    return min(v for _, v in dated)


def assert_same_totals(
    actual: dict[str, dict[str, float]], expected: dict[str, dict[str, float]]
) -> None:
    assert sorted(actual) == sorted(expected)
    for site, measures in expected.items():
        assert sorted(actual[site]) == sorted(measures), site
        wrong = {
            m: (actual[site][m], v)
            for m, v in measures.items()
            if not math.isclose(actual[site][m], v, rel_tol=REL, abs_tol=1e-9)
        }
        assert not wrong, f"{site}: (read back, expected) {wrong}"


def problems(issues: Iterable[Issue]) -> list[str]:
    """Findings at warning level or above, as text."""
    return [
        f"{i.code} {i.location} {i.message}"
        for i in issues
        if i.severity.at_least(Severity.WARNING)
    ]


# The committed workspace -------------------------------------------------------------------


def test_sample_workspace_lints_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = invoke(["lint", "--workspace", "sample_data"])
    assert "No problems found" in result.stdout


def test_every_profile_starts_with_its_schema_comment() -> None:
    profiles = sorted((WORKSPACE / "profiles").glob("*.yaml"))
    assert len(profiles) == len(PROFILE_OF_LAYOUT) + 1  # and the Acme invoice's
    for path in profiles:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == (
            "# yaml-language-server: $schema=../../schemas/intake_profile.schema.json"
        ), path.name


@pytest.mark.parametrize("period", PERIODS)
def test_sample_month_validates_clean(period: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = invoke(
        ["validate", "--period", period, "--workspace", "sample_data", "--format", "json"]
    )
    report = json.loads(result.stdout)
    assert report["summary"]["error"] == 0
    assert report["summary"]["warning"] == 0, report["issues"]


@pytest.mark.parametrize("period", PERIODS)
def test_inbox_holds_every_file_of_the_month(period: str) -> None:
    truth = sm.make_ground_truth(period, sm.SEEDS[period])
    expected = sorted(
        [sm.file_name(sm.SITE_LAYOUT[s], period, s) for s in truth.sites]
        + [sm.file_name(layout, period) for layout in sm.MONTHLY_LAYOUTS]
        + ([sample_invoice.FILE] if period == sample_invoice.PERIOD else [])
    )
    assert sorted(p.name for p in (WORKSPACE / "inbox" / period).iterdir()) == expected


@pytest.mark.parametrize("period", PERIODS)
def test_sample_month_harmonises_to_the_ground_truth(period: str, defs: Definitions) -> None:
    run = validate(defs, period=period)
    assert not problems(run.issues)
    assert sorted(run.profiles.values()) == sorted(
        [PROFILE_OF_LAYOUT[sm.SITE_LAYOUT[s]] for s in sm.LIVE_SITES]
        + [PROFILE_OF_LAYOUT[layout] for layout in sm.MONTHLY_LAYOUTS]
    )
    expected = sm.expected_harmonised(sm.make_ground_truth(period, sm.SEEDS[period]))
    assert_same_totals(roll_up(run.blocks, defs.framework), expected)


@pytest.mark.parametrize("period", PERIODS)
def test_committed_files_not_written_by_libreoffice_are_the_generators_bytes(
    period: str, tmp_path: Path
) -> None:
    truth = sm.make_ground_truth(period, sm.SEEDS[period])
    for layout in sorted(set(sm.LAYOUTS) - sm.LIBREOFFICE_LAYOUTS):
        for path in sm.write_layout(truth, layout, tmp_path):
            committed = WORKSPACE / "inbox" / period / path.name
            assert committed.read_bytes() == path.read_bytes(), path.name


def test_committed_flawed_submission_is_the_generators(tmp_path: Path) -> None:
    truth = sm.make_ground_truth(FLAWED_PERIOD, sm.SEEDS[FLAWED_PERIOD], sites=(FLAWED_SITE,))
    fresh = sm.write_flawed(truth, tmp_path / FLAWED_FILE)
    assert (WORKSPACE / "flawed" / FLAWED_FILE).read_bytes() == fresh.read_bytes()
    committed_md = (WORKSPACE / "flawed" / "EXPECTED.md").read_text(encoding="utf-8")
    assert committed_md == expected_markdown()


# The ground truth --------------------------------------------------------------------------


def test_ground_truth_is_reproducible_and_per_site() -> None:
    whole = sm.make_ground_truth("2026-10", 99)
    assert whole == sm.make_ground_truth("2026-10", 99)
    assert whole.only(["GDL1", "MNL1"]) == sm.make_ground_truth("2026-10", 99, ["MNL1", "GDL1"])
    assert whole != sm.make_ground_truth("2026-10", 100)


def test_ground_truth_covers_every_day_and_registered_queue() -> None:
    truth = sm.make_ground_truth("2026-09", 5)
    assert truth.sites == sm.LIVE_SITES
    for site in truth.sites:
        entry = sm.registry().site(site)
        assert entry is not None
        keys = [(r.day, r.queue) for r in truth.rows(site)]
        assert keys == [(d, q) for d in truth.days for q in entry.queues]


def test_headcount_carries_over_from_one_month_to_the_next() -> None:
    september = sm.make_ground_truth("2026-09", sm.SEEDS["2026-09"])
    october = sm.make_ground_truth("2026-10", sm.SEEDS["2026-10"])
    for site in sm.LIVE_SITES:
        assert (
            october.monthly[site].values["hc_start"] == (september.monthly[site].values["hc_end"])
        )


def test_sites_differ_so_that_weighting_matters() -> None:
    truth = sm.make_ground_truth("2026-10", sm.SEEDS["2026-10"])
    total = sm.expected_harmonised(truth)

    def ratio(site: str, part: str, whole: str) -> float:
        return total[site][part] / total[site][whole]

    slas = [ratio(s, "items_within_sla", "items_sla_eligible") for s in truth.sites]
    weighted = sum(total[s]["items_within_sla"] for s in truth.sites) / sum(
        total[s]["items_sla_eligible"] for s in truth.sites
    )
    assert sum(slas) / len(slas) - weighted > 0.02  # MNL1: most volume, lowest SLA
    assert min(slas) == ratio("MNL1", "items_within_sla", "items_sla_eligible")
    audits = {s: total[s]["qa_audited"] for s in truth.sites}
    assert audits["GDL1"] < 100 <= min(v for s, v in audits.items() if s != "GDL1")
    ahts = [ratio(s, "handle_seconds", "items_handled") for s in truth.sites]
    assert max(ahts) - min(ahts) > 200


def test_acme_reads_back_the_rounded_sla_percentage() -> None:
    assert sm.acme_sla_percent(1201, 1234) == Decimal("97.33")
    assert sm.acme_within_sla_readback(1201, 1234) == pytest.approx(1201.0522, abs=1e-9)
    assert sm.acme_within_sla_readback(500, 500) == 500


# Each layout, a known answer -----------------------------------------------------------------

LAYOUT_CASES = [
    pytest.param(sm.ACME, ("MNL1",), id="acme-xlsx"),
    pytest.param(sm.TELEWORKS, ("KUL1",), id="teleworks-csv"),
    pytest.param(sm.LATAM_CX, ("GDL1",), id="latam_cx-xls", marks=pytest.mark.slow),
    pytest.param(sm.INHOUSE, ("DUB1",), id="inhouse-xlsx", marks=pytest.mark.slow),
    pytest.param(sm.INHOUSE, ("AUS1",), id="inhouse-ods", marks=pytest.mark.slow),
    pytest.param(sm.HR, ("DUB1", "MNL1", "BOG1"), id="hr-xlsx"),
    pytest.param(sm.FINANCE, ("LIS1", "HYD1", "GDL1"), id="finance-xlsx"),
    pytest.param(sm.COMPLIANCE, ("KUL1", "AUS1"), id="compliance-csv"),
]


def _layout_quirks(layout: str, path: Path) -> None:
    """The file really is written the way the vendor writes it."""
    data = path.read_bytes()
    if layout == sm.ACME:
        with zipfile.ZipFile(path) as book:
            sheet = book.read("xl/worksheets/sheet1.xml")
        assert re.search(rb'<mergeCell ref="B1:AB1"\s*/>', sheet)
        assert b'r="B4"' in sheet and b'r="A4"' not in sheet
    elif layout == sm.TELEWORKS:
        text = data.decode("cp1252")
        assert "Tempo médio (min)" in text and "\r\n" in text
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert ";" in text.splitlines()[1] and "/10/2026" in text
    elif layout == sm.LATAM_CX:
        assert data[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE2 compound file
    elif layout == sm.INHOUSE:
        with zipfile.ZipFile(path) as book:
            meta = book.read("meta.xml" if path.suffix == ".ods" else "docProps/app.xml")
        assert b"LibreOffice" in meta


@pytest.mark.parametrize(("layout", "sites"), LAYOUT_CASES)
def test_layout_reads_back_its_known_answer(
    layout: str, sites: tuple[str, ...], tmp_path: Path, defs: Definitions
) -> None:
    truth = sm.make_ground_truth("2026-10", 4242, sites)
    files = sm.write_layout(truth, layout, tmp_path)
    assert [p.name for p in files] == (
        [sm.file_name(layout, truth.period, s) for s in sites]
        if layout in sm.OPS_LAYOUTS
        else [sm.file_name(layout, truth.period)]
    )
    _layout_quirks(layout, files[0])
    run = validate(defs, period=truth.period, files=files)
    assert not problems(run.issues)
    assert set(run.profiles.values()) == {PROFILE_OF_LAYOUT[layout]}
    expected = sm.expected_harmonised(truth, layouts=[layout])
    assert_same_totals(roll_up(run.blocks, defs.framework), expected)


# The flawed submission -----------------------------------------------------------------------


def test_flawed_submission_reports_each_planted_defect_at_its_cell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    result = invoke(
        [
            "validate",
            f"sample_data/flawed/{FLAWED_FILE}",
            "--workspace",
            "sample_data",
            "--format",
            "json",
        ],
        code=1,
    )
    issues = json.loads(result.stdout)["issues"]
    found = [(i["code"], i["sheet"], i["cell"]) for i in issues]
    assert sorted(found, key=str) == sorted(EXPECTED_FINDINGS, key=str)
    assert {i["file"] for i in issues} == {
        f"flawed/{FLAWED_FILE}"
    }  # named relative to the workspace
    assert len(DEFECTS) == 10


# Regressions ---------------------------------------------------------------------------------


def test_per_item_column_without_its_base_column_is_not_taken_as_a_total(
    tmp_path: Path, defs: Definitions
) -> None:
    truth = sm.make_ground_truth("2026-10", 1, ("HYD1",))
    book = sm.acme_workbook(truth, "HYD1")
    sheet = book[sm.ACME_SHEET]
    assert sheet["E4"].value == "Items Handled"
    sheet["E4"] = "Handled Items (#)"  # the base of "AHT (mm:ss)" (per: items_handled)
    path = sm.save_workbook(book, tmp_path / "HYD1_ops_2026-10.xlsx", dt.datetime(2026, 11, 1))
    run = validate(defs, files=[path])
    (block,) = run.blocks
    handle = block.measures.get("handle_seconds")
    # Handle time cannot be known without the handled counts: it must not hold 336 (s per item).
    assert handle is None or bool(np.isnan(handle).all()), handle[:3]
    # Nor may checks on it fire: exposure (hours a day) is not above handle time.
    assert [i.code for i in run.issues if i.code == "V310"] == []
