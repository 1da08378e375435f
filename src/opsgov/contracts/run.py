"""`opsgov credits`: every contract's ledger up to the months asked for, from the inbox.

Each month of the ledger is validated and prepared for scoring exactly as `opsgov score` does
(a month with errors is refused unless `allow_invalid`, which leaves the offending rows out);
the service levels are then measured on those inputs. The ledger reaches back far enough for
repeat failures, rolling windows and earn-back (`LOOKBACK_MONTHS`), over the months whose
files are in the workspace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from opsgov.contracts.economics import economics
from opsgov.contracts.invoice import INVOICE_FRAMEWORK, Tolerance, invoice_lines, reconcile
from opsgov.contracts.ledger import contract_ledger
from opsgov.contracts.measure import Measurer, MonthData
from opsgov.contracts.months import months_back
from opsgov.contracts.whatif import what_if
from opsgov.errors import OpsgovError
from opsgov.harmonise.table import Block
from opsgov.inbox import match_file, month_files
from opsgov.issues import Issue, Location, Severity, make_issue
from opsgov.models.contract import Contract
from opsgov.models.credits import (
    CreditsReport,
    InvoiceCheck,
    MonthCredits,
    VendorCredits,
    WhatIfReport,
)
from opsgov.pipeline import Definitions, ScoreRefusedError, read_file, score_inputs, validate
from opsgov.validate.rows import period_bounds

LOOKBACK_MONTHS = 15
"""Months before the last one asked that the ledger may start at (when their files exist)."""


@dataclass(frozen=True)
class CreditsRun:
    """The report and the findings made on the way."""

    report: CreditsReport
    issues: list[Issue]
    months: dict[str, MonthData]


def load_months(
    defs: Definitions, periods: Sequence[str], *, allow_invalid: bool, report_date: str
) -> tuple[dict[str, MonthData], list[Issue]]:
    """Every month with files among `periods`, validated and ready to measure."""
    months: dict[str, MonthData] = {}
    issues: list[Issue] = []
    refused: list[Issue] = []
    for period in periods:
        if not month_files(defs.inputs(period)):
            continue
        run = validate(defs, period=period)
        errors = [i for i in run.issues if i.severity == Severity.ERROR]
        refused.extend(errors)
        months[period] = MonthData(score_inputs(defs, run, period, report_date))
    if refused and not allow_invalid:
        raise ScoreRefusedError(
            f"{len(refused)} error(s) in the files of the months credits are measured over; fix "
            "them, or run with --allow-invalid to leave the offending rows out",
            refused,
        )
    return months, issues


def _findings(
    contract: Contract, ledger: Sequence[MonthCredits], asked: Sequence[str]
) -> list[Issue]:
    where = Location(file=f"{contract.id} ({contract.vendor})")
    issues = []
    for period in asked:
        if contract.version_for(period) is None:
            issues.append(
                make_issue("C702", f"{contract.id} is not in force in {period}", location=where)
            )
    for month in ledger:
        if month.period not in asked:
            continue
        for sl in month.service_levels:
            if sl.critical and sl.status == "no_data":
                issues.append(
                    make_issue(
                        "C700",
                        f"{contract.vendor} {month.period}: service level `{sl.sl}` "
                        f"({sl.kpi}) has no value",
                        location=where,
                        field=sl.sl,
                    )
                )
        if month.at_risk is None:
            issues.append(
                make_issue(
                    "C701",
                    f"{contract.vendor} {month.period}: {month.at_risk_arithmetic}",
                    location=where,
                )
            )
    return issues


def _invoice(
    defs: Definitions, contract: Contract, month: MonthCredits, fx_rate: float | None
) -> tuple[InvoiceCheck | None, list[Issue]]:
    """The month's invoice (the files its profile matches), reconciled; None without one."""
    terms = contract.invoice
    version = contract.version_for(month.period)
    if terms is None or version is None or version.pricing is None:
        return None, []
    profile = next((p for p in defs.profiles if p.id == terms.profile), None)
    if profile is None:
        return None, []
    matches = [
        m
        for path in month_files(defs.inputs(month.period))
        if (m := match_file(path, [profile], defs.root)) is not None
        and m.period in (None, month.period)
    ]
    if not matches:
        return None, []
    invoice_defs = replace(defs, framework=INVOICE_FRAMEWORK)
    blocks: list[Block] = []
    issues: list[Issue] = []
    for match in matches:
        read, found = read_file(match, invoice_defs, defs.name(match.path))
        blocks += read
        issues += found
    lines = invoice_lines(blocks, terms.line_column)
    check, findings = reconcile(
        contract,
        month.period,
        defs.name(matches[0].path),
        lines,
        month.charges,
        version.pricing,
        Tolerance(terms.amount_tolerance, terms.units_tolerance),
        fx_rate,
    )
    return check, [*issues, *findings]


def credits(
    defs: Definitions,
    *,
    periods: Sequence[str],
    report_date: str,
    allow_invalid: bool = False,
    vendor: str | None = None,
) -> CreditsRun:
    """Every contract's (or one vendor's) ledger up to the last of `periods`."""
    contracts = [c for c in defs.contracts if vendor is None or c.vendor == vendor]
    if not contracts:
        raise OpsgovError(
            f"no contract for vendor {vendor!r}"
            if vendor
            else "the workspace has no contracts "
            f"(`kind: contract` files in {defs.settings.contracts}/)"
        )
    last = max(periods)
    span = months_back(last, LOOKBACK_MONTHS + 1)
    months, issues = load_months(defs, span, allow_invalid=allow_invalid, report_date=report_date)
    if not any(p in months for p in periods):
        raise OpsgovError(
            f"no files for {', '.join(periods)} in {defs.name(defs.inputs(periods[0]))}"
        )
    directions = {k.id: k.direction for k in defs.framework.kpis}
    kinds = {m.id: m.kind for m in defs.framework.measures}
    reporting = defs.settings.reporting_currency
    last = max(p for p in periods if p in months)
    fx = months[last].inputs.fx
    vendors = []
    for contract in contracts:
        measurer = Measurer(contract, months)
        ledger = contract_ledger(contract, measurer, sorted(months), directions, kinds)
        issues.extend(_findings(contract, ledger, periods))
        rate = fx.rate(last, contract.currency, reporting)
        for index, month in enumerate(ledger):
            if month.period in periods:
                month_rate = months[month.period].inputs.fx.rate(
                    month.period, contract.currency, reporting
                )
                check, found = _invoice(defs, contract, month, month_rate)
                issues.extend(found)
                ledger[index] = month.model_copy(update={"invoice": check})
        asked = [m for m in ledger if m.period in periods]
        net = sum((m.net for m in asked), Decimal(0))
        vendors.append(
            VendorCredits(
                contract=contract.id,
                vendor=contract.vendor,
                name=contract.name,
                currency=contract.currency,
                months=ledger,
                fx_rate=rate,
                net_reporting=float(net) * rate if rate is not None else None,
            )
        )
    report = CreditsReport(
        periods=list(periods),
        report_date=report_date,
        workspace=defs.settings.name,
        reporting_currency=reporting,
        vendors=vendors,
        economics=economics(months, defs.framework, defs.registry, periods, vendors),
    )
    return CreditsRun(report, issues, months)


WHAT_IF_MONTHS = 12
"""Months of history a what-if is back-tested over (those with files)."""


def what_if_run(
    defs: Definitions,
    *,
    vendor: str,
    period: str,
    sl_id: str,
    changes: dict[str, object],
    allow_invalid: bool = False,
) -> WhatIfReport:
    """The what-if of one vendor's service level over the twelve months up to `period`."""
    contract = next((c for c in defs.contracts if c.vendor == vendor), None)
    if contract is None:
        raise OpsgovError(f"no contract for vendor {vendor!r}")
    span = months_back(period, LOOKBACK_MONTHS + 1)
    months, _ = load_months(
        defs, span, allow_invalid=allow_invalid, report_date=period_bounds(period)[1].isoformat()
    )
    if period not in months:
        raise OpsgovError(f"no files for {period} in {defs.name(defs.inputs(period))}")
    wanted = [p for p in sorted(months) if contract.version_for(p) is not None]
    directions = {k.id: k.direction for k in defs.framework.kpis}
    kinds = {m.id: m.kind for m in defs.framework.measures}
    return what_if(
        contract,
        Measurer(contract, months),
        wanted,
        directions,
        kinds,
        sl_id,
        changes,
        last=WHAT_IF_MONTHS,
    )
