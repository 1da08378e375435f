"""The capacity plan on small cases worked by hand: requirements, gaps and hire-by dates,
a two-site N-1 scenario, single points of failure and split costs."""

from __future__ import annotations

import datetime as dt

import pytest

from opsgov.capacity.build import build_plan
from opsgov.capacity.erlang import erlang_a_required, erlang_a_result
from opsgov.capacity.inputs import CapacityInputs
from opsgov.models.capacity import CapacitySettings
from opsgov.models.registry import Registry

MONTHS = ["2026-08", "2026-09", "2026-10"]  # history; the plan starts 2026-11 (30 days)


def registry(a_languages: list[str], queue: str = "general") -> Registry:
    def site(sid: str, vendor: str, languages: list[str]) -> dict[str, object]:
        return {
            "id": sid, "name": sid, "vendor": vendor, "region": "EMEA", "country": "IE",
            "currency": "EUR", "timezone": "Europe/Dublin", "queues": [queue],
            "languages": languages, "status": "live", "go_live": dt.date(2020, 1, 1),
        }  # fmt: skip

    return Registry.model_validate(
        {
            "kind": "registry",
            "regions": [{"id": "EMEA", "name": "EMEA"}],
            "vendors": [
                {"id": "va", "name": "Vendor A", "type": "bpo"},
                {"id": "vb", "name": "Vendor B", "type": "bpo"},
            ],
            "sites": [site("A", "va", a_languages), site("B", "vb", ["en"])],
        },
        strict=False,
    )


def inputs(
    volumes: dict[str, float], heads: dict[str, float], aht: float, queue: str = "general"
) -> CapacityInputs:
    data = CapacityInputs(list(MONTHS))
    for site, volume in volumes.items():
        data.measures[(site, queue)] = {
            p: {"items_received": volume, "handle_seconds": volume * aht, "items_handled": volume}
            for p in MONTHS
        }
        data.measures[(site, "")] = {p: {"hc_end": heads[site]} for p in MONTHS}
    return data


# 160 paid hours, occupancy 100 %, no shrinkage: 1 FTE handles 160 h = 1,600 items of 360 s
SIMPLE = {"hours_per_fte": 160, "occupancy_target": 1.0, "max_occupancy": 1.0, "shrinkage": 0.0}


def test_two_site_loss_worked_by_hand() -> None:
    # A: 16,000 items (75 % en, 25 % de) = 10 FTE, headcount 10. B: 8,000 en = 5 FTE, headcount
    # 10, so 5 FTE of headroom.
    settings = CapacitySettings.model_validate(
        {**SIMPLE, "sites": {"A": {"language_mix": {"general": {"en": 0.75, "de": 0.25}}}}}
    )
    plan = build_plan(
        inputs({"A": 16_000, "B": 8_000}, {"A": 10, "B": 10}, 360.0),
        settings,
        registry(["en", "de"]),
        "test",
    )
    assert plan.periods[0] == "2026-11"
    fte = {(s.site, s.language): s.months[0].fte for s in plan.streams}
    assert fte == pytest.approx({("A", "en"): 7.5, ("A", "de"): 2.5, ("B", "en"): 5.0})
    cells = {(c.lost_site, c.language): c for c in plan.resilience}
    # Lose A. en: 12,000 to move, B needs 7.5 FTE for it and has 5: it takes 8,000.
    en = cells[("A", "en")]
    assert en.receivers == ["B"]
    assert en.absorbed == pytest.approx(8_000)
    assert en.unabsorbed == pytest.approx(4_000)
    assert en.service_level == pytest.approx(16_000 / 20_000)  # 0.8 of the en pool handled
    assert en.backlog_days == pytest.approx(4_000 / (20_000 / 30))  # 6 days a month
    # de: nobody else speaks German: all 4,000 become backlog, a month's worth.
    de = cells[("A", "de")]
    assert de.receivers == [] and de.service_level == 0
    assert de.backlog_growth_month == pytest.approx(4_000)
    assert de.backlog_days == pytest.approx(30)
    # Lose B: A has no headroom; 8,000 of the 20,000 en items go unhandled.
    b = cells[("B", "en")]
    assert b.absorbed == pytest.approx(0) and b.service_level == pytest.approx(0.6)
    assert b.backlog_days == pytest.approx(12)
    # single points of failure: German only at A; English at two sites of two vendors
    spof = {(r.queue, r.language): r for r in plan.spof}
    assert spof[("general", "de")].single_site
    assert not spof[("general", "en")].single_site and not spof[("general", "en")].single_vendor
    assert {f.code for f in plan.findings} >= {"Q806", "Q807"}
    # splitting deferrable work costs only rounding: 10 + 5 = 15 = one pool of 24,000
    split = next(s for s in plan.splits if s.queue == "general")
    assert (split.pooled_fte, split.split_fte, split.lost_fte) == (15, 15, 0)
    assert all(rec.explain for rec in plan.explained())


def test_gap_hire_by_date_and_playbook() -> None:
    # A needs 10 FTE against 8 people: a gap of 2 (20 % > 5 % tolerance); the hire must be
    # productive on 2026-11-01, so hiring starts 34 + 40 days before, on 2026-08-19.
    settings = CapacitySettings.model_validate({**SIMPLE, "horizon_months": 2})
    data = inputs({"A": 16_000}, {"A": 8}, 360.0)
    plan = build_plan(data, settings, registry(["en"]), "test", as_of=dt.date(2026, 8, 1))
    site = next(s for s in plan.sites if s.site == "A" and not s.queue)
    first = site.months[0]
    assert (first.required_fte, first.headcount, first.gap, first.hires) == pytest.approx(
        (10.0, 8.0, 2.0, 2)
    )
    assert first.triggered and first.playbook == "surge_crisis_response"
    assert first.hire_by == "2026-08-19"
    codes = [f.code for f in plan.findings]
    assert "Q800" in codes and "Q801" not in codes
    # planned on 2026-09-01 instead, that date has passed
    late = build_plan(data, settings, registry(["en"]), "test", as_of=dt.date(2026, 9, 1))
    assert "Q801" in [f.code for f in late.findings]


def test_shrinkage_divides_the_requirement() -> None:
    settings = CapacitySettings.model_validate({**SIMPLE, "shrinkage": 0.3})
    plan = build_plan(inputs({"A": 16_000}, {"A": 20}, 360.0), settings, registry(["en"]), "t")
    month = plan.streams[0].months[0]
    assert month.productive_fte == pytest.approx(10.0)
    assert month.fte == pytest.approx(10 / 0.7)  # 14.29, not 10 x 1.3 = 13
    assert month.scheduled == 15


def test_overloaded_voice_queue_after_a_loss_uses_erlang_a() -> None:
    # one 30-minute interval a day; each site gets 100 calls an interval (3,000 in 30 days) of
    # 180 s, patience 300 s, 80 % in 20 s. B has no headroom, so after A is lost B's own agents
    # face 200 calls an interval.
    settings = CapacitySettings.model_validate(
        {
            **SIMPLE,
            "profile": {"minutes": 30, "open_hours": 0.5},
            "queues": {
                "calls": {
                    "channel": "voice",
                    "service_level": {"share": 0.8, "seconds": 20},
                    "patience_seconds": 300,
                }
            },
        }
    )
    own = erlang_a_required(100 / 1800, 180, 300, 20, 0.8, 1.0)
    # headcount = the FTE that staffing needs: agents x 0.5 h x 30 days / 160 h
    heads = own.agents * 0.5 * 30 / 160
    data = inputs({"A": 3000, "B": 3000}, {"A": heads, "B": heads}, 180.0, queue="calls")
    plan = build_plan(data, settings, registry(["en"], queue="calls"), "test")
    month = plan.streams[0].months[0]
    assert month.peak_agents == own.agents
    assert month.fte == pytest.approx(heads)
    cell = next(c for c in plan.resilience if c.lost_site == "A")
    assert cell.model == "erlang_a" and cell.absorbed == pytest.approx(0)
    after = erlang_a_result(200 / 1800, 180, 300, own.agents, 20)
    assert cell.service_level == pytest.approx(after.service_level)
    assert cell.p_abandon == pytest.approx(after.p_abandon)
    assert cell.p_abandon is not None and cell.p_abandon > 0.2


def test_capacity_schema_is_current() -> None:
    from opsgov.capacity.results import capacity_schema_text
    from tests.conftest import REPO

    shipped = (REPO / "schemas" / "capacity.schema.json").read_text("utf-8")
    assert shipped == capacity_schema_text(), "regenerate schemas/capacity.schema.json"


def test_missing_handle_time_headcount_and_volume_are_findings() -> None:
    data = inputs({"A": 16_000}, {"A": 10}, 360.0)
    for month in data.measures[("A", "general")].values():
        month.pop("handle_seconds")
    del data.measures[("A", "")]
    reg = registry(["en"])
    reg = reg.model_copy(
        update={"sites": [*reg.sites, reg.sites[1].model_copy(update={"id": "C"})]}
    )
    plan = build_plan(data, CapacitySettings.model_validate(SIMPLE), reg, "t")
    codes = sorted(f.code for f in plan.findings)
    # A has volume but no handle time (Q802, left out: no stream, so no gap and no Q805);
    # B and C list the queue but sent no volume (Q809)
    assert codes.count("Q802") == 1 and codes.count("Q809") == 2
    assert plan.streams == [] and plan.sites == []
    # with the handle time set in the settings, A is planned but has no headcount (Q805)
    settings = CapacitySettings.model_validate(
        {**SIMPLE, "queues": {"general": {"aht_seconds": 360}}}
    )
    planned = build_plan(data, settings, reg, "t")
    assert planned.streams[0].months[0].fte == pytest.approx(10.0)
    assert "Q805" in [f.code for f in planned.findings]


def test_a_short_staffed_survivor_also_leaves_its_own_work() -> None:
    # as the two-site case, but B has 4 people for its 5 FTE: no headroom, and 20 % of its own
    # 8,000 English items undone. Losing A: 12,000 + 1,600 of the 20,000 English items undone.
    settings = CapacitySettings.model_validate(
        {**SIMPLE, "sites": {"A": {"language_mix": {"general": {"en": 0.75, "de": 0.25}}}}}
    )
    plan = build_plan(
        inputs({"A": 16_000, "B": 8_000}, {"A": 10, "B": 4}, 360.0),
        settings,
        registry(["en", "de"]),
        "test",
    )
    en = next(c for c in plan.resilience if (c.lost_site, c.language) == ("A", "en"))
    assert en.absorbed == pytest.approx(0) and en.unabsorbed == pytest.approx(12_000)
    assert en.backlog_growth_month == pytest.approx(13_600)
    assert en.service_level == pytest.approx(6_400 / 20_000)
    assert en.backlog_days == pytest.approx(13_600 / (20_000 / 30))


def test_a_plan_with_nothing_to_plan_still_renders() -> None:
    from opsgov.capacity.outputs import OUTPUTS
    from opsgov.render.env import environment

    plan = build_plan(CapacityInputs(["2026-10"]), CapacitySettings(), registry(["en"]), "t")
    assert plan.forecasts == [] and [f.code for f in plan.findings] == ["Q809", "Q809"]
    env = environment()
    bodies = {name: render(plan, env) for name, render in OUTPUTS.items()}
    assert "80 % interval" in bodies["capacity.md"].decode()
    assert plan.settings["shrinkage"] == 0.3


def test_headcount_reported_by_queue_gets_its_own_gap() -> None:
    # HR reports 6 people on A's general queue, which needs 10 FTE: a queue-level gap of 4
    settings = CapacitySettings.model_validate({**SIMPLE, "horizon_months": 1})
    data = inputs({"A": 16_000}, {"A": 12}, 360.0)
    for month in data.measures[("A", "general")].values():
        month["hc_end"] = 6.0
    plan = build_plan(data, settings, registry(["en"]), "t")
    by_level = {s.queue: s.months[0] for s in plan.sites}
    assert by_level[""].gap == pytest.approx(-2.0)
    assert by_level["general"].gap == pytest.approx(4.0)
    assert by_level["general"].id == "gap/A/general/2026-11"
    q800 = [f for f in plan.findings if f.code == "Q800"]
    assert len(q800) == 1 and "A queue general" in q800[0].message
    assert "opsgov playbook checklist surge_crisis_response --site A" in (q800[0].hint or "")
