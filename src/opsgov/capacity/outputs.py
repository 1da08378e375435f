"""Every output of `opsgov capacity`, by file name, each rendered to bytes from the plan."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from jinja2 import Environment

from opsgov.capacity.results import CapacityPlan, ResilienceCell

Renderer = Callable[[CapacityPlan, Environment], bytes]

GREEN, AMBER = 0.95, 0.8
"""Heat map bands of the service level after a site loss."""


def band(value: float | None) -> str:
    """green, amber or red for a service level after a loss (no_data when there is none)."""
    if value is None:
        return "no_data"
    return "green" if value >= GREEN else "amber" if value >= AMBER else "red"


def fte_rows(plan: CapacityPlan) -> list[dict[str, Any]]:
    """The FTE plan: one row per site queue and language, then each site's total and gap."""
    rows: list[dict[str, Any]] = []
    gaps = {(s.site, s.queue): s for s in plan.sites}
    for site in dict.fromkeys(s.site for s in plan.streams):
        mine = [s for s in plan.streams if s.site == site]
        for s in mine:
            rows.append(
                {
                    "kind": "stream",
                    "site": site,
                    "queue": s.queue,
                    "language": s.language or "-",
                    "model": s.model,
                    "fte": [m.fte for m in s.months],
                    "scheduled": [m.scheduled for m in s.months],
                }
            )
        total = gaps.get((site, ""))
        rows.append(
            {
                "kind": "total",
                "site": site,
                "queue": "all",
                "language": "",
                "model": "",
                "fte": [
                    sum(m.fte for s in mine for m in s.months if m.period == p)
                    for p in plan.periods
                ],
                "scheduled": [],
                "headcount": [m.headcount for m in total.months] if total else [],
                "gap": [m.gap for m in total.months] if total else [],
                "hire_by": next((m.hire_by for m in total.months if m.triggered), None)
                if total
                else None,
            }
        )
    return rows


def heat(plan: CapacityPlan) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """Columns (queue, language) and, per lost site, its cells by column."""
    columns = sorted({(c.queue, c.language) for c in plan.resilience})
    rows = []
    for lost in dict.fromkeys(c.lost_site for c in plan.resilience):
        cells: dict[tuple[str, str], ResilienceCell] = {
            (c.queue, c.language): c for c in plan.resilience if c.lost_site == lost
        }
        rows.append(
            {
                "site": lost,
                "cells": [
                    {
                        "cell": cells.get(col),
                        "band": band(cells[col].service_level) if col in cells else "none",
                    }
                    for col in columns
                ],
                "unabsorbed": sum(c.unabsorbed for c in cells.values()),
            }
        )
    return columns, rows


def context(plan: CapacityPlan) -> dict[str, Any]:
    """What the templates see."""
    columns, heat_rows = heat(plan)
    counts = {
        s: sum(1 for f in plan.findings if f.severity.value == s)
        for s in ("error", "warning", "info")
    }
    return {
        "plan": plan,
        "fte_rows": fte_rows(plan),
        "heat_columns": columns,
        "heat_rows": heat_rows,
        "counts": counts,
        "spof": [r for r in plan.spof if r.single_site or r.single_vendor],
        "spof_sites": sorted({site for r in plan.spof for site in r.sites}),
        "title": f"Capacity plan: {plan.workspace}",
        "confidence": round(100 * plan.settings["confidence"]),
        "report_date": plan.as_of,
    }


def render_json(plan: CapacityPlan, env: Environment) -> bytes:
    """`capacity.json`: the whole plan."""
    del env
    data = plan.model_dump(mode="json")
    return (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def render_template(name: str) -> Renderer:
    """A renderer for one template of `templates/`."""

    def render(plan: CapacityPlan, env: Environment) -> bytes:
        return env.get_template(name).render(**context(plan)).encode("utf-8")

    return render


def render_xlsx(plan: CapacityPlan, env: Environment) -> bytes:
    """The workbook (openpyxl is imported only when one is written)."""
    from opsgov.capacity.xlsx import render_xlsx as render

    del env
    return render(plan, fte_rows(plan), heat(plan))


OUTPUTS: dict[str, Renderer] = {
    "capacity.json": render_json,
    "capacity.md": render_template("capacity.md.j2"),
    "capacity.html": render_template("capacity.html.j2"),
    "capacity.xlsx": render_xlsx,
}
"""Output file name -> renderer."""
