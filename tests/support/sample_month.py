"""A realistic month of Trust & Safety operations data, generated from a known ground truth.

The ground truth (`make_ground_truth`) holds whole numbers: per site, day and queue the daily
operations measures the framework requires (volumes, handle time, SLA, end-of-day backlog,
QA, appeals, workforce seconds, sensitive-content exposure), and per site-month the HR,
finance and compliance figures. The layout writers render it the way each vendor sends it:

- ``acme`` (MNL1, HYD1): ``{site}_ops_{period}.xlsx``, a merged title banner and a site line
  above the header (row 4, from column B), Acme's queue names, AHT as ``mm:ss`` text per
  handled item, "Within SLA %" from 0 to 100 with two decimals, workforce times as
  ``hh:mm:ss`` text, a TOTAL row, a Notes line and a second "Definitions" sheet;
- ``teleworks`` (LIS1, KUL1): ``TW_{site}_{yyyymm}.csv``, Windows-1252, ``;``-separated, CRLF,
  Portuguese headers, day-first dates, decimal commas and ``1.234`` thousands, AHT in minutes
  per handled item, times in hours, a Total line;
- ``latam_cx`` (BOG1, GDL1): ``LatAmCX_{site}_{period}.xls``, a legacy BIFF8 workbook written
  by LibreOffice, Spanish headers, real Excel dates, SLA attainment and QA accuracy as 0-1
  fractions, times as ``[h]:mm:ss`` Excel durations;
- ``inhouse`` (DUB1, AUS1): ``{site}_daily_metrics_{period}.xlsx`` (DUB1) or ``.ods`` (AUS1),
  saved by LibreOffice, clean: ISO dates, the framework's queue ids, durations in seconds;
- ``hr`` (every site): ``HR_headcount_{period}.xlsx``, a title above the header, one row per
  site by the name HR uses (mapped in the profile), the month written ``October 2026``;
- ``finance`` (every site): ``Finance_site_costs_{period}.xlsx``, one row per cost centre, the
  cost in the site's own currency beside a currency column;
- ``compliance`` (every site): ``Compliance_controls_{period}.csv``, UTF-8, comma-separated,
  site ids, controls tested and passed, critical and overdue audit findings.

Representability. Every value a layout writes reads back exactly, up to floating-point
rounding, except one documented case:

- handle time is generated as a whole number of seconds per item that is a multiple of 3, so
  ``mm:ss`` text and minutes with two decimals (0.05 min = 3 s) hold it exactly;
- workforce times, exposure and backlog age are multiples of 36 seconds, so hours with two
  decimals (0.01 h = 36 s) hold them exactly;
- money is in whole cents of the site's currency;
- Acme writes SLA attainment as a percentage rounded to two decimals, so the pipeline reads
  back ``round(100 * within / eligible, 2) / 100 * eligible`` items within SLA, which is not
  a whole number: `acme_sla_percent` gives the percentage written and
  `acme_within_sla_readback` the value read back. `expected_harmonised` uses it for Acme
  sites; every other value it gives is the ground truth itself.

Deterministic: one seed gives the same truth, and the same bytes for every file not written
by LibreOffice (LibreOffice stamps its own metadata).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import random
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from opsgov.definitions import load_definition
from opsgov.models.framework import Framework
from opsgov.models.registry import Registry

REPO: Final = Path(__file__).resolve().parents[2]
SAMPLE_WORKSPACE: Final = REPO / "sample_data"
FRAMEWORK_FILE: Final = REPO / "frameworks" / "trust_safety.yaml"

FIRST_PERIOD: Final = "2025-10"
LAST_PERIOD: Final = "2026-10"


def _months(first: str, last: str) -> list[str]:
    out = [first]
    while out[-1] != last:
        year, month = int(out[-1][:4]), int(out[-1][5:7])
        out.append(f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}")
    return out


SEEDS: Final[Mapping[str, int]] = {
    m: int(m.replace("-", "")) * 100 + calendar.monthrange(int(m[:4]), int(m[5:7]))[1]
    for m in _months(FIRST_PERIOD, LAST_PERIOD)
}
"""The seed of each committed sample month (2026-09 is 20260930): thirteen months, so that the
history reports have a year to compare with and control limits to draw."""

LIVE_SITES: Final = ("DUB1", "LIS1", "MNL1", "HYD1", "KUL1", "AUS1", "BOG1", "GDL1")

ACME: Final = "acme"
TELEWORKS: Final = "teleworks"
LATAM_CX: Final = "latam_cx"
INHOUSE: Final = "inhouse"
HR: Final = "hr"
FINANCE: Final = "finance"
COMPLIANCE: Final = "compliance"

OPS_LAYOUTS: Final = (ACME, TELEWORKS, LATAM_CX, INHOUSE)
MONTHLY_LAYOUTS: Final = (HR, FINANCE, COMPLIANCE)
LAYOUTS: Final = OPS_LAYOUTS + MONTHLY_LAYOUTS

SITE_LAYOUT: Final[Mapping[str, str]] = {
    "MNL1": ACME,
    "HYD1": ACME,
    "LIS1": TELEWORKS,
    "KUL1": TELEWORKS,
    "BOG1": LATAM_CX,
    "GDL1": LATAM_CX,
    "DUB1": INHOUSE,
    "AUS1": INHOUSE,
}
"""The operations layout each site reports in."""

ODS_SITES: Final = frozenset({"AUS1"})
"""In-house sites whose file is saved as OpenDocument rather than xlsx."""

LIBREOFFICE_LAYOUTS: Final = frozenset({LATAM_CX, INHOUSE})
"""Layouts whose files are written by LibreOffice."""

# Measures --------------------------------------------------------------------------------

DAILY_MEASURES: Final = (
    "items_received",
    "items_handled",
    "items_auto_actioned",
    "handle_seconds",
    "items_sla_eligible",
    "items_within_sla",
    "backlog_open_end",
    "backlog_over_sla_end",
    "backlog_age_seconds_sum_end",
    "qa_audited",
    "qa_correct",
    "qa_critical_errors",
    "appeals_decided",
    "appeals_overturned",
    "paid_seconds",
    "scheduled_seconds",
    "logged_in_seconds",
    "available_idle_seconds",
    "in_adherence_seconds",
    "shrink_planned_seconds",
    "shrink_unplanned_seconds",
    "absence_unplanned_seconds",
    "productive_seconds",
    "sensitive_exposure_seconds",
    "sensitive_exposure_max_day_seconds",
    "moderator_days",
    "moderator_days_over_cap",
)
"""Measures of the ground truth per site, day and queue (whole numbers; seconds)."""

MONTHLY_MEASURES: Final = (
    "hc_start",
    "hc_end",
    "hc_avg",
    "leavers",
    "wellbeing_participants",
    "wellbeing_eligible",
    "cost_total",
    "controls_tested",
    "controls_passed",
    "findings_critical",
    "findings_overdue_end",
)
"""Measures of the ground truth per site-month (`cost_total` in the site's currency)."""

_OPS_CORE: Final = (
    "items_received",
    "items_handled",
    "handle_seconds",
    "items_sla_eligible",
    "items_within_sla",
    "backlog_open_end",
    "backlog_over_sla_end",
    "backlog_age_seconds_sum_end",
    "qa_audited",
    "qa_correct",
    "qa_critical_errors",
    "paid_seconds",
    "scheduled_seconds",
    "logged_in_seconds",
    "available_idle_seconds",
    "in_adherence_seconds",
    "shrink_planned_seconds",
    "shrink_unplanned_seconds",
    "absence_unplanned_seconds",
    "productive_seconds",
    "sensitive_exposure_seconds",
    "moderator_days",
    "moderator_days_over_cap",
)

LAYOUT_MEASURES: Final[Mapping[str, tuple[str, ...]]] = {
    ACME: (*_OPS_CORE, "appeals_decided", "appeals_overturned"),
    TELEWORKS: _OPS_CORE,
    LATAM_CX: (*_OPS_CORE, "sensitive_exposure_max_day_seconds"),
    INHOUSE: (
        *_OPS_CORE,
        "items_auto_actioned",
        "appeals_decided",
        "appeals_overturned",
        "sensitive_exposure_max_day_seconds",
    ),
    HR: ("hc_start", "hc_end", "hc_avg", "leavers", "wellbeing_participants", "wellbeing_eligible"),
    FINANCE: ("cost_total",),
    COMPLIANCE: ("controls_tested", "controls_passed", "findings_critical", "findings_overdue_end"),
}
"""The measures each layout writes."""

# Vendors' names for sites and queues ------------------------------------------------------

ACME_QUEUES: Final[Mapping[str, str]] = {
    "general": "General Moderation",
    "child_safety": "Child Safety (CSE)",
}
TELEWORKS_QUEUES: Final[Mapping[str, str]] = {"general": "Moderação Geral"}
HR_SITE_NAMES: Final[Mapping[str, str]] = {
    "DUB1": "Dublin - Grand Canal",
    "LIS1": "Teleworks Lisboa",
    "MNL1": "Acme Manila - Ortigas",
    "HYD1": "Acme Hyderabad - HITEC City",
    "KUL1": "Teleworks Kuala Lumpur",
    "AUS1": "Austin TX",
    "BOG1": "LatAm CX Bogotá",
    "GDL1": "LatAm CX Guadalajara",
}
FINANCE_COST_CENTRES: Final[Mapping[str, str]] = {
    "DUB1": "CC-1101 T&S Dublin",
    "LIS1": "CC-2140 Teleworks Lisbon",
    "MNL1": "CC-3120 Acme Manila",
    "HYD1": "CC-3310 Acme Hyderabad",
    "KUL1": "CC-3450 Teleworks KL",
    "AUS1": "CC-1201 T&S Austin",
    "BOG1": "CC-4110 LatAm CX Bogota",
    "GDL1": "CC-4220 LatAm CX Guadalajara",
}

ACME_SHEET: Final = "Daily Report"
ACME_HEADER_ROW: Final = 4
ACME_FIRST_COL: Final = 2

# The ground truth ------------------------------------------------------------------------


@dataclass(frozen=True)
class DayQueue:
    """One site's one queue on one day.

    Attributes:
        site: Site id.
        day: The day.
        queue: The framework's queue id.
        values: Measure id -> whole-number value (`DAILY_MEASURES`; durations in seconds).
    """

    site: str
    day: dt.date
    queue: str
    values: Mapping[str, int]

    @property
    def aht(self) -> int:
        """Handle seconds per handled item (a whole number by construction)."""
        return self.values["handle_seconds"] // self.values["items_handled"]


@dataclass(frozen=True)
class SiteMonth:
    """One site's monthly HR, finance and compliance figures.

    Attributes:
        site: Site id.
        currency: ISO 4217 code of `cost_total`.
        values: Measure id -> whole number (`MONTHLY_MEASURES` except `cost_total`).
        cost_total: Total cost in the site's currency, in whole cents.
    """

    site: str
    currency: str
    values: Mapping[str, int]
    cost_total: Decimal


@dataclass(frozen=True)
class GroundTruth:
    """A month of every site's data, as whole numbers.

    Attributes:
        period: The month, `YYYY-MM`.
        seed: The seed it was drawn with.
        sites: Site ids, in registry order.
        daily: One entry per site, day and queue, ordered by site, day, queue.
        monthly: Site id -> its monthly figures.
    """

    period: str
    seed: int
    sites: tuple[str, ...]
    daily: tuple[DayQueue, ...]
    monthly: Mapping[str, SiteMonth]

    def rows(self, site: str) -> list[DayQueue]:
        """The daily rows of one site, ordered by day then queue."""
        return [r for r in self.daily if r.site == site]

    def only(self, sites: Iterable[str]) -> GroundTruth:
        """The same truth restricted to some sites."""
        keep = tuple(s for s in self.sites if s in set(sites))
        return GroundTruth(
            period=self.period,
            seed=self.seed,
            sites=keep,
            daily=tuple(r for r in self.daily if r.site in keep),
            monthly={s: m for s, m in self.monthly.items() if s in keep},
        )

    @property
    def days(self) -> list[dt.date]:
        """Every day of the period."""
        return period_days(self.period)

    @property
    def last_day(self) -> dt.date:
        """The last day of the period."""
        return self.days[-1]


@dataclass(frozen=True)
class _Queue:
    share: float  # share of the site's staff on shift
    aht: int  # seconds per item, a multiple of 3
    sla: float  # share of eligible items decided within target
    exposure: float  # share of handle time on sensitive content
    over_cap: float  # share of moderator-days over the exposure cap


@dataclass(frozen=True)
class _Shape:
    """What makes a site itself: size, speed, quality, cost."""

    headcount: int
    queues: Mapping[str, _Queue]
    occupancy: float  # handle / (handle + available idle)
    qa_rate: float  # audits per handled item; 0 means `qa_per_day`
    accuracy: float
    absence: float
    adherence: float
    backlog_days: float  # opening backlog in days of volume
    backlog_growth: float  # daily arrivals above handled, as a share
    over_sla: float  # share of the open backlog already past target
    age_hours: float  # average age of open items
    attrition: float  # monthly
    wellbeing: float  # participation
    wage: Decimal  # fully loaded cost per paid hour, in the site's currency
    qa_per_day: tuple[int, int] = (0, 0)


_SHAPES: Final[Mapping[str, _Shape]] = {
    # In-house Dublin: escalations take long; high quality; expensive.
    "DUB1": _Shape(
        headcount=118,
        queues={
            "general": _Queue(0.6, 411, 0.962, 0.28, 0.004),
            "escalations": _Queue(0.4, 897, 0.974, 0.41, 0.011),
        },
        occupancy=0.82,
        qa_rate=0.022,
        accuracy=0.968,
        absence=0.034,
        adherence=0.935,
        backlog_days=0.35,
        backlog_growth=0.0,
        over_sla=0.03,
        age_hours=7.5,
        attrition=0.011,
        wellbeing=0.94,
        wage=Decimal("31.60"),
    ),
    # Teleworks Lisbon: mid-sized, steady.
    "LIS1": _Shape(
        headcount=86,
        queues={"general": _Queue(1.0, 384, 0.951, 0.31, 0.006)},
        occupancy=0.83,
        qa_rate=0.015,
        accuracy=0.957,
        absence=0.046,
        adherence=0.912,
        backlog_days=0.4,
        backlog_growth=0.002,
        over_sla=0.05,
        age_hours=10.0,
        attrition=0.024,
        wellbeing=0.88,
        wage=Decimal("23.40"),
    ),
    # Acme Manila: very high volume, fast, low SLA, a growing backlog.
    "MNL1": _Shape(
        headcount=640,
        queues={
            "general": _Queue(0.78, 291, 0.838, 0.33, 0.013),
            "child_safety": _Queue(0.22, 537, 0.871, 0.72, 0.046),
        },
        occupancy=0.89,
        qa_rate=0.011,
        accuracy=0.931,
        absence=0.071,
        adherence=0.873,
        backlog_days=0.9,
        backlog_growth=0.012,
        over_sla=0.24,
        age_hours=31.0,
        attrition=0.052,
        wellbeing=0.79,
        wage=Decimal("412.50"),
    ),
    # Acme Hyderabad: large, close to target.
    "HYD1": _Shape(
        headcount=236,
        queues={"general": _Queue(1.0, 333, 0.934, 0.30, 0.008)},
        occupancy=0.85,
        qa_rate=0.013,
        accuracy=0.946,
        absence=0.058,
        adherence=0.894,
        backlog_days=0.5,
        backlog_growth=0.003,
        over_sla=0.08,
        age_hours=14.0,
        attrition=0.041,
        wellbeing=0.85,
        wage=Decimal("548.00"),
    ),
    # Teleworks Kuala Lumpur.
    "KUL1": _Shape(
        headcount=148,
        queues={"general": _Queue(1.0, 357, 0.944, 0.29, 0.007)},
        occupancy=0.82,
        qa_rate=0.014,
        accuracy=0.953,
        absence=0.049,
        adherence=0.905,
        backlog_days=0.45,
        backlog_growth=0.001,
        over_sla=0.06,
        age_hours=11.0,
        attrition=0.029,
        wellbeing=0.9,
        wage=Decimal("46.20"),
    ),
    # In-house Austin: small, slow queues, best SLA.
    "AUS1": _Shape(
        headcount=72,
        queues={
            "general": _Queue(0.55, 447, 0.972, 0.27, 0.003),
            "escalations": _Queue(0.45, 981, 0.979, 0.44, 0.009),
        },
        occupancy=0.8,
        qa_rate=0.025,
        accuracy=0.971,
        absence=0.029,
        adherence=0.941,
        backlog_days=0.3,
        backlog_growth=-0.001,
        over_sla=0.02,
        age_hours=6.0,
        attrition=0.009,
        wellbeing=0.96,
        wage=Decimal("37.90"),
    ),
    # LatAm CX Bogota.
    "BOG1": _Shape(
        headcount=132,
        queues={"general": _Queue(1.0, 348, 0.918, 0.32, 0.009)},
        occupancy=0.86,
        qa_rate=0.012,
        accuracy=0.942,
        absence=0.055,
        adherence=0.889,
        backlog_days=0.55,
        backlog_growth=0.004,
        over_sla=0.1,
        age_hours=16.0,
        attrition=0.036,
        wellbeing=0.83,
        wage=Decimal("39850.00"),
    ),
    # LatAm CX Guadalajara: a small site that audits too few decisions (under 100 a month).
    "GDL1": _Shape(
        headcount=22,
        queues={"general": _Queue(1.0, 372, 0.955, 0.3, 0.005)},
        occupancy=0.78,
        qa_rate=0.0,
        accuracy=0.962,
        absence=0.041,
        adherence=0.917,
        backlog_days=0.3,
        backlog_growth=0.0,
        over_sla=0.04,
        age_hours=8.0,
        attrition=0.045,
        wellbeing=0.91,
        wage=Decimal("168.40"),
        qa_per_day=(2, 3),
    ),
}

DRIFT_FROM: Final = "2026-09"
"""The months from this one on are drawn from the shapes above as they are; earlier months
from the shapes as they were (`shape_of`)."""


def _months_before(period: str, later: str = DRIFT_FROM) -> int:
    return (int(later[:4]) - int(period[:4])) * 12 + int(later[5:7]) - int(period[5:7])


def shape_of(site: str, period: str) -> _Shape:
    """What a site was like in a month: the stories the year of history tells.

    From `DRIFT_FROM` on every site is as `_SHAPES` says; before it, `k` months earlier:

    - MNL1's turnaround SLA was `0.005 k` higher in every queue: it has slid from amber to red
      against Acme's contract threshold over the year;
    - HYD1's decision accuracy was `0.0015 k` lower: it has improved steadily;
    - KUL1's attrition was two and a half times its usual rate in 2026-04 to 2026-06 (a
      competitor hiring locally), then went back.
    """
    base = _SHAPES[site]
    k = _months_before(period)
    if k <= 0:
        return base
    if site == "MNL1":
        queues = {q: replace(v, sla=v.sla + 0.005 * k) for q, v in base.queues.items()}
        return replace(base, queues=queues)
    if site == "HYD1":
        return replace(base, accuracy=base.accuracy - 0.0015 * k)
    if site == "KUL1" and "2026-04" <= period <= "2026-06":
        return replace(base, attrition=base.attrition * 2.5)
    return base


_PAID_PER_SHIFT: Final = 30_600  # 8 h 30 min, a paid lunch included
_SCHEDULED_PER_SHIFT: Final = 28_800  # 8 h


def period_days(period: str) -> list[dt.date]:
    """Every day of a `YYYY-MM` period."""
    year, month = int(period[:4]), int(period[5:7])
    return [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def previous_period(period: str) -> str:
    """The month before a `YYYY-MM` period."""
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


@cache
def registry() -> Registry:
    """The sample workspace's site registry."""
    loaded = load_definition(SAMPLE_WORKSPACE / "registry.yaml").definition
    assert isinstance(loaded, Registry)
    return loaded


@cache
def framework() -> Framework:
    """The built-in Trust & Safety framework."""
    loaded = load_definition(FRAMEWORK_FILE).definition
    assert isinstance(loaded, Framework)
    return loaded


def _m36(seconds: float) -> int:
    """Seconds rounded down to a multiple of 36 (0.01 hour)."""
    return int(seconds // 36) * 36


def _near(rng: random.Random, value: float, spread: float) -> float:
    """`value` moved by up to `spread` of itself, either way."""
    return value * (1.0 + rng.uniform(-spread, spread))


def _binomial(rng: random.Random, trials: int, p: float) -> int:
    """How many of `trials` independent events of probability `p` happen."""
    return sum(rng.random() < p for _ in range(trials))


def _headcount_at_end(site: str, period: str) -> int:
    """Production headcount at the end of a month: a property of the site, not of the draw.

    Drawn from the site and month only, so that a month's opening headcount is always the
    previous month's closing one, whatever seeds the months are generated with.
    """
    rng = random.Random(f"headcount:{site}:{period}")
    return round(_SHAPES[site].headcount * rng.uniform(0.96, 1.04))


def make_ground_truth(period: str, seed: int, sites: Sequence[str] = LIVE_SITES) -> GroundTruth:
    """Draw a month of data for the given sites.

    Each site's values depend only on the seed, the period and the site, so a truth drawn for
    a subset of sites has the same values for those sites as one drawn for all.

    Args:
        period: The month, `YYYY-MM`.
        seed: Any integer; the same seed gives the same truth.
        sites: Site ids from the sample registry (its queues and currency are used).

    Returns:
        The ground truth, with every framework check satisfied on every row.
    """
    reg = registry()
    order = [s.id for s in reg.sites]
    chosen = tuple(sorted(dict.fromkeys(sites), key=order.index))
    daily: list[DayQueue] = []
    monthly: dict[str, SiteMonth] = {}
    for site in chosen:
        entry = reg.site(site)
        if entry is None or site not in _SHAPES:
            raise ValueError(f"no sample shape for site {site!r}")
        rng = random.Random(f"{seed}:{period}:{site}")
        rows = _site_days(rng, site, list(entry.queues), period)
        daily.extend(rows)
        monthly[site] = _site_month(rng, site, entry.currency, period, rows)
    return GroundTruth(period, seed, chosen, tuple(daily), monthly)


def _site_days(rng: random.Random, site: str, queues: list[str], period: str) -> list[DayQueue]:
    shape = shape_of(site, period)
    backlog = {
        q: round(
            shape.backlog_days
            * shape.headcount
            * 0.7
            * shape.queues[q].share
            * _PAID_PER_SHIFT
            * 0.7
            / shape.queues[q].aht
        )
        for q in queues
    }
    out: list[DayQueue] = []
    for day in period_days(period):
        on_shift = 0.72 if day.weekday() < 5 else 0.54
        staff_total = _near(rng, shape.headcount * on_shift, 0.04)
        for queue in queues:
            q = shape.queues[queue]
            staff = max(2, round(staff_total * q.share))
            values = _one_day(rng, shape, q, staff, backlog[queue])
            backlog[queue] = values["backlog_open_end"]
            out.append(DayQueue(site, day, queue, values))
    return out


def _one_day(
    rng: random.Random, shape: _Shape, q: _Queue, staff: int, backlog_before: int
) -> dict[str, int]:
    paid = staff * _PAID_PER_SHIFT
    scheduled = staff * _SCHEDULED_PER_SHIFT
    absence = _m36(scheduled * _near(rng, shape.absence, 0.3))
    planned = _m36(paid * _near(rng, 0.155, 0.08))
    unplanned = absence + _m36(paid * _near(rng, 0.018, 0.3))
    logged_in = paid - planned - unplanned
    adherent = _m36(scheduled * min(0.995, _near(rng, shape.adherence, 0.025)))
    aht = q.aht + 3 * rng.randint(-5, 5)
    handled = int(logged_in * _near(rng, 0.78, 0.03) // aht)
    handle = handled * aht
    occupancy = min(0.97, _near(rng, shape.occupancy, 0.02))
    idle = min(_m36(logged_in - handle), _m36(handle * (1.0 / occupancy - 1.0)))
    productive = _m36(handle + idle * 0.5)
    exposure = _m36(handle * _near(rng, q.exposure, 0.1))
    max_day = _m36(min(8 * 3600, 4 * 3600 * _near(rng, 1.0 + 3 * q.over_cap, 0.08)))
    over_cap = min(staff, round(staff * _near(rng, q.over_cap, 0.5)))

    received = handled + round(handled * rng.gauss(shape.backlog_growth, 0.035))
    received = max(received, handled - backlog_before, 0)
    backlog = backlog_before + received - handled
    backlog_over = min(backlog, round(backlog * _near(rng, shape.over_sla, 0.2)))
    age_sum = _m36(backlog * 3600 * _near(rng, shape.age_hours, 0.15))

    eligible = handled - round(handled * rng.uniform(0.0, 0.025))
    within = min(eligible, round(eligible * min(1.0, _near(rng, q.sla, 0.02))))

    if shape.qa_rate > 0:
        audited = max(1, round(handled * _near(rng, shape.qa_rate, 0.1)))
    else:
        audited = rng.randint(*shape.qa_per_day)
    wrong = _binomial(rng, audited, 1.0 - shape.accuracy)
    critical = _binomial(rng, wrong, 0.09)
    appeals = round(handled * _near(rng, 0.0045, 0.2))
    overturned = min(appeals, round(appeals * _near(rng, 0.11, 0.3)))
    return {
        "items_received": received,
        "items_handled": handled,
        "items_auto_actioned": round(handled * _near(rng, 1.6, 0.1)),
        "handle_seconds": handle,
        "items_sla_eligible": eligible,
        "items_within_sla": within,
        "backlog_open_end": backlog,
        "backlog_over_sla_end": backlog_over,
        "backlog_age_seconds_sum_end": age_sum,
        "qa_audited": audited,
        "qa_correct": audited - wrong,
        "qa_critical_errors": critical,
        "appeals_decided": appeals,
        "appeals_overturned": overturned,
        "paid_seconds": paid,
        "scheduled_seconds": scheduled,
        "logged_in_seconds": logged_in,
        "available_idle_seconds": idle,
        "in_adherence_seconds": adherent,
        "shrink_planned_seconds": planned,
        "shrink_unplanned_seconds": unplanned,
        "absence_unplanned_seconds": absence,
        "productive_seconds": productive,
        "sensitive_exposure_seconds": exposure,
        "sensitive_exposure_max_day_seconds": max_day,
        "moderator_days": staff,
        "moderator_days_over_cap": over_cap,
    }


def _site_month(
    rng: random.Random, site: str, currency: str, period: str, rows: list[DayQueue]
) -> SiteMonth:
    shape = shape_of(site, period)
    start = _headcount_at_end(site, previous_period(period))
    end = _headcount_at_end(site, period)
    average = (start + end + 1) // 2
    leavers = min(start, round(start * _near(rng, shape.attrition, 0.4)))
    participants = min(average, round(average * min(1.0, _near(rng, shape.wellbeing, 0.05))))
    paid_hours = Decimal(sum(r.values["paid_seconds"] for r in rows)) / 3600
    factor = Decimal(str(round(_near(rng, 1.0, 0.02), 4)))
    cost = (paid_hours * shape.wage * factor).quantize(Decimal("0.01"), ROUND_HALF_UP)
    tested = rng.randint(12, 30)
    values = {
        "hc_start": start,
        "hc_end": end,
        "hc_avg": average,
        "leavers": leavers,
        "wellbeing_participants": participants,
        "wellbeing_eligible": average,
        "controls_tested": tested,
        "controls_passed": tested - rng.choice((0, 0, 0, 1, 1, 2, 3)),
        "findings_critical": 1 if rng.random() < 0.12 else 0,
        "findings_overdue_end": rng.choice((0, 0, 1, 1, 2, 3)),
    }
    return SiteMonth(site, currency, values, cost)


# What the pipeline reads back ------------------------------------------------------------


def acme_sla_percent(within: int, eligible: int) -> Decimal:
    """The "Within SLA %" Acme writes: 100 x within / eligible, rounded half up to 2 decimals."""
    return (Decimal(100 * within) / Decimal(eligible)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def acme_within_sla_readback(within: int, eligible: int) -> float:
    """Items within SLA as the pipeline reads them back from an Acme file.

    The file holds the rounded percentage, so the pipeline computes percent / 100 x eligible
    (`percent_of: items_sla_eligible`): 1,201 of 1,234 eligible items is written 97.33 and
    reads back as 1201.0522. The error is at most 0.005 % of the eligible items.
    """
    return float(acme_sla_percent(within, eligible)) * 0.01 * eligible


def _readback(layout: str, measure: str, row: DayQueue) -> float:
    if layout == ACME and measure == "items_within_sla":
        return acme_within_sla_readback(
            row.values["items_within_sla"], row.values["items_sla_eligible"]
        )
    return float(row.values[measure])


def layouts_of(site: str) -> tuple[str, ...]:
    """Every layout holding some of a site's measures."""
    return (SITE_LAYOUT[site], *MONTHLY_LAYOUTS)


def expected_harmonised(
    truth: GroundTruth, layouts: Iterable[str] | None = None
) -> dict[str, dict[str, float]]:
    """Per site, the measures the pipeline should read back, rolled up over the month.

    Computed from the ground truth alone, by the framework's roll-up rule of each measure:
    `sum` adds the rows; `snapshot_end` adds the queues' values on the last day; `max` keeps
    the largest; `snapshot_avg` averages the days of the queues' total (a monthly measure has
    one value). Canonical units: seconds, and money in the site's currency.

    Args:
        truth: The ground truth.
        layouts: Only the measures these layouts write (default: every layout of each site).

    Returns:
        Site id -> measure id -> value.
    """
    fw = framework()
    chosen = set(layouts) if layouts is not None else None
    out: dict[str, dict[str, float]] = {}
    for site in truth.sites:
        measures: dict[str, float] = {}
        rows = truth.rows(site)
        for layout in layouts_of(site):
            if chosen is not None and layout not in chosen:
                continue
            for measure_id in LAYOUT_MEASURES[layout]:
                measure = fw.measure(measure_id)
                assert measure is not None and measure.rollup is not None, measure_id
                if layout in MONTHLY_LAYOUTS:
                    month = truth.monthly[site]
                    measures[measure_id] = (
                        float(month.cost_total)
                        if measure_id == "cost_total"
                        else float(month.values[measure_id])
                    )
                    continue
                measures[measure_id] = _roll_up(
                    measure.rollup, [(r.day, _readback(layout, measure_id, r)) for r in rows]
                )
        if measures:
            out[site] = measures
    return out


def _roll_up(rule: str, dated: list[tuple[dt.date, float]]) -> float:
    by_day: dict[dt.date, float] = {}
    for day, value in dated:
        by_day[day] = by_day.get(day, 0.0) + value
    if rule == "sum":
        return sum(v for _, v in dated)
    if rule == "snapshot_end":
        return by_day[max(by_day)]
    if rule == "snapshot_avg":
        return sum(by_day.values()) / len(by_day)
    if rule == "max":
        return max(v for _, v in dated)
    if rule == "min":
        return min(v for _, v in dated)
    raise ValueError(f"unknown roll-up {rule!r}")


# Writing files ---------------------------------------------------------------------------


def file_name(layout: str, period: str, site: str | None = None) -> str:
    """The name a layout's file has for a period (and site, for per-site layouts)."""
    names: dict[str, Callable[[], str]] = {
        ACME: lambda: f"{site}_ops_{period}.xlsx",
        TELEWORKS: lambda: f"TW_{site}_{period.replace('-', '')}.csv",
        LATAM_CX: lambda: f"LatAmCX_{site}_{period}.xls",
        INHOUSE: lambda: (
            f"{site}_daily_metrics_{period}." + ("ods" if site in ODS_SITES else "xlsx")
        ),
        HR: lambda: f"HR_headcount_{period}.xlsx",
        FINANCE: lambda: f"Finance_site_costs_{period}.xlsx",
        COMPLIANCE: lambda: f"Compliance_controls_{period}.csv",
    }
    if layout in OPS_LAYOUTS and site is None:
        raise ValueError(f"the {layout} layout has one file per site: name the site")
    return names[layout]()


def _stamp(period: str) -> dt.datetime:
    """When the month's files were produced: 06:00 on the first day of the next month."""
    last = period_days(period)[-1]
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(6, 0))


_ZIP_TIME: Final = (2026, 1, 1, 0, 0, 0)


def save_workbook(book: Any, path: Path, stamp: dt.datetime) -> Path:
    """Save an openpyxl workbook with fixed metadata, so the bytes depend on the content only.

    openpyxl stamps the save time into docProps/core.xml and each zip entry; both are
    replaced by `stamp` and a fixed entry time.

    Args:
        book: The openpyxl Workbook.
        path: Where to write the .xlsx file.
        stamp: The creation and modification time to record.

    Returns:
        The path written.
    """
    book.properties.creator = "opsgov sample generator"
    book.properties.lastModifiedBy = "opsgov sample generator"
    book.properties.created = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + when + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    return path


def _hms(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _mmss(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _hours(seconds: int) -> Decimal:
    """Seconds as hours; exact with 2 decimals for multiples of 36 seconds."""
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP)


_HEADER_FONT: Final = Font(bold=True, color="FFFFFF")
_HEADER_FILL: Final = PatternFill("solid", fgColor="1F4E78")


def _style_header(ws: Any, row: int, first_col: int, count: int) -> None:
    for col in range(first_col, first_col + count):
        cell = ws.cell(row=row, column=col)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


# Acme BPO ----------------------------------------------------------------------------------

Render = Callable[[DayQueue], Any]


def _count(measure: str) -> Render:
    return lambda r: r.values[measure]


def _acme_hms(measure: str) -> Render:
    return lambda r: _hms(r.values[measure])


ACME_COLUMNS: Final[tuple[tuple[str, Render], ...]] = (
    ("Date", lambda r: r.day),
    ("Queue", lambda r: ACME_QUEUES[r.queue]),
    ("Items Received", _count("items_received")),
    ("Items Handled", _count("items_handled")),
    ("AHT (mm:ss)", lambda r: _mmss(r.aht)),
    ("SLA Eligible", _count("items_sla_eligible")),
    (
        "Within SLA %",
        lambda r: float(
            acme_sla_percent(r.values["items_within_sla"], r.values["items_sla_eligible"])
        ),
    ),
    ("Backlog (EOD)", _count("backlog_open_end")),
    ("Backlog Over SLA", _count("backlog_over_sla_end")),
    ("Total Backlog Age (hrs)", lambda r: float(_hours(r.values["backlog_age_seconds_sum_end"]))),
    ("Audits Sampled", _count("qa_audited")),
    ("Audits Passed", _count("qa_correct")),
    ("Critical Errors", _count("qa_critical_errors")),
    ("Appeals Decided", _count("appeals_decided")),
    ("Appeals Overturned", _count("appeals_overturned")),
    ("Paid Time", _acme_hms("paid_seconds")),
    ("Scheduled Time", _acme_hms("scheduled_seconds")),
    ("Logged In Time", _acme_hms("logged_in_seconds")),
    ("Idle Time", _acme_hms("available_idle_seconds")),
    ("Time in Adherence", _acme_hms("in_adherence_seconds")),
    ("Planned Shrinkage", _acme_hms("shrink_planned_seconds")),
    ("Unplanned Shrinkage", _acme_hms("shrink_unplanned_seconds")),
    ("Unplanned Absence", _acme_hms("absence_unplanned_seconds")),
    ("Productive Time", _acme_hms("productive_seconds")),
    ("Exposure Time", _acme_hms("sensitive_exposure_seconds")),
    ("Moderator Days", _count("moderator_days")),
    ("Days Over Cap", _count("moderator_days_over_cap")),
)
"""Acme's columns, from column B, and how each cell is written."""

ACME_TITLE: Final = "ACME BPO SERVICES \u2014 Daily Operations Report"


def _acme_totals(rows: list[DayQueue]) -> list[Any]:
    def total(measure: str) -> int:
        return sum(r.values[measure] for r in rows)

    totals: list[Any] = []
    for header, _ in ACME_COLUMNS:
        if header == "Date":
            totals.append("TOTAL")
        elif header == "Queue":
            totals.append("All queues")
        elif header == "AHT (mm:ss)":
            totals.append(_mmss(round(total("handle_seconds") / total("items_handled"))))
        elif header == "Within SLA %":
            totals.append(
                float(acme_sla_percent(total("items_within_sla"), total("items_sla_eligible")))
            )
        elif header in {"Backlog (EOD)", "Backlog Over SLA", "Total Backlog Age (hrs)"}:
            totals.append(None)  # stocks are not added up over days
        else:
            index = [h for h, _ in ACME_COLUMNS].index(header)
            sample = ACME_COLUMNS[index][1](rows[0])
            measure = _ACME_MEASURE[header]
            totals.append(_hms(total(measure)) if isinstance(sample, str) else total(measure))
    return totals


_ACME_MEASURE: Final[Mapping[str, str]] = {
    "Items Received": "items_received",
    "Items Handled": "items_handled",
    "SLA Eligible": "items_sla_eligible",
    "Audits Sampled": "qa_audited",
    "Audits Passed": "qa_correct",
    "Critical Errors": "qa_critical_errors",
    "Appeals Decided": "appeals_decided",
    "Appeals Overturned": "appeals_overturned",
    "Paid Time": "paid_seconds",
    "Scheduled Time": "scheduled_seconds",
    "Logged In Time": "logged_in_seconds",
    "Idle Time": "available_idle_seconds",
    "Time in Adherence": "in_adherence_seconds",
    "Planned Shrinkage": "shrink_planned_seconds",
    "Unplanned Shrinkage": "shrink_unplanned_seconds",
    "Unplanned Absence": "absence_unplanned_seconds",
    "Productive Time": "productive_seconds",
    "Exposure Time": "sensitive_exposure_seconds",
    "Moderator Days": "moderator_days",
    "Days Over Cap": "moderator_days_over_cap",
}


def acme_workbook(truth: GroundTruth, site: str) -> Any:
    """Acme's daily operations report for one site, as an openpyxl Workbook (not saved).

    Row 1 is a title banner merged across the table, row 2 the site and period, row 3 blank,
    row 4 the header from column B, then one row per day and queue, a TOTAL row, a blank row
    and a Notes line. A second sheet holds Acme's metric definitions.
    """
    rows = truth.rows(site)
    book = Workbook()
    ws = book.active
    ws.title = ACME_SHEET
    last_col = ACME_FIRST_COL + len(ACME_COLUMNS) - 1
    ws.cell(row=1, column=ACME_FIRST_COL, value=ACME_TITLE).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=ACME_FIRST_COL, end_row=1, end_column=last_col)
    month = period_days(truth.period)[0].strftime("%B %Y")
    site_name = registry().site(site)
    ws.cell(
        row=2,
        column=ACME_FIRST_COL,
        value=f"Site: {site_name.name if site_name else site} ({site})  |  Period: {month}",
    ).font = Font(italic=True)
    for offset, (header, _) in enumerate(ACME_COLUMNS):
        ws.cell(row=ACME_HEADER_ROW, column=ACME_FIRST_COL + offset, value=header)
    _style_header(ws, ACME_HEADER_ROW, ACME_FIRST_COL, len(ACME_COLUMNS))
    row_number = ACME_HEADER_ROW
    for row in rows:
        row_number += 1
        for offset, (header, render) in enumerate(ACME_COLUMNS):
            cell = ws.cell(row=row_number, column=ACME_FIRST_COL + offset, value=render(row))
            if header == "Date":
                cell.number_format = "dd-mmm-yyyy"
            elif header in {"Within SLA %", "Total Backlog Age (hrs)"}:
                cell.number_format = "0.00"
    row_number += 1
    for offset, value in enumerate(_acme_totals(rows)):
        cell = ws.cell(row=row_number, column=ACME_FIRST_COL + offset, value=value)
        cell.font = Font(bold=True)
    ws.cell(
        row=row_number + 2,
        column=ACME_FIRST_COL,
        value="Notes: AHT is per handled item (mm:ss). Within SLA % is of SLA-eligible items. "
        "Times are hh:mm:ss. Backlog figures are end-of-day snapshots.",
    )
    ws.freeze_panes = ws.cell(row=ACME_HEADER_ROW + 1, column=ACME_FIRST_COL + 2)
    ws.column_dimensions["A"].width = 2
    glossary = book.create_sheet("Definitions")
    glossary.append(["Metric", "Definition"])
    glossary.append(["AHT", "Average handle time per handled item, mm:ss"])
    glossary.append(["Within SLA %", "Share of SLA-eligible items decided within target"])
    glossary.append(["Backlog (EOD)", "Items open at end of day"])
    glossary.append(["Exposure Time", "Time on graphic or disturbing content"])
    return book


def write_acme(truth: GroundTruth, site: str, path: Path) -> Path:
    """Write Acme's `.xlsx` daily operations report for one site."""
    return save_workbook(acme_workbook(truth, site), path, _stamp(truth.period))


# Teleworks ---------------------------------------------------------------------------------

_PT: Final = str.maketrans(",.", ".,")


def pt_number(value: int | Decimal, decimals: int = 0) -> str:
    """A number as Teleworks writes it: `1.234` thousands, `1.234,50` decimals."""
    return f"{value:,.{decimals}f}".translate(_PT)


def _pt_hours(measure: str) -> Render:
    return lambda r: pt_number(_hours(r.values[measure]), 2)


def _pt_count(measure: str) -> Render:
    return lambda r: pt_number(r.values[measure])


TELEWORKS_COLUMNS: Final[tuple[tuple[str, Render], ...]] = (
    ("Data", lambda r: r.day.strftime("%d/%m/%Y")),
    ("Fila", lambda r: TELEWORKS_QUEUES[r.queue]),
    ("Recebidos", _pt_count("items_received")),
    ("Tratados", _pt_count("items_handled")),
    ("Tempo médio (min)", lambda r: pt_number(Decimal(r.aht) / 60, 2)),
    ("Elegíveis SLA", _pt_count("items_sla_eligible")),
    ("Dentro do SLA", _pt_count("items_within_sla")),
    ("Pendentes", _pt_count("backlog_open_end")),
    ("Pendentes fora do SLA", _pt_count("backlog_over_sla_end")),
    ("Idade total pendentes (h)", _pt_hours("backlog_age_seconds_sum_end")),
    ("Auditorias", _pt_count("qa_audited")),
    ("Auditorias corretas", _pt_count("qa_correct")),
    ("Erros críticos", _pt_count("qa_critical_errors")),
    ("Horas pagas", _pt_hours("paid_seconds")),
    ("Horas escaladas", _pt_hours("scheduled_seconds")),
    ("Horas logadas", _pt_hours("logged_in_seconds")),
    ("Horas disponíveis", _pt_hours("available_idle_seconds")),
    ("Horas em aderência", _pt_hours("in_adherence_seconds")),
    ("Shrinkage planeado (h)", _pt_hours("shrink_planned_seconds")),
    ("Shrinkage não planeado (h)", _pt_hours("shrink_unplanned_seconds")),
    ("Ausências não planeadas (h)", _pt_hours("absence_unplanned_seconds")),
    ("Horas produtivas", _pt_hours("productive_seconds")),
    ("Exposição sensível (h)", _pt_hours("sensitive_exposure_seconds")),
    ("Dias-moderador", _pt_count("moderator_days")),
    ("Dias acima do limite", _pt_count("moderator_days_over_cap")),
)
"""Teleworks' columns and how each field is written (all text)."""


_TELEWORKS_TOTALS: Final[Mapping[str, str]] = {
    "Recebidos": "items_received",
    "Tratados": "items_handled",
    "Elegíveis SLA": "items_sla_eligible",
    "Dentro do SLA": "items_within_sla",
    "Auditorias": "qa_audited",
    "Auditorias corretas": "qa_correct",
    "Erros críticos": "qa_critical_errors",
    "Horas pagas": "paid_seconds",
    "Horas escaladas": "scheduled_seconds",
    "Horas logadas": "logged_in_seconds",
    "Horas disponíveis": "available_idle_seconds",
    "Horas em aderência": "in_adherence_seconds",
    "Shrinkage planeado (h)": "shrink_planned_seconds",
    "Shrinkage não planeado (h)": "shrink_unplanned_seconds",
    "Ausências não planeadas (h)": "absence_unplanned_seconds",
    "Horas produtivas": "productive_seconds",
    "Exposição sensível (h)": "sensitive_exposure_seconds",
    "Dias-moderador": "moderator_days",
    "Dias acima do limite": "moderator_days_over_cap",
}


def write_teleworks(truth: GroundTruth, site: str, path: Path) -> Path:
    """Write Teleworks' semicolon-separated Windows-1252 `.csv` for one site."""
    rows = truth.rows(site)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([h for h, _ in TELEWORKS_COLUMNS])
    for row in rows:
        writer.writerow([render(row) for _, render in TELEWORKS_COLUMNS])

    def summed(measure: str) -> int:
        return sum(r.values[measure] for r in rows)

    total = ["Total", ""]
    for header, render in TELEWORKS_COLUMNS[2:]:
        measure = _TELEWORKS_TOTALS.get(header)
        if measure is None:  # averages and end-of-day stocks are not added up
            total.append("")
        elif render(rows[0]).count(",") and measure.endswith("_seconds"):
            total.append(pt_number(_hours(summed(measure)), 2))
        else:
            total.append(pt_number(summed(measure)))
    writer.writerow(total)
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    return path


# LatAm CX ----------------------------------------------------------------------------------


def _duration(measure: str) -> Render:
    return lambda r: dt.timedelta(seconds=r.values[measure])


def _share(part: str, whole: str) -> Render:
    return lambda r: r.values[part] / r.values[whole]


LATAM_COLUMNS: Final[tuple[tuple[str, Render], ...]] = (
    ("Fecha", lambda r: r.day),
    ("Casos recibidos", _count("items_received")),
    ("Casos atendidos", _count("items_handled")),
    ("TMO (seg)", lambda r: r.aht),
    ("Casos con SLA", _count("items_sla_eligible")),
    ("% Dentro de SLA", _share("items_within_sla", "items_sla_eligible")),
    ("Pendientes al cierre", _count("backlog_open_end")),
    ("Pendientes fuera de SLA", _count("backlog_over_sla_end")),
    ("Antigüedad total pendientes", _duration("backlog_age_seconds_sum_end")),
    ("Auditorías", _count("qa_audited")),
    ("% Precisión", _share("qa_correct", "qa_audited")),
    ("Errores críticos", _count("qa_critical_errors")),
    ("Tiempo pagado", _duration("paid_seconds")),
    ("Tiempo programado", _duration("scheduled_seconds")),
    ("Tiempo conectado", _duration("logged_in_seconds")),
    ("Tiempo disponible", _duration("available_idle_seconds")),
    ("Tiempo en adherencia", _duration("in_adherence_seconds")),
    ("Reducción planificada", _duration("shrink_planned_seconds")),
    ("Reducción no planificada", _duration("shrink_unplanned_seconds")),
    ("Ausentismo no planificado", _duration("absence_unplanned_seconds")),
    ("Tiempo productivo", _duration("productive_seconds")),
    ("Exposición sensible", _duration("sensitive_exposure_seconds")),
    ("Exposición máxima diaria", _duration("sensitive_exposure_max_day_seconds")),
    ("Días moderador", _count("moderator_days")),
    ("Días sobre el límite", _count("moderator_days_over_cap")),
)
"""LatAm CX's columns; shares are 0-1 fractions, times are Excel durations."""

LATAM_SHEET: Final = "Reporte diario"


def latam_workbook(truth: GroundTruth, site: str) -> Any:
    """LatAm CX's daily report for one site, as an openpyxl Workbook (not saved)."""
    book = Workbook()
    ws = book.active
    ws.title = LATAM_SHEET
    ws.append([h for h, _ in LATAM_COLUMNS])
    _style_header(ws, 1, 1, len(LATAM_COLUMNS))
    for number, row in enumerate(truth.rows(site), start=2):
        for col, (header, render) in enumerate(LATAM_COLUMNS, start=1):
            cell = ws.cell(row=number, column=col, value=render(row))
            if header == "Fecha":
                cell.number_format = "dd/mm/yyyy"
            elif header.startswith("%"):
                cell.number_format = "0.00%"
            elif isinstance(cell.value, dt.timedelta):
                cell.number_format = "[h]:mm:ss"
    return book


def write_latam(truth: GroundTruth, site: str, path: Path) -> Path:
    """Write LatAm CX's legacy `.xls` (BIFF8) for one site, through LibreOffice."""
    return _through_libreoffice(latam_workbook(truth, site), path, truth.period)


def _through_libreoffice(book: Any, path: Path, period: str) -> Path:
    """Save `book` as xlsx, then have LibreOffice write it in `path`'s format."""
    from tests.support.libreoffice import convert  # LibreOffice is needed only here

    fmt = path.suffix.lstrip(".").lower()
    with tempfile.TemporaryDirectory(prefix="opsgov-sample-") as work:
        source = save_workbook(book, Path(work) / f"{path.stem}.xlsx", _stamp(period))
        out_dir = Path(work) / "out"
        out_dir.mkdir()
        path.write_bytes(convert(source, fmt, out_dir).read_bytes())
    return path


# In-house ----------------------------------------------------------------------------------

INHOUSE_COLUMNS: Final[tuple[tuple[str, Render], ...]] = (
    ("Date", lambda r: r.day),
    ("Queue", lambda r: r.queue),
    ("Items Received", _count("items_received")),
    ("Items Handled", _count("items_handled")),
    ("Auto Actioned", _count("items_auto_actioned")),
    ("Handle Time (s)", _count("handle_seconds")),
    ("SLA Eligible", _count("items_sla_eligible")),
    ("Within SLA", _count("items_within_sla")),
    ("Open Backlog", _count("backlog_open_end")),
    ("Backlog Over SLA", _count("backlog_over_sla_end")),
    ("Backlog Age Seconds", _count("backlog_age_seconds_sum_end")),
    ("QA Audited", _count("qa_audited")),
    ("QA Correct", _count("qa_correct")),
    ("QA Critical Errors", _count("qa_critical_errors")),
    ("Appeals Decided", _count("appeals_decided")),
    ("Appeals Overturned", _count("appeals_overturned")),
    ("Paid Seconds", _count("paid_seconds")),
    ("Scheduled Seconds", _count("scheduled_seconds")),
    ("Logged In Seconds", _count("logged_in_seconds")),
    ("Idle Seconds", _count("available_idle_seconds")),
    ("In Adherence Seconds", _count("in_adherence_seconds")),
    ("Planned Shrink Seconds", _count("shrink_planned_seconds")),
    ("Unplanned Shrink Seconds", _count("shrink_unplanned_seconds")),
    ("Unplanned Absence Seconds", _count("absence_unplanned_seconds")),
    ("Productive Seconds", _count("productive_seconds")),
    ("Exposure Seconds", _count("sensitive_exposure_seconds")),
    ("Max Exposure (s)", _count("sensitive_exposure_max_day_seconds")),
    ("Moderator Days", _count("moderator_days")),
    ("Days Over Cap", _count("moderator_days_over_cap")),
)
"""The in-house warehouse export's columns."""

INHOUSE_SHEET: Final = "daily_metrics"


def inhouse_workbook(truth: GroundTruth, site: str) -> Any:
    """The in-house daily metrics export for one site, as an openpyxl Workbook (not saved)."""
    book = Workbook()
    ws = book.active
    ws.title = INHOUSE_SHEET
    ws.append([h for h, _ in INHOUSE_COLUMNS])
    for number, row in enumerate(truth.rows(site), start=2):
        for col, (_, render) in enumerate(INHOUSE_COLUMNS, start=1):
            cell = ws.cell(row=number, column=col, value=render(row))
            if col == 1:
                cell.number_format = "yyyy-mm-dd"
    return book


def write_inhouse(truth: GroundTruth, site: str, path: Path) -> Path:
    """Write the in-house export (`.xlsx` or `.ods` by `path`), saved by LibreOffice."""
    return _through_libreoffice(inhouse_workbook(truth, site), path, truth.period)


# HR, finance, compliance -----------------------------------------------------------------

HR_SHEET: Final = "Headcount"
HR_HEADER_ROW: Final = 3
HR_COLUMNS: Final = (
    ("Site", None),
    ("Month", None),
    ("Opening HC", "hc_start"),
    ("Closing HC", "hc_end"),
    ("Average HC", "hc_avg"),
    ("Leavers", "leavers"),
    ("Wellbeing Participants", "wellbeing_participants"),
    ("Wellbeing Eligible", "wellbeing_eligible"),
)


def write_hr(truth: GroundTruth, path: Path) -> Path:
    """Write People Operations' monthly headcount `.xlsx`: one row per site, by site name."""
    book = Workbook()
    ws = book.active
    ws.title = HR_SHEET
    month = period_days(truth.period)[0].strftime("%B %Y")
    ws["A1"] = f"People Analytics \u2014 Production headcount and wellbeing, {month}"
    ws["A1"].font = Font(bold=True, size=13)
    for col, (header, _) in enumerate(HR_COLUMNS, start=1):
        ws.cell(row=HR_HEADER_ROW, column=col, value=header)
    _style_header(ws, HR_HEADER_ROW, 1, len(HR_COLUMNS))
    for number, site in enumerate(truth.sites, start=HR_HEADER_ROW + 1):
        values = truth.monthly[site].values
        ws.cell(row=number, column=1, value=HR_SITE_NAMES[site])
        ws.cell(row=number, column=2, value=month)
        for col, (_, measure) in enumerate(HR_COLUMNS[2:], start=3):
            assert measure is not None
            ws.cell(row=number, column=col, value=values[measure])
    return save_workbook(book, path, _stamp(truth.period))


FINANCE_SHEET: Final = "Site costs"


def write_finance(truth: GroundTruth, path: Path) -> Path:
    """Write Finance's monthly site cost `.xlsx`: cost in each site's own currency."""
    book = Workbook()
    ws = book.active
    ws.title = FINANCE_SHEET
    ws.append(["Cost Centre", "Period", "Currency", "Total Cost (local)"])
    _style_header(ws, 1, 1, 4)
    for number, site in enumerate(truth.sites, start=2):
        month = truth.monthly[site]
        ws.cell(row=number, column=1, value=FINANCE_COST_CENTRES[site])
        ws.cell(row=number, column=2, value=truth.period)
        ws.cell(row=number, column=3, value=month.currency)
        ws.cell(row=number, column=4, value=float(month.cost_total)).number_format = "#,##0.00"
    return save_workbook(book, path, _stamp(truth.period))


COMPLIANCE_COLUMNS: Final = (
    ("Site", None),
    ("Controls Tested", "controls_tested"),
    ("Controls Passed", "controls_passed"),
    ("Critical Findings", "findings_critical"),
    ("Overdue Remediations", "findings_overdue_end"),
)


def write_compliance(truth: GroundTruth, path: Path) -> Path:
    """Write Risk & Compliance's monthly `.csv` (UTF-8, comma-separated, site ids)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([h for h, _ in COMPLIANCE_COLUMNS])
    for site in truth.sites:
        values = truth.monthly[site].values
        writer.writerow([site, *(values[m] for _, m in COMPLIANCE_COLUMNS[1:] if m)])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# The whole month ---------------------------------------------------------------------------

_SITE_WRITERS: Final[Mapping[str, Callable[[GroundTruth, str, Path], Path]]] = {
    ACME: write_acme,
    TELEWORKS: write_teleworks,
    LATAM_CX: write_latam,
    INHOUSE: write_inhouse,
}
_MONTH_WRITERS: Final[Mapping[str, Callable[[GroundTruth, Path], Path]]] = {
    HR: write_hr,
    FINANCE: write_finance,
    COMPLIANCE: write_compliance,
}


def write_layout(
    truth: GroundTruth, layout: str, folder: Path, site: str | None = None
) -> list[Path]:
    """Write one layout's files for the truth's sites (or one site) into `folder`.

    Returns:
        The files written.
    """
    if layout in _MONTH_WRITERS:
        return [_MONTH_WRITERS[layout](truth, folder / file_name(layout, truth.period))]
    sites = [site] if site is not None else [s for s in truth.sites if SITE_LAYOUT[s] == layout]
    return [
        _SITE_WRITERS[layout](truth, s, folder / file_name(layout, truth.period, s)) for s in sites
    ]


def write_month(truth: GroundTruth, inbox_dir: Path) -> list[Path]:
    """Write every file of the month into `inbox_dir` (created if missing).

    Returns:
        The files written, per-site operations files first.
    """
    inbox_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for layout in OPS_LAYOUTS:
        written.extend(write_layout(truth, layout, inbox_dir))
    for layout in MONTHLY_LAYOUTS:
        written.extend(write_layout(truth, layout, inbox_dir))
    return written


# The flawed submission ---------------------------------------------------------------------


def write_flawed(truth: GroundTruth, path: Path) -> Path:
    """Write Acme's report for the flawed site with the defects of `flawed_expected` planted.

    Args:
        truth: A ground truth holding `flawed_expected.FLAWED_SITE` for its period.
        path: Where to write the `.xlsx` file.

    Returns:
        The path written.
    """
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    from tests.support.flawed_expected import DEFECTS, DUPLICATED_ROW, FLAWED_SITE

    book = acme_workbook(truth, FLAWED_SITE)
    ws = book[ACME_SHEET]
    ws.insert_rows(DUPLICATED_ROW + 1)
    for col in range(ACME_FIRST_COL, ACME_FIRST_COL + len(ACME_COLUMNS)):
        source = ws.cell(row=DUPLICATED_ROW, column=col)
        target = ws.cell(row=DUPLICATED_ROW + 1, column=col, value=source.value)
        target.number_format = source.number_format
    for defect in DEFECTS:
        letters, row = coordinate_from_string(defect.cell)
        cell = ws.cell(row=row, column=column_index_from_string(letters))
        if defect.kind == "rename_column":
            assert cell.value == "Items Received", cell.value
            cell.value = "Items Recvd"
        elif defect.kind == "text_in_number":
            cell.value = "pending"
        elif defect.kind == "excel_error":
            cell.value = "#DIV/0!"  # openpyxl stores the known error texts as error cells
            assert cell.data_type == "e"
        elif defect.kind == "negative_count":
            cell.value = -2
        elif defect.kind == "percent_over_100":
            cell.value = 104.35
        elif defect.kind == "date_outside_period":
            day = cell.value.date() if isinstance(cell.value, dt.datetime) else cell.value
            assert isinstance(day, dt.date)
            cell.value = day.replace(month=day.month - 1 if day.month > 1 else 12)
        elif defect.kind == "unmapped_category":
            cell.value = "Live Streams"
        elif defect.kind == "duplicate_row":
            assert row == DUPLICATED_ROW + 1
        elif defect.kind == "check_failure":
            sampled = ws.cell(row=row, column=cell.column - 1)
            cell.value = int(sampled.value) + 7
        elif defect.kind == "blank_required":
            cell.value = None
        else:
            raise ValueError(f"unknown defect kind {defect.kind!r}")
    return save_workbook(book, path, _stamp(truth.period))
