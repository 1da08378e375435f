"""`credits.md`: the credits report as Markdown, for wikis, tickets and pull requests."""

from __future__ import annotations

from decimal import Decimal

from opsgov.contracts.money import ZERO, money_text
from opsgov.contracts.pricing import units_text
from opsgov.models.credits import (
    CreditsReport,
    MonthCredits,
    VendorCredits,
    WhatIfReport,
    WhatIfTerms,
)

STATUS_TEXT = {
    "met_target": "met target",
    "met_minimum": "met minimum",
    "missed": "MISSED",
    "excluded": "excluded",
    "no_data": "no data",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def value_text(value: float | None, kpi_unit_percent: bool) -> str:
    """A service level's value: percent for fractions, else 4 significant digits."""
    if value is None:
        return "\u2014"
    return f"{value:.2%}" if kpi_unit_percent else f"{value:,.4g}"


def _is_fraction(target: float) -> bool:
    return 0 < target <= 1


def _units(value: Decimal | None) -> str:
    return "\u2014" if value is None else units_text(value)


def _month(lines: list[str], vendor: VendorCredits, month: MonthCredits) -> None:
    cur = vendor.currency
    lines += [
        f"### {month.period} (version {month.version})",
        "",
        f"- Charges recomputed: {money_text(month.charges_total, cur)}",
        f"- At risk: {money_text(month.at_risk, cur)} ({_cell(month.at_risk_arithmetic)})",
        f"- Cap: {money_text(month.cap, cur)}"
        + (
            f", **binds**: {money_text(month.credits_before_cap, cur)} shared {month.split}"
            if month.cap_binds
            else ""
        ),
        f"- Credited: **{money_text(month.credited, cur)}**; earned back this month: "
        f"{money_text(month.earned_back, cur)}; net {money_text(month.net, cur)}",
        "",
        "| service level | KPI | months | value | target | minimum | status | credit | credited |",
        "|---|---|---|---|---|---|---|---:|---:|",
    ]
    for sl in month.service_levels:
        pct = _is_fraction(sl.target)
        name = sl.name + ("" if sl.critical else " (key measurement)")
        lines.append(
            f"| {_cell(name)} | {sl.kpi} | {', '.join(sl.months) or '-'} | "
            f"{value_text(sl.value, pct)} | {value_text(sl.target, pct)} | "
            f"{value_text(sl.minimum, pct)} | {STATUS_TEXT[sl.status]} | "
            f"{money_text(sl.credit)} | {money_text(sl.credited)} |"
        )
    steps = [(sl.sl, step) for sl in month.service_levels for step in sl.arithmetic]
    if steps:
        lines += ["", "Arithmetic:", ""]
        lines += [f"- `{sl}`: {_cell(step)}" for sl, step in steps]
    if month.charges:
        lines += ["", "| charge | basis | units | amount | arithmetic |", "|---|---|---:|---:|---|"]
        for c in month.charges:
            units = "" if c.units is None else units_text(c.units)
            lines.append(
                f"| {c.line} | {c.basis} | {units} | {money_text(c.amount)} | "
                f"{_cell(c.arithmetic)} |"
            )
    if month.invoice is not None:
        inv = month.invoice
        lines += [
            "",
            f"Invoice `{_cell(inv.file)}`: {money_text(inv.invoiced, cur)} invoiced, "
            f"{money_text(inv.recomputed, cur)} recomputed, difference "
            f"**{inv.difference:+,.2f} {cur}**, {inv.findings} finding(s).",
            "",
            "| line | cell | units | recomputed units | rate | contract rate | invoiced | "
            "recomputed | difference | within tolerance |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for ln in inv.lines:
            diff = "\u2014" if ln.difference is None else f"{ln.difference:+,.2f}"
            lines.append(
                f"| {_cell(ln.line)} | {ln.cell} | {_units(ln.units)} | "
                f"{_units(ln.recomputed_units)} | {_units(ln.rate)} | {_units(ln.contract_rate)} | "
                f"{money_text(ln.invoiced)} | {money_text(ln.recomputed)} | {diff} | "
                f"{'yes' if ln.within_tolerance else 'NO'} |"
            )
    if month.earn_back:
        lines += [
            "",
            "| earn-back of | SL | credited | window | status | earned | why |",
            "|---|---|---:|---|---|---:|---|",
        ]
        for e in month.earn_back:
            lines.append(
                f"| {e.credit_period} | {e.sl} | {money_text(e.credited)} | "
                f"{e.window[0]} to {e.window[-1]} | {e.status} | {money_text(e.earned)} | "
                f"{_cell(e.why)} |"
            )
    lines.append("")


def _num(value: float | None, digits: int = 2) -> str:
    return "\u2014" if value is None else f"{value:,.{digits}f}"


def _economics(lines: list[str], report: CreditsReport) -> None:
    cur = report.reporting_currency
    lines += [
        f"## Unit economics ({cur})",
        "",
        "Cost is the finance cost of the vendor's sites; quality-adjusted items are items x "
        "accuracy; the weighted variant counts a critical error as five errors; the cost index "
        "compares cost per quality-adjusted item with the in-house operation's. Frontier: no "
        "other vendor is both cheaper per quality-adjusted item and more accurate.",
        "",
        "| vendor | cost per item | per productive hour | per quality item | per weighted item "
        "| accuracy | cost index | credits / spend | frontier |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for e in report.economics:
        share = "\u2014" if e.credits_share is None else f"{e.credits_share:.2%}"
        acc = "\u2014" if e.accuracy is None else f"{e.accuracy:.2%}"
        lines.append(
            f"| {e.vendor} | {_num(e.cost_per_item)} | {_num(e.cost_per_productive_hour)} | "
            f"{_num(e.cost_per_quality_item)} | {_num(e.cost_per_weighted_item)} | {acc} | "
            f"{_num(e.cost_index, 3)} | {share} | {'yes' if e.on_frontier else ''} |"
        )
    lines.append("")


def credits_markdown(report: CreditsReport) -> str:
    """The whole report."""
    lines = [
        f"# Service credits: {', '.join(report.periods)}",
        "",
        f"{report.workspace}. Report date {report.report_date}. Money in each contract's "
        f"currency; net in {report.reporting_currency} at the month's rate.",
        "",
        "| vendor | contract | currency | credited | earned back | net | "
        f"net {report.reporting_currency} |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for v in report.vendors:
        asked = [m for m in v.months if m.period in report.periods]
        credited = sum((m.credited for m in asked), ZERO)
        earned = sum((m.earned_back for m in asked), ZERO)
        net = "\u2014" if v.net_reporting is None else f"{v.net_reporting:,.2f}"
        lines.append(
            f"| {v.vendor} | {_cell(v.name)} | {v.currency} | {money_text(credited)} | "
            f"{money_text(earned)} | {money_text(credited - earned)} | {net} |"
        )
    lines.append("")
    if report.economics:
        _economics(lines, report)
    for v in report.vendors:
        lines += [f"## {_cell(v.name)} ({v.vendor})", ""]
        lines += [
            "Ledger:",
            "",
            "| month | version | at risk | credited | earned back | net |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for m in v.months:
            lines.append(
                f"| {m.period} | {_cell(m.version)} | {money_text(m.at_risk)} | "
                f"{money_text(m.credited)} | {money_text(m.earned_back)} | {money_text(m.net)} |"
            )
        lines.append("")
        for m in v.months:
            if m.period in report.periods:
                _month(lines, v, m)
    return "\n".join(lines).rstrip() + "\n"


def what_if_markdown(found: WhatIfReport) -> str:
    """A what-if as Markdown."""
    cur = found.currency

    def terms(t: WhatIfTerms | None) -> str:
        if t is None:
            return "\u2014"
        return f"target {t.target:g}, minimum {t.minimum:g}, allocation {t.allocation}"

    lines = [
        f"# What-if: {found.vendor} `{found.sl}` ({found.kpi})",
        "",
        f"- In force: {terms(found.current)}",
        f"- Proposed: {terms(found.proposed)}",
        f"- Over {len(found.months)} months: {money_text(found.credited, cur)} credited for "
        f"this SL; proposed {money_text(found.proposed_credited, cur)} (all SLs, net of "
        f"cap and earn-back: {money_text(found.net, cur)} against "
        f"{money_text(found.proposed_net, cur)})",
        f"- Expected credits a year from the monthly spread (mean {_num(found.mean, 4)}, "
        f"sd {_num(found.sd, 4)}, average at risk {money_text(found.average_at_risk, cur)}): "
        f"{money_text(found.expected_year, cur)}; proposed "
        f"{money_text(found.proposed_expected_year, cur)}",
        "",
        "| month | value | status | credited | proposed status | proposed credited |",
        "|---|---:|---|---:|---|---:|",
    ]
    pct = found.current is not None and 0 < found.current.target <= 1
    for m in found.months:
        lines.append(
            f"| {m.period} | {value_text(m.value, pct)} | {STATUS_TEXT[m.status]} | "
            f"{money_text(m.credited)} | {STATUS_TEXT[m.proposed_status]} | "
            f"{money_text(m.proposed_credited)} |"
        )
    return "\n".join(lines) + "\n"
