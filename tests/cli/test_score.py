"""Known answers for `opsgov score` on the sample workspace.

Every expected value comes from the generated ground truth (`tests.support.sample_month`),
rolled up, converted, evaluated, rated and scored independently in
`tests.support.expected_score`; nothing is copied from opsgov's output.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils.cell import coordinate_from_string
from typer.testing import Result

from opsgov.issues import Severity, spec
from opsgov.models.results import KpiResult, ScopeResult, Scorecard
from tests.conftest import invoke
from tests.support import expected_score as es
from tests.support import sample_month as sm
from tests.support.flawed_expected import (
    DEFECTS,
    DUPLICATED_ROW,
    EXPECTED_FINDINGS,
    FLAWED_FILE,
    FLAWED_SITE,
)

PERIOD = "2026-10"
BEFORE = "2026-09"
WORKSPACE = sm.SAMPLE_WORKSPACE
REL = 1e-9


def approx(value: float) -> Any:
    return pytest.approx(value, rel=REL, abs=1e-12)


def run_score(workspace: Path, out: Path, *extra: str, code: int = 0) -> Result:
    return invoke(
        [
            "score",
            "--period",
            PERIOD,
            "--workspace",
            str(workspace),
            "--out",
            str(out),
            "--no-history",
            *extra,
        ],  # the repository's sample workspace is never written to
        code=code,
    )


def load_card(folder: Path) -> Scorecard:
    data = json.loads((folder / "scorecard.json").read_text(encoding="utf-8"))
    return Scorecard.model_validate(data)


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> Scorecard:
    out = tmp_path_factory.mktemp("scorecard")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", "120")
        mp.setenv("NO_COLOR", "1")
        run_score(WORKSPACE, out)
    return load_card(out)


@pytest.fixture(scope="module")
def expected() -> dict[es.ScopeKey, es.ExpectedScope]:
    return es.expected_card(PERIOD)


@pytest.fixture(scope="module")
def expected_before() -> dict[es.ScopeKey, es.ExpectedScope]:
    return es.expected_card(BEFORE)


@pytest.fixture(scope="module")
def truth() -> sm.GroundTruth:
    return sm.make_ground_truth(PERIOD, sm.SEEDS[PERIOD])


def scope(card: Scorecard, level: str, scope_id: str, queue: str | None = None) -> ScopeResult:
    found = card.scope(level, scope_id, queue)  # type: ignore[arg-type]
    assert found is not None, (level, scope_id, queue)
    return found


def kpi(card: Scorecard, level: str, scope_id: str, kpi_id: str) -> KpiResult:
    found = scope(card, level, scope_id).kpi(kpi_id)
    assert found is not None, (level, scope_id, kpi_id)
    return found


def members(level: str, scope_id: str) -> list[str]:
    """Live sites of a vendor or region (registry order)."""
    return [
        s.id
        for s in sm.registry().sites
        if s.id in sm.LIVE_SITES and (level == "global" or getattr(s, level) == scope_id)
    ]


def test_the_formulas_written_out_here_are_the_frameworks() -> None:
    framework = {k.id: k.formula for k in sm.framework().kpis}
    assert framework == {kid: f.text for kid, f in es.FORMULAS.items()}


def test_scorecard_header(card: Scorecard) -> None:
    assert card.period == PERIOD
    assert card.previous_period == BEFORE
    assert card.reporting_currency == es.REPORTING_CURRENCY
    assert card.scoring_method == "linear"
    assert card.invalid_rows_excluded == 0
    assert card.findings.get("error") == 0


def test_site_roll_up_matches_the_harmonised_ground_truth(truth: sm.GroundTruth) -> None:
    """The roll-up written here agrees with the generator's own (money aside)."""
    harmonised = sm.expected_harmonised(truth)
    for site in truth.sites:
        mine = es.site_measures(truth, site)
        rate = es.fx_rates(PERIOD)[truth.monthly[site].currency]
        theirs = {m: v * rate if m == "cost_total" else v for m, v in harmonised[site].items()}
        assert mine == pytest.approx(theirs, rel=REL), site


# 1. Ratio of sums, never an average of site ratios --------------------------------------------


@pytest.mark.parametrize(
    ("kpi_id", "numerator", "denominator", "margin"),
    [
        ("sla_attain", "items_within_sla", "items_sla_eligible", 0.02),
        ("aht", "handle_seconds", "items_handled", 20.0),
    ],
)
def test_global_ratio_is_the_ratio_of_sums_not_the_mean_of_site_ratios(
    card: Scorecard,
    truth: sm.GroundTruth,
    kpi_id: str,
    numerator: str,
    denominator: str,
    margin: float,
) -> None:
    sites = {s: es.site_measures(truth, s) for s in truth.sites}
    ratio_of_sums = sum(m[numerator] for m in sites.values()) / sum(
        m[denominator] for m in sites.values()
    )
    mean_of_ratios = sum(m[numerator] / m[denominator] for m in sites.values()) / len(sites)
    assert abs(mean_of_ratios - ratio_of_sums) > margin  # the data tells the two apart
    got = kpi(card, "global", "global", kpi_id).value
    assert got == approx(ratio_of_sums)
    assert got is not None and abs(got - mean_of_ratios) > margin
    # The site values opsgov shows are the site ratios, and averaging them is not the answer.
    shown = [kpi(card, "site", s, kpi_id).value for s in truth.sites]
    assert shown == [approx(m[numerator] / m[denominator]) for m in sites.values()]


def test_vendor_and_region_ratios_are_ratios_of_sums(
    card: Scorecard, truth: sm.GroundTruth
) -> None:
    for level, scope_id in [("vendor", "acme_bpo"), ("region", "APAC"), ("vendor", "inhouse")]:
        parts = [es.site_measures(truth, s) for s in members(level, scope_id)]
        within = sum(p["items_within_sla"] for p in parts)
        eligible = sum(p["items_sla_eligible"] for p in parts)
        got = kpi(card, level, scope_id, "sla_attain").value
        assert got == approx(within / eligible), scope_id
        mean = sum(p["items_within_sla"] / p["items_sla_eligible"] for p in parts) / len(parts)
        assert got != approx(mean), scope_id


# 2. Currency conversion before summing --------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "scope_id"),
    [("vendor", "teleworks"), ("vendor", "latam_cx"), ("vendor", "acme_bpo"), ("global", "global")],
)
def test_cost_per_case_converts_each_site_at_its_rate_before_summing(
    card: Scorecard, truth: sm.GroundTruth, level: str, scope_id: str
) -> None:
    rates = es.fx_rates(PERIOD)
    sites = members(level, scope_id)
    local = {s: float(truth.monthly[s].cost_total) for s in sites}
    rate = {s: rates[truth.monthly[s].currency] for s in sites}
    handled = sum(sum(r.values["items_handled"] for r in truth.rows(s)) for s in sites)
    converted = sum(local[s] * rate[s] for s in sites)
    unconverted = sum(local.values())
    got = kpi(card, level, scope_id, "cost_per_case").value
    assert got == approx(converted / handled)
    assert got is not None and abs(got - unconverted / handled) > 0.5 * got
    assert scope(card, level, scope_id).measures["cost_total"] == approx(converted)
    if len({truth.monthly[s].currency for s in sites}) > 1:
        # Converting the sum at any one site's rate is also wrong.
        for s in sites:
            assert got != approx(unconverted * rate[s] / handled)


def test_lineage_records_each_sites_currency_and_rate(
    card: Scorecard, truth: sm.GroundTruth
) -> None:
    rates = es.fx_rates(PERIOD)
    costs = {x.site: x for x in card.lineage if x.measure == "cost_total"}
    assert sorted(costs) == sorted(truth.sites)
    for site in truth.sites:
        currency = truth.monthly[site].currency
        assert costs[site].currency == currency
        assert costs[site].fx_rate == approx(rates[currency])


# 3. Minimum sample ----------------------------------------------------------------------------


def test_site_under_its_minimum_sample_is_insufficient_while_its_vendor_is_rated(
    card: Scorecard, expected: dict[es.ScopeKey, es.ExpectedScope], truth: sm.GroundTruth
) -> None:
    audited = sum(r.values["qa_audited"] for r in truth.rows("GDL1"))
    assert audited < 100
    for kpi_id in ("qa_accuracy", "critical_error_rate"):
        gdl1 = kpi(card, "site", "GDL1", kpi_id)
        assert gdl1.status == "insufficient_data"
        assert gdl1.score is None
        assert gdl1.sample == approx(audited)
        assert gdl1.target.min_sample == 100
    correct = sum(r.values["qa_correct"] for r in truth.rows("GDL1"))
    assert kpi(card, "site", "GDL1", "qa_accuracy").value == approx(correct / audited)
    for level, scope_id in [("vendor", "latam_cx"), ("region", "LATAM")]:
        result = kpi(card, level, scope_id, "qa_accuracy")
        want = expected[level, scope_id, None].kpis["qa_accuracy"]
        assert result.sample is not None and result.sample >= 100
        assert result.status in es.RATED
        assert result.status == want.status
        assert want.score is not None and result.score == approx(want.score)
    # GDL1's quality category has no scored KPI at all (no appeals either): it drops out of the
    # composite, which is reweighted over the other categories.
    quality = next(c for c in scope(card, "site", "GDL1").categories if c.category == "quality")
    assert quality.score is None and quality.coverage == 0
    want_gdl1 = expected["site", "GDL1", None]
    assert want_gdl1.composite is not None
    assert scope(card, "site", "GDL1").composite == approx(want_gdl1.composite)
    assert scope(card, "site", "GDL1").coverage == approx(0.75)


# 4. Overrides ---------------------------------------------------------------------------------


def test_vendor_override_sets_acme_sla_target_and_thresholds(
    card: Scorecard, expected: dict[es.ScopeKey, es.ExpectedScope]
) -> None:
    framework_sla = next(k for k in sm.framework().kpis if k.id == "sla_attain")
    for level, scope_id in [("site", "MNL1"), ("site", "HYD1"), ("vendor", "acme_bpo")]:
        result = kpi(card, level, scope_id, "sla_attain")
        t = result.target
        assert (t.target, t.green, t.amber, t.floor) == (0.92, 0.92, 0.88, 0.88)
        assert t.source == "vendor acme_bpo (workspace)"
        assert "Acme master services agreement" in t.reason
        assert result.value is not None
        want = "green" if result.value >= 0.92 else "amber" if result.value >= 0.88 else "red"
        assert result.status == want == expected[level, scope_id, None].kpis["sla_attain"].status
        points = expected[level, scope_id, None].kpis["sla_attain"].score
        assert points is not None and result.score == approx(points)
    # HYD1 is where the override matters: green under the contract, amber by the framework.
    hyd1 = kpi(card, "site", "HYD1", "sla_attain")
    assert hyd1.value is not None and 0.92 <= hyd1.value < 0.95
    assert hyd1.status == "green" and hyd1.score == 100
    plain = es.target_for(framework_sla, es.Where("APAC", "acme_bpo", "HYD1"), overrides=())
    assert es.rag("higher_is_better", hyd1.value, plain, None) == "amber"
    # Everyone else (and APAC, which is not a vendor) keeps the framework's 0.95 / 0.90.
    others = [("site", s) for s in sm.LIVE_SITES if s not in {"MNL1", "HYD1"}]
    others += [("vendor", v) for v in ("inhouse", "teleworks", "latam_cx")]
    others += [("region", "APAC"), ("global", "global")]
    for level, scope_id in others:
        result = kpi(card, level, scope_id, "sla_attain")
        t = result.target
        assert (t.target, t.green, t.amber, t.source) == (0.95, 0.95, 0.9, "framework"), scope_id
        assert result.status == expected[level, scope_id, None].kpis["sla_attain"].status


def test_site_override_sets_dublin_aht(
    card: Scorecard, expected: dict[es.ScopeKey, es.ExpectedScope]
) -> None:
    dub1 = kpi(card, "site", "DUB1", "aht")
    assert (dub1.target.target, dub1.target.green, dub1.target.amber) == (540, 540, 720)
    assert dub1.target.source == "site DUB1 (workspace)"
    want = expected["site", "DUB1", None].kpis["aht"]
    assert want.value is not None and dub1.value == approx(want.value)
    assert 480 < want.value <= 540  # red by the framework's 420 / 480, green by the override
    assert dub1.status == "green" and dub1.score == 100
    for level, scope_id in [("site", "AUS1"), ("vendor", "inhouse"), ("region", "EMEA")]:
        result = kpi(card, level, scope_id, "aht")
        t = result.target
        assert (t.target, t.green, t.amber, t.floor, t.source) == (
            420,
            420,
            480,
            600,
            "framework",
        )
        assert result.status == expected[level, scope_id, None].kpis["aht"].status
        points = expected[level, scope_id, None].kpis["aht"].score
        assert points is not None and result.score == approx(points)


# 5. Snapshots ---------------------------------------------------------------------------------


@pytest.mark.parametrize("site", ["DUB1", "MNL1", "AUS1", "KUL1"])
def test_site_backlog_is_the_last_days_total_across_queues(
    card: Scorecard, truth: sm.GroundTruth, site: str
) -> None:
    last = [r for r in truth.rows(site) if r.day == truth.last_day]
    end = sum(r.values["backlog_open_end"] for r in last)
    over_days = sum(r.values["backlog_open_end"] for r in truth.rows(site))
    got = kpi(card, "site", site, "backlog_open").value
    assert got == approx(end)
    assert got != approx(over_days)
    age = sum(r.values["backlog_age_seconds_sum_end"] for r in last)
    assert kpi(card, "site", site, "backlog_age_avg").value == approx(age / end / 3600)


@pytest.mark.parametrize(("level", "scope_id"), [("vendor", "acme_bpo"), ("vendor", "inhouse")])
def test_vendor_backlog_is_the_sum_of_its_sites_snapshots(
    card: Scorecard, truth: sm.GroundTruth, level: str, scope_id: str
) -> None:
    sites = members(level, scope_id)
    ends = [
        sum(r.values["backlog_open_end"] for r in truth.rows(s) if r.day == truth.last_day)
        for s in sites
    ]
    over_days = sum(r.values["backlog_open_end"] for s in sites for r in truth.rows(s))
    got = kpi(card, level, scope_id, "backlog_open").value
    assert got == approx(sum(ends))
    assert got is not None and got < over_days / 10
    assert got == approx(sum(kpi(card, "site", s, "backlog_open").value or 0 for s in sites))


def test_headcount_snapshots_add_across_sites(card: Scorecard, truth: sm.GroundTruth) -> None:
    for measure in ("hc_end", "hc_avg", "hc_start"):
        total = sum(truth.monthly[s].values[measure] for s in truth.sites)
        assert scope(card, "global", "global").measures[measure] == approx(total)


# 6. Every KPI value at every scope ------------------------------------------------------------


def test_the_scorecard_has_exactly_the_expected_scopes(
    card: Scorecard, expected: dict[es.ScopeKey, es.ExpectedScope]
) -> None:
    got = [(s.level, s.id, s.queue) for s in card.scopes]
    assert len(got) == len(set(got))
    assert sorted(got, key=str) == sorted(expected, key=str)
    for key, want in expected.items():
        assert scope(card, *key).sites == want.sites, key


def test_every_kpi_value_at_every_scope(
    card: Scorecard, expected: dict[es.ScopeKey, es.ExpectedScope]
) -> None:
    wrong: list[str] = []
    checked = 0
    for key, want in expected.items():
        got = scope(card, *key)
        for kpi_id, w in want.kpis.items():
            result = got.kpi(kpi_id)
            assert result is not None, (key, kpi_id)
            if w.value is None:
                ok = result.value is None
            else:
                ok = result.value is not None and result.value == approx(w.value)
            if not ok:
                wrong.append(f"{key} {kpi_id}: got {result.value}, expected {w.value}")
            checked += 1
    assert not wrong, "\n".join(wrong)
    assert checked == len(expected) * len(es.FORMULAS)


def test_every_rolled_up_measure_at_every_scope(
    card: Scorecard, expected: dict[es.ScopeKey, es.ExpectedScope]
) -> None:
    wrong: list[str] = []
    for key, want in expected.items():
        got = scope(card, *key).measures
        for measure_id, value in got.items():
            mine = want.measures.get(measure_id)
            if (mine is None) != (value is None) or (mine is not None and value != approx(mine)):
                wrong.append(f"{key} {measure_id}: got {value}, expected {mine}")
        assert set(want.measures) <= set(got), key
    assert not wrong, "\n".join(wrong)


def test_partly_reported_measures_leave_non_reporting_sites_out(
    card: Scorecard, truth: sm.GroundTruth
) -> None:
    """automation_share and appeal_overturn: only sites that report the numerator count."""
    inhouse = [es.site_measures(truth, s) for s in ("DUB1", "AUS1")]
    auto = sum(m["items_auto_actioned"] for m in inhouse)
    handled_inhouse = sum(m["items_handled"] for m in inhouse)
    handled_all = sum(es.site_measures(truth, s)["items_handled"] for s in truth.sites)
    share = kpi(card, "global", "global", "automation_share").value
    assert share == approx(auto / (auto + handled_inhouse))
    assert share != approx(auto / (auto + handled_all))
    for s in truth.sites:
        if s not in {"DUB1", "AUS1"}:
            result = kpi(card, "site", s, "automation_share")
            assert result.value is None and result.status == "not_reported"
    appealing = [s for s in truth.sites if sm.SITE_LAYOUT[s] in {sm.ACME, sm.INHOUSE}]
    parts = [es.site_measures(truth, s) for s in appealing]
    overturned = sum(p["appeals_overturned"] for p in parts)
    decided = sum(p["appeals_decided"] for p in parts)
    assert kpi(card, "global", "global", "appeal_overturn").value == approx(overturned / decided)
    assert kpi(card, "region", "LATAM", "appeal_overturn").status == "not_reported"
    # exposure_max_day is the worst single day among the sites that report it.
    worst = max(
        r.values["sensitive_exposure_max_day_seconds"]
        for s in truth.sites
        if "sensitive_exposure_max_day_seconds" in sm.LAYOUT_MEASURES[sm.SITE_LAYOUT[s]]
        for r in truth.rows(s)
    )
    assert kpi(card, "global", "global", "exposure_max_day").value == approx(worst / 3600)


# 7. Targets, statuses, scores, categories, composites, ranks ----------------------------------


def test_targets_statuses_and_scores_at_every_scope(
    card: Scorecard, expected: dict[es.ScopeKey, es.ExpectedScope]
) -> None:
    wrong: list[str] = []
    for key, want in expected.items():
        got = scope(card, *key)
        for kpi_id, w in want.kpis.items():
            result = got.kpi(kpi_id)
            assert result is not None
            t = result.target
            shown = (t.target, t.green, t.amber, t.band_green, t.band_amber, t.floor)
            mine = (
                w.target.target,
                w.target.green,
                w.target.amber,
                w.target.band_green,
                w.target.band_amber,
                w.target.floor,
            )
            if shown != mine or t.min_sample != w.target.min_sample or t.source != w.target.source:
                wrong.append(f"{key} {kpi_id} target: got {t}, expected {w.target}")
            if result.status != w.status:
                wrong.append(f"{key} {kpi_id} status: got {result.status}, expected {w.status}")
            if (w.score is None) != (result.score is None) or (
                w.score is not None and result.score != approx(w.score)
            ):
                wrong.append(f"{key} {kpi_id} score: got {result.score}, expected {w.score}")
            if (w.sample is None) != (result.sample is None) or (
                w.sample is not None and result.sample != approx(w.sample)
            ):
                wrong.append(f"{key} {kpi_id} sample: got {result.sample}, expected {w.sample}")
    assert not wrong, "\n".join(wrong)


def test_category_scores_composites_and_statuses(
    card: Scorecard, expected: dict[es.ScopeKey, es.ExpectedScope]
) -> None:
    wrong: list[str] = []
    for key, want in expected.items():
        if key[2] is not None:
            continue  # queues: see below
        got = scope(card, *key)
        for category in got.categories:
            mine, coverage = want.categories[category.category]
            if (mine is None) != (category.score is None) or (
                mine is not None and category.score != approx(mine)
            ):
                wrong.append(f"{key} {category.category}: got {category.score}, expected {mine}")
            if category.coverage != approx(coverage):
                wrong.append(f"{key} {category.category} coverage: {category.coverage}")
        assert [c.category for c in got.categories] == list(want.categories)
        if want.composite is None or got.composite != approx(want.composite):
            wrong.append(f"{key} composite: got {got.composite}, expected {want.composite}")
        if got.coverage != approx(want.coverage) or got.status != want.status:
            wrong.append(f"{key}: got {got.coverage} {got.status}, expected {want.status}")
    assert not wrong, "\n".join(wrong)


def test_queue_scopes_score_like_any_other(
    card: Scorecard, expected: dict[es.ScopeKey, es.ExpectedScope]
) -> None:
    queues = {k: v for k, v in expected.items() if k[2] is not None}
    assert queues
    for key, want in queues.items():
        got = scope(card, *key)
        assert got.composite == (None if want.composite is None else approx(want.composite)), key
        assert got.status == want.status, key


@pytest.mark.parametrize("level", ["site", "vendor", "region"])
def test_ranks(card: Scorecard, expected: dict[es.ScopeKey, es.ExpectedScope], level: str) -> None:
    mine = {k[1]: v.rank for k, v in expected.items() if k[0] == level and k[2] is None}
    got = {s.id: s.rank for s in card.scopes if s.level == level and s.queue is None}
    assert got == mine
    assert sorted(r for r in got.values() if r is not None) == list(range(1, len(got) + 1))


def test_composite_is_recomputed_from_rolled_up_kpis_not_averaged(
    card: Scorecard, expected: dict[es.ScopeKey, es.ExpectedScope]
) -> None:
    acme = scope(card, "vendor", "acme_bpo")
    want = expected["vendor", "acme_bpo", None].composite
    assert want is not None and acme.composite == approx(want)
    site_mean = sum(scope(card, "site", s).composite or 0 for s in ("MNL1", "HYD1")) / 2
    assert abs(want - site_mean) > 1


def test_linear_score_examples(card: Scorecard, truth: sm.GroundTruth) -> None:
    """Spelled out for two KPIs: a floor of its own (aht) and a band (utilisation)."""
    aus1 = es.site_measures(truth, "AUS1")
    aht = aus1["handle_seconds"] / aus1["items_handled"]
    assert 480 < aht < 600  # red, but above the floor
    result = kpi(card, "site", "AUS1", "aht")
    assert result.status == "red"
    assert result.score == approx(100 * (aht - 600) / (420 - 600))
    for site in sm.LIVE_SITES:
        m = es.site_measures(truth, site)
        value = m["logged_in_seconds"] / m["paid_seconds"]
        if 0.79 <= value <= 0.86:
            want = 100.0
        elif value < 0.79:
            want = 100 * max(0.0, (value - 0.72) / (0.79 - 0.72))
        else:
            want = 100 * max(0.0, (0.9 - value) / (0.9 - 0.86))
        assert kpi(card, "site", site, "utilisation").score == approx(want), site


# 8. Change against the previous period ---------------------------------------------------------


@pytest.mark.parametrize("kpi_id", ["aht", "sla_attain", "cost_per_case", "backlog_open"])
@pytest.mark.parametrize(
    ("level", "scope_id"),
    [("site", "DUB1"), ("site", "MNL1"), ("vendor", "latam_cx"), ("global", "global")],
)
def test_previous_and_change(
    card: Scorecard,
    expected: dict[es.ScopeKey, es.ExpectedScope],
    expected_before: dict[es.ScopeKey, es.ExpectedScope],
    kpi_id: str,
    level: str,
    scope_id: str,
) -> None:
    now = expected[level, scope_id, None].kpis[kpi_id].value
    before = expected_before[level, scope_id, None].kpis[kpi_id].value
    assert now is not None and before is not None
    result = kpi(card, level, scope_id, kpi_id)
    assert result.previous == approx(before)
    assert result.change == approx(now - before)


def test_previous_cost_is_converted_at_the_previous_periods_rates(card: Scorecard) -> None:
    truth = sm.make_ground_truth(BEFORE, sm.SEEDS[BEFORE])
    sites = members("vendor", "latam_cx")
    handled = sum(sum(r.values["items_handled"] for r in truth.rows(s)) for s in sites)

    def cost(period: str) -> float:
        rates = es.fx_rates(period)
        return sum(
            float(truth.monthly[s].cost_total) * rates[truth.monthly[s].currency] for s in sites
        )

    result = kpi(card, "vendor", "latam_cx", "cost_per_case")
    assert result.previous == approx(cost(BEFORE) / handled)
    assert result.previous != approx(cost(PERIOD) / handled)


def test_previous_composites(
    card: Scorecard, expected_before: dict[es.ScopeKey, es.ExpectedScope]
) -> None:
    for s in card.scopes:
        want = expected_before[s.level, s.id, s.queue].composite
        assert want is not None
        assert s.previous_composite == approx(want), (s.level, s.id, s.queue)


# 9. --allow-invalid ---------------------------------------------------------------------------


def _flawed_workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "workspace"

    def skip_outputs(folder: str, names: list[str]) -> list[str]:
        return ["out"] if Path(folder) == WORKSPACE else []

    shutil.copytree(WORKSPACE, workspace, ignore=skip_outputs)
    shutil.copyfile(WORKSPACE / "flawed" / FLAWED_FILE, workspace / "inbox" / PERIOD / FLAWED_FILE)
    return workspace


def _error_rows() -> set[int]:
    """Data rows of the flawed sheet with an error finding (the header is row 4)."""
    rows: set[int] = set()
    for defect in DEFECTS:
        for code, cell in defect.findings:
            if cell is None or spec(code).severity != Severity.ERROR:
                continue
            row = coordinate_from_string(cell)[1]
            if row > sm.ACME_HEADER_ROW:
                rows.add(row)
    return rows


def _day_of_row(row: int) -> int | None:
    """Day of October on a data row of the flawed sheet (None for the repeated row)."""
    if row == DUPLICATED_ROW + 1:
        return None
    return row - sm.ACME_HEADER_ROW - (1 if row > DUPLICATED_ROW else 0)


def test_allow_invalid_leaves_rows_with_errors_out_and_says_so(
    tmp_path: Path, truth: sm.GroundTruth
) -> None:
    workspace = _flawed_workspace(tmp_path)
    refused = run_score(workspace, tmp_path / "refused", code=1)
    said = refused.stdout + refused.stderr
    assert "--allow-invalid" in said
    errors = {code for code, _, _ in EXPECTED_FINDINGS if spec(code).severity == Severity.ERROR}
    for code in errors:
        assert code in said, code
    assert not (tmp_path / "refused" / "scorecard.json").exists()

    out = tmp_path / "scored"
    result = run_score(workspace, out, "--allow-invalid")
    rows = _error_rows()
    assert len(rows) == 9
    flawed = load_card(out)
    assert flawed.invalid_rows_excluded == len(rows)
    assert flawed.findings["error"] > 0
    assert f"{len(rows)} rows with errors were left out" in result.stdout
    markdown = (out / "scorecard.md").read_text(encoding="utf-8")
    top = markdown.split("\n## ", 1)[0]
    assert f"{len(rows)} rows with errors were left out" in top
    assert "--allow-invalid" in top

    # HYD1 is scored from the rows that remain; it has no items_received column at all.
    days = {d for d in (_day_of_row(r) for r in rows) if d is not None}
    skipped = {sm.period_days(PERIOD)[d - 1] for d in days}
    assert len(skipped) == len(rows) - 1  # the repeated row leaves its original in
    hyd1 = es.site_measures(truth, FLAWED_SITE, skip_days=skipped, without={"items_received"})
    want = es.expected_card(PERIOD, truth=truth, site_parts={FLAWED_SITE: hyd1})
    for key in [("site", "HYD1", None), ("vendor", "acme_bpo", None), ("global", "global", None)]:
        got = scope(flawed, *key)
        for kpi_id in ("aht", "sla_attain", "backlog_open", "qa_accuracy", "vol_received"):
            w = want[key].kpis[kpi_id].value
            value = got.kpi(kpi_id)
            assert value is not None
            assert value.value == (None if w is None else approx(w)), (key, kpi_id)
    assert kpi(flawed, "site", "HYD1", "vol_received").status == "no_data"
    mnl1_received = sum(r.values["items_received"] for r in truth.rows("MNL1"))
    assert kpi(flawed, "vendor", "acme_bpo", "vol_received").value == approx(mnl1_received)


# 10. Reproducible outputs ---------------------------------------------------------------------


def test_outputs_are_byte_identical_across_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    run_score(WORKSPACE, first, "--report-date", "2026-11-05")
    run_score(WORKSPACE, second, "--report-date", "2026-11-05")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {"scorecard.json", "scorecard.md"} <= set(names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert load_card(first).report_date == "2026-11-05"
    assert "2026-11-05" in (first / "scorecard.md").read_text(encoding="utf-8")
