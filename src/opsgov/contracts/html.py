"""`credits.html`: the credits report as one self-contained page, through a template."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from opsgov.contracts.frontier import frontier_svg
from opsgov.contracts.markdown import STATUS_TEXT, value_text
from opsgov.contracts.money import ZERO, money_text
from opsgov.contracts.pricing import units_text
from opsgov.models.credits import CreditsReport
from opsgov.render.env import environment

TEMPLATE = "credits.html.j2"


def credits_html(report: CreditsReport, template_dirs: Sequence[Path] = ()) -> str:
    """Render the report (a workspace's `templates/credits.html.j2` overrides the built-in)."""
    vendors = []
    for v in report.vendors:
        asked = [m for m in v.months if m.period in report.periods]
        vendors.append(
            {
                "v": v,
                "asked": asked,
                "credited": sum((m.credited for m in asked), ZERO),
                "earned": sum((m.earned_back for m in asked), ZERO),
                "net": sum((m.net for m in asked), ZERO),
            }
        )
    context = {
        "title": f"Service credits: {', '.join(report.periods)}",
        "report": report,
        "report_date": report.report_date,
        "vendors": vendors,
        "frontier": frontier_svg(report.economics, report.reporting_currency),
        "money": money_text,
        "units": lambda u: "\u2014" if u is None else units_text(u),
        "value": value_text,
        "status_text": STATUS_TEXT,
    }
    return environment(template_dirs).get_template(TEMPLATE).render(**context)
