"""Checklist dates: working days across month ends, weekends and holidays, worked out by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from opsgov.models.playbook import Playbook
from opsgov.models.registry import Registry
from opsgov.models.workspace import Calendar, Workspace
from opsgov.playbooks.calendar import WorkingCalendar, site_calendar
from opsgov.playbooks.checklist import Checklist, build_checklist

D = dt.date


def calendar(**kwargs: Any) -> Calendar:
    return Calendar.model_validate(kwargs)


def test_add_working_days_crosses_a_month_end_and_a_weekend() -> None:
    cal = WorkingCalendar()
    # Fri 30 Oct 2026 + 2 working days: Mon 2 Nov, Tue 3 Nov.
    assert cal.add_working(D(2026, 10, 30), 2) == D(2026, 11, 3)
    # Sat 31 Oct is not a working day: the step starts Mon 2 Nov.
    assert cal.next_working(D(2026, 10, 31)) == D(2026, 11, 2)
    assert cal.after(D(2026, 12, 31)) == D(2027, 1, 1)


def test_holidays_and_their_substitute_days_are_skipped() -> None:
    # Ireland, Christmas 2026: Fri 25 and (for Sat 26) Mon 28 are holidays.
    cal = site_calendar(
        calendar(
            holidays=["2027-01-01"], countries={"IE": {"holidays": ["2026-12-25", "2026-12-28"]}}
        ),
        "EMEA",
        "IE",
    )
    # Thu 24 Dec, then Tue 29, Wed 30, Thu 31: four working days.
    assert cal.add_working(D(2026, 12, 24), 3) == D(2026, 12, 31)
    # One more: Fri 1 Jan 2027 is a holiday and 2-3 Jan a weekend, so Mon 4 Jan.
    assert cal.add_working(D(2026, 12, 24), 4) == D(2027, 1, 4)
    assert cal.working_days_between(D(2026, 12, 24), D(2027, 1, 4)) == 4


def test_a_country_rule_replaces_the_weekend_and_adds_holidays() -> None:
    shared = calendar(
        holidays=["2027-01-01"],
        regions={"EMEA": {"holidays": ["2027-01-05"]}},
        countries={"EG": {"weekends": ["fri", "sat"], "holidays": ["2027-01-07"]}},
    )
    egypt = site_calendar(shared, "EMEA", "EG")
    assert egypt.weekend_names == ["fri", "sat"]
    assert egypt.holidays == frozenset({D(2027, 1, 1), D(2027, 1, 5), D(2027, 1, 7)})
    # Thu 7 Jan is a holiday, Fri 8 and Sat 9 the weekend: Sun 10 Jan is the next working day.
    assert egypt.next_working(D(2027, 1, 7)) == D(2027, 1, 10)
    assert site_calendar(shared, "APAC", "PH").holidays == frozenset({D(2027, 1, 1)})


def test_calendar_days_count_every_day() -> None:
    cal = site_calendar(calendar(holidays=["2026-12-25"]), "EMEA", "IE", every_day=True)
    assert cal.add_working(D(2026, 12, 24), 3) == D(2026, 12, 27)


REGISTRY = Registry.model_validate(
    {
        "kind": "registry",
        "regions": [{"id": "EMEA", "name": "EMEA"}, {"id": "APAC", "name": "APAC"}],
        "vendors": [{"id": "acme", "name": "Acme", "type": "bpo"}],
        "sites": [
            {
                "id": "DUB1",
                "name": "Dublin",
                "vendor": "acme",
                "region": "EMEA",
                "country": "IE",
                "currency": "EUR",
                "timezone": "Europe/Dublin",
                "status": "launching",
                "go_live": "2026-11-02",
            }
        ],
    }
)


def settings(**extra: Any) -> Workspace:
    return Workspace.model_validate(
        {
            "kind": "workspace",
            "name": "t",
            "framework": "builtin:trust_safety",
            "registry": "registry.yaml",
            "reporting_currency": "USD",
            "owners": {"default": {"SL": "Sam Lee", "HGO": "Hana Go"}},
            **extra,
        }
    )


def playbook(steps: list[dict[str, Any]], **extra: Any) -> Playbook:
    return Playbook.model_validate(
        {
            "kind": "playbook",
            "id": "demo",
            "title": "Demo",
            "purpose": "Test.",
            "owner": "HGO",
            "anchor": "go_live",
            "phases": [{"id": "only", "title": "Only", "steps": steps}],
            **extra,
        }
    )


def step(step_id: str, lead: int, days: int, *deps: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": step_id,
        "title": step_id.upper(),
        "owner": "SL",
        "lead_time_days": lead,
        "duration_days": days,
        "depends_on": list(deps),
        **extra,
    }


def make(pb: Playbook, start: D, ws: Workspace | None = None) -> Checklist:
    site = REGISTRY.site("DUB1")
    assert site is not None
    return build_checklist(pb, site, REGISTRY, ws or settings(), start=start)


def dates(c: Checklist) -> dict[str, tuple[D, D]]:
    return {i.id: (i.start, i.due) for i in c.items}


def test_due_dates_count_from_the_anchor_across_a_month_end() -> None:
    # Go-live Mon 2 Nov 2026.
    pb = playbook(
        [
            step("a", -5, 3),  # Wed 28 Oct: 28, 29, 30 -> due Fri 30 Oct
            step("b", -4, 2, "a"),  # planned Thu 29 Oct, but a ends Fri 30: Mon 2, Tue 3 Nov
            step("c", 0, 0, "b"),  # milestone: b ends Tue 3 Nov, so Wed 4 Nov
            step("d", 1, 1, "c"),  # after a 0-day step it may start the same day: Wed 4 Nov
            step("e", 29, 2),  # Tue 1 Dec: 1, 2 Dec
        ]
    )
    c = make(pb, D(2026, 10, 1))
    assert dates(c) == {
        "a": (D(2026, 10, 28), D(2026, 10, 30)),
        "b": (D(2026, 11, 2), D(2026, 11, 3)),
        "c": (D(2026, 11, 4), D(2026, 11, 4)),
        "d": (D(2026, 11, 4), D(2026, 11, 4)),
        "e": (D(2026, 12, 1), D(2026, 12, 2)),
    }
    assert c.anchor_date == D(2026, 11, 2) and c.finish == D(2026, 12, 2)
    assert c.warnings == []


def test_weekends_and_holidays_move_starts_and_stretch_durations() -> None:
    ws = settings(
        calendar={"holidays": ["2026-11-02"], "countries": {"IE": {"holidays": ["2026-10-26"]}}}
    )
    pb = playbook(
        [
            step("a", -9, 3),  # Sat 24 Oct -> Tue 27 (Mon 26 a holiday): 27, 28, 29
            step("b", -2, 3, "a"),  # Sat 31 Oct -> Tue 3 Nov (Mon 2 a holiday): 3, 4, 5
            step("c", 26, 5),  # Sat 28 Nov -> Mon 30 Nov: 30, 1, 2, 3, 4 Dec
        ]
    )
    c = make(pb, D(2026, 10, 1), ws)
    assert dates(c) == {
        "a": (D(2026, 10, 27), D(2026, 10, 29)),
        "b": (D(2026, 11, 3), D(2026, 11, 5)),
        "c": (D(2026, 11, 30), D(2026, 12, 4)),
    }
    assert c.holidays == [D(2026, 10, 26), D(2026, 11, 2)]


def test_a_late_start_compresses_steps_and_warns_p620() -> None:
    pb = playbook([step("a", -30, 5), step("b", -10, 2, "a")])
    # a should start Sat 3 Oct -> Mon 5 Oct; the checklist starts Thu 15 Oct.
    c = make(pb, D(2026, 10, 15))
    assert dates(c)["a"] == (D(2026, 10, 15), D(2026, 10, 21))
    (warning,) = c.warnings
    assert warning.code == "P620" and "10 days less than its lead time" in warning.message
    assert c.items[0].short_by_days == 10 and c.items[1].short_by_days == 0


def test_a_gate_pushed_past_its_date_warns_p622() -> None:
    gate = {"decision_by": "HGO", "criteria": ["All good"]}
    pb = playbook([step("a", -3, 10), step("go", -1, 0, "a", gate=gate)])
    c = make(pb, D(2026, 10, 1))
    assert [w.code for w in c.warnings] == ["P622"]
    assert "after go-live on 2026-11-02" in c.warnings[0].message


def test_calendar_day_playbooks_run_through_weekends() -> None:
    pb = playbook([step("a", -3, 3), step("b", 0, 2, "a")], days="calendar")
    c = make(pb, D(2026, 10, 1), settings(calendar={"holidays": ["2026-11-01"]}))
    # Fri 30 Oct, Sat 31, Sun 1 Nov; then b from Mon 2 Nov.
    assert dates(c) == {
        "a": (D(2026, 10, 30), D(2026, 11, 1)),
        "b": (D(2026, 11, 2), D(2026, 11, 3)),
    }
    assert c.weekends == [] and c.holidays == []


@pytest.mark.parametrize(
    ("anchor", "given", "expected"),
    [
        ("start", None, D(2026, 10, 1)),
        ("go_live", None, D(2026, 11, 2)),
        ("event", D(2027, 1, 4), D(2027, 1, 4)),
    ],
)
def test_the_anchor_date(anchor: str, given: D | None, expected: D) -> None:
    pb = playbook([step("a", 0, 1)], anchor=anchor)
    site = REGISTRY.site("DUB1")
    assert site is not None
    c = build_checklist(pb, site, REGISTRY, settings(), start=D(2026, 10, 1), anchor_date=given)
    assert c.anchor_date == expected
