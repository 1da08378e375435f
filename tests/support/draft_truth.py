"""The ground truth behind the draft-profile corpus: sites, a month of operations, a workspace.

Whole numbers throughout, chosen so that every layout can write them exactly: handle time per
item is a multiple of 3 seconds (0.05 minutes), workforce times and exposure are multiples of
36 seconds (0.01 hours), money is whole cents. Shares are the one thing a layout rounds (a
percentage with two decimals); the expected value read back is then the rounded share times
its base, which each layout's truth states.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

PERIOD: Final = "2026-11"
NEXT_PERIOD: Final = "2026-12"
YEAR, MONTH = 2026, 11
DAYS: Final = tuple(dt.date(YEAR, MONTH, d) for d in range(1, 31))
TS: Final = "trust_safety"
CX: Final = "customer_support"


@dataclass(frozen=True)
class Site:
    """A corpus site: id, name, vendor, country, currency, queues."""

    id: str
    name: str
    vendor: str
    region: str
    country: str
    currency: str
    timezone: str
    queues: tuple[str, ...]


SITES: Final = {
    TS: (
        Site("BCN2", "Barcelona", "iberia_bpo", "EMEA", "ES", "EUR", "Europe/Madrid",
             ("general", "escalations")),
        Site("SAO3", "Sao Paulo", "brasil_ops", "LATAM", "BR", "BRL", "America/Sao_Paulo",
             ("general",)),
        Site("REC1", "Recife", "brasil_ops", "LATAM", "BR", "BRL", "America/Recife",
             ("general",)),
        Site("LYO1", "Lyon", "franco_services", "EMEA", "FR", "EUR", "Europe/Paris",
             ("general", "child_safety")),
        Site("BER4", "Berlin", "dach_ops", "EMEA", "DE", "EUR", "Europe/Berlin", ("general",)),
        Site("MUC2", "Munich", "dach_ops", "EMEA", "DE", "EUR", "Europe/Berlin", ("general",)),
        Site("MIL2", "Milan", "italia_trust", "EMEA", "IT", "EUR", "Europe/Rome",
             ("general", "priority")),
        Site("JKT1", "Jakarta", "nusantara_bpo", "APAC", "ID", "IDR", "Asia/Jakarta",
             ("general", "escalations")),
        Site("CEB2", "Cebu", "visayas_bpo", "APAC", "PH", "PHP", "Asia/Manila",
             ("general", "child_safety")),
        Site("DVO1", "Davao", "mindanao_bpo", "APAC", "PH", "PHP", "Asia/Manila",
             ("general",)),
        Site("ATL1", "Atlanta", "inhouse", "NA", "US", "USD", "America/New_York",
             ("general", "escalations")),
        Site("DUB3", "Dublin", "inhouse", "EMEA", "IE", "EUR", "Europe/Dublin", ("general",)),
        Site("PEN1", "Penang", "semenanjung_bpo", "APAC", "MY", "MYR", "Asia/Kuala_Lumpur",
             ("general", "escalations")),
        Site("LDS1", "Leeds", "inhouse", "EMEA", "GB", "GBP", "Europe/London",
             ("general", "escalations")),
    ),
    CX: (
        Site("LIM1", "Lima", "andes_contact", "LATAM", "PE", "PEN", "America/Lima",
             ("billing", "technical_support")),
        Site("CPT1", "Cape Town", "southpoint_cx", "EMEA", "ZA", "ZAR", "Africa/Johannesburg",
             ("billing", "orders_delivery")),
        Site("MTY1", "Monterrey", "norte_cx", "LATAM", "MX", "MXN", "America/Monterrey",
             ("billing", "complaints")),
    ),
}  # fmt: skip

FX: Final = {"EUR": 1.08, "BRL": 0.18, "IDR": 0.000063, "PHP": 0.0175, "USD": 1.0,
             "PEN": 0.27, "ZAR": 0.055, "MYR": 0.22, "GBP": 1.27, "MXN": 0.055}  # fmt: skip


@dataclass
class Row:
    """One site, day and queue (queue None for a whole-site row)."""

    site: str
    day: dt.date
    queue: str | None
    values: dict[str, int] = field(default_factory=dict)


def _ops_row(rng: random.Random, site: str, day: dt.date, queue: str, scale: float) -> Row:
    received = int(rng.randint(800, 2400) * scale)
    handled = int(received * rng.uniform(0.93, 1.05))
    aht = 3 * rng.randint(80, 240)  # 240 to 720 seconds per item, a multiple of 3
    eligible = handled - rng.randint(0, max(1, handled // 50))
    within = int(eligible * rng.uniform(0.86, 0.975))
    backlog = int(received * rng.uniform(0.3, 0.8))
    over = int(backlog * rng.uniform(0.04, 0.15))
    audited = max(20, handled // 50 + rng.randint(-5, 5))
    correct = int(audited * rng.uniform(0.9, 0.99))
    handle = aht * handled
    agents = max(4, round(handle / (8 * 3600 * 0.62)))
    paid = agents * 800 * 36 + rng.randint(-40, 40) * 36  # about eight hours an agent
    scheduled = round(paid * 0.95 / 36) * 36
    logged = round(scheduled * rng.uniform(0.86, 0.92) / 36) * 36
    idle = round(logged * rng.uniform(0.1, 0.18) / 36) * 36
    values = {
        "items_received": received,
        "items_handled": handled,
        "aht": aht,
        "handle_seconds": handle,
        "items_sla_eligible": eligible,
        "items_within_sla": within,
        "backlog_open_end": backlog,
        "backlog_over_sla_end": over,
        "backlog_age_seconds_sum_end": backlog * 36 * rng.randint(200, 900),
        "qa_audited": audited,
        "qa_correct": correct,
        "qa_critical_errors": rng.randint(0, 3),
        "appeals_decided": rng.randint(10, 90),
        "paid_seconds": paid,
        "scheduled_seconds": scheduled,
        "logged_in_seconds": logged,
        "available_idle_seconds": idle,
        "in_adherence_seconds": round(scheduled * rng.uniform(0.86, 0.94) / 36) * 36,
        "shrink_planned_seconds": round(paid * rng.uniform(0.08, 0.14) / 36) * 36,
        "shrink_unplanned_seconds": round(paid * rng.uniform(0.03, 0.07) / 36) * 36,
        "absence_unplanned_seconds": round(scheduled * rng.uniform(0.02, 0.07) / 36) * 36,
        "productive_seconds": logged - idle,
        "moderator_days": agents,
        "moderator_days_over_cap": rng.randint(0, max(1, agents // 30)),
        "sensitive_exposure_seconds": agents * 36 * rng.randint(250, 340),
    }
    values["appeals_overturned"] = int(values["appeals_decided"] * rng.uniform(0.04, 0.14))
    offered = received
    answered = int(offered * rng.uniform(0.9, 0.97))
    responses = max(30, answered // 12)
    fcr_eligible = answered - rng.randint(0, 20)
    values.update(
        rt_offered=offered,
        rt_answered=answered,
        rt_abandoned=offered - answered,
        answered_within_threshold=int(answered * rng.uniform(0.72, 0.9)),
        abandoned_after_threshold=int((offered - answered) * rng.uniform(0.5, 0.8)),
        csat_responses=responses,
        csat_satisfied=int(responses * rng.uniform(0.75, 0.92)),
        fcr_eligible=fcr_eligible,
        fcr_resolved=int(fcr_eligible * rng.uniform(0.68, 0.84)),
    )
    return Row(site, day, queue, values)


@dataclass
class Truth:
    """A month of ground truth for the corpus sites."""

    framework: str
    rows: list[Row]
    monthly: dict[str, dict[str, int]]

    def site_rows(self, site: str) -> list[Row]:
        """The daily rows of one site."""
        return [r for r in self.rows if r.site == site]

    def site(self, site_id: str) -> Site:
        """A corpus site by id."""
        return next(s for s in SITES[self.framework] if s.id == site_id)


def make_truth(framework: str, seed: int) -> Truth:
    """Daily rows for every site and queue of the framework's sites, and monthly HR/finance."""
    rng = random.Random(seed)
    rows: list[Row] = []
    monthly: dict[str, dict[str, int]] = {}
    for site in SITES[framework]:
        scale = rng.uniform(0.6, 1.6)
        for day in DAYS:
            for queue in site.queues:
                rows.append(_ops_row(rng, site.id, day, queue, scale))
        hc_start = rng.randint(120, 600)
        hc_end = hc_start + rng.randint(-20, 25)
        monthly[site.id] = {
            "hc_start": hc_start,
            "hc_end": hc_end,
            "hc_avg": (hc_start + hc_end) // 2,
            "leavers": rng.randint(3, 25),
            "cost_total_cents": rng.randint(20_000_000, 90_000_000),
        }
    return Truth(framework, rows, monthly)


def write_workspace(root: Path, framework: str) -> Path:
    """A workspace for the framework's corpus sites: settings, registry, FX rates, folders."""
    root.mkdir(parents=True, exist_ok=True)
    sites = SITES[framework]
    (root / "opsgov.yaml").write_text(
        "kind: workspace\n"
        "name: Draft corpus\n"
        f"framework: builtin:{framework}\n"
        "registry: registry.yaml\n"
        "reporting_currency: USD\n"
        "fx_rates: fx_rates.csv\n"
        "inputs: inbox/{period}\n"
        "outputs: out/{period}\n",
        encoding="utf-8",
    )
    vendors = sorted({s.vendor for s in sites})
    regions = sorted({s.region for s in sites})
    lines = ["kind: registry", "regions:"]
    lines += [f"  - {{id: {r}, name: {r}}}" for r in regions]
    lines.append("vendors:")
    for v in vendors:
        kind = "in_house" if v == "inhouse" else "bpo"
        lines.append(f"  - {{id: {v}, name: {v.replace('_', ' ').title()}, type: {kind}}}")
    lines.append("sites:")
    for s in sites:
        lines += [
            f"  - id: {s.id}",
            f'    name: "{s.name}"',
            f"    vendor: {s.vendor}",
            f"    region: {s.region}",
            f"    country: {s.country}",
            f"    currency: {s.currency}",
            f"    timezone: {s.timezone}",
            f"    queues: [{', '.join(s.queues)}]",
            "    status: live",
            '    go_live: "2024-01-15"',
        ]
    (root / "registry.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    currencies = sorted({s.currency for s in sites} - {"USD"})
    fx = ["period,from_currency,to_currency,rate"]
    fx += [f"{PERIOD},{c},USD,{FX[c]}" for c in currencies]
    (root / "fx_rates.csv").write_text("\n".join(fx) + "\n", encoding="utf-8")
    (root / "profiles").mkdir(exist_ok=True)
    return root


def totals(rows: list[Row], measures: Mapping[str, str]) -> dict[str, dict[str, float]]:
    """Per site, each measure summed over rows (`measures` maps measure -> truth key)."""
    out: dict[str, dict[str, float]] = {}
    for row in rows:
        site = out.setdefault(row.site, {})
        for measure, key in measures.items():
            site[measure] = site.get(measure, 0.0) + row.values[key]
    return out
