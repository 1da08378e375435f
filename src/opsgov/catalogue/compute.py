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
        "The FX rates file cannot be read, or its header lacks one of the columns `period`, "
        "`from_currency`, `to_currency` and `rate` (in any order; further columns are ignored). "
        "An amount in from_currency times rate is the amount in to_currency.",
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
        "K404",
        "partial level",
        W,
        "A KPI of a vendor, a region or the whole operation covers only some of its sites: "
        "the others lack a measure it needs (their rows were left out under --allow-invalid, "
        "or a file is missing), so the value is the covered sites' own, not the level's. "
        "Every output shows its coverage (which sites, what share of items handled) beside "
        "the value. Sites that do not report those measures by design (the registry's "
        "does_not_report) give coverage but no finding.",
    ),
    _c(
        "K425",
        "duplicate FX rate",
        E,
        "The FX rates file gives two rates for the same period and currency pair (in either "
        "direction). Which one is right cannot be known, so neither is used and the money "
        "measures of the sites in that currency have no value until one row is removed.",
    ),
    _c(
        "K440",
        "KPI read from a table",
        E,
        "The workspace's warehouse column mapping names a KPI. KPIs are computed from the sums "
        "of their measures at every level; a KPI column averaged across sites would not be the "
        "ratio of the sums. Map the measures the KPI is made of instead.",
    ),
    _c(
        "K441",
        "nothing to score",
        E,
        "The registry has no sites, so a SQL engine has no site to roll rows up to.",
    ),
    _c(
        "K442",
        "unknown column mapping",
        E,
        "The warehouse column mapping names something that is neither `site`, `date`, "
        "`queue`, `period`, a provenance column (`file`, `sheet`, `row`) nor a numeric measure "
        "of the framework.",
    ),
    _c(
        "K443",
        "engine failed",
        E,
        "The SQL engine could not run the compiled query: a table or column is missing, or a "
        "column has a type the engine cannot cast to a number. The message is the engine's.",
    ),
    _c(
        "K403",
        "implausible value",
        W,
        "A site's KPI (or measure) for the month is outside its plausible range: the range "
        "declared under `plausible` in the framework, or the default for the KPI's unit "
        "(percent 0-1, seconds 1 to 14,400). Such a value has usually passed every cell check "
        "and is wrong by a unit: a column of hours read as seconds, a 0-1 fraction read as "
        "0-100. The message names the column whose unit, read the other way, makes the value "
        "plausible; fix its `unit` in the profile. If the value is real, widen the range.",
    ),
)
