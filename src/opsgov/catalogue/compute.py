"""K4xx: problems met while computing KPIs (FX rates, conflicting inputs)."""

from __future__ import annotations

from opsgov.issues import CodeSpec, Severity

E, W = Severity.ERROR, Severity.WARNING


def _c(code: str, title: str, severity: Severity, description: str) -> CodeSpec:
    return CodeSpec(code=code, title=title, severity=severity, description=description)


COMPUTE_CODES: tuple[CodeSpec, ...] = (
    _c(
        "K400",
        "FX rates unreadable",
        E,
        "The FX rates file cannot be read, or its header is not "
        "`period,from_currency,to_currency,rate`.",
    ),
    _c(
        "K401",
        "bad FX rate row",
        E,
        "A row of the FX rates file has a period that is not YYYY-MM, a currency that is not "
        "ISO 4217, or a rate that is not a positive number.",
    ),
    _c(
        "K402",
        "no FX rate",
        E,
        "A site reports money in a currency with no rate to the reporting currency for the "
        "period. Its money measures are left without a value (never summed unconverted).",
    ),
    _c(
        "K425",
        "duplicate FX rate",
        E,
        "The FX rates file gives two rates for the same period and currency pair (in either "
        "direction). Which one is right cannot be known, so neither is used and the money "
        "measures of the sites in that currency have no value until one row is removed.",
    ),
)
