"""D166-D179: problems in contract definitions; C7xx: credits and invoice reconciliation."""

from __future__ import annotations

from opsgov.issues import CodeSpec, Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def _c(code: str, title: str, severity: Severity, description: str) -> CodeSpec:
    return CodeSpec(code=code, title=title, severity=severity, description=description)


CONTRACT_CODES: tuple[CodeSpec, ...] = (
    _c(
        "D166",
        "contract for an unknown vendor",
        E,
        "The contract names a vendor the registry does not declare, or an in-house operation. "
        "Use the vendor's registry id.",
    ),
    _c(
        "D167",
        "service level on an unknown KPI",
        E,
        "A service level names a KPI the framework does not have, so it could never be "
        "measured. Use a KPI id of the workspace's framework.",
    ),
    _c(
        "D168",
        "service level on a KPI that cannot carry a credit",
        E,
        "A service level is measured by a target-band KPI (good on both sides of a band), so "
        "'worse than the minimum' has no single direction. Tie it to a higher- or "
        "lower-is-better KPI.",
    ),
    _c(
        "D169",
        "allocations over the pool",
        E,
        "The service levels' allocations (each category's pool share times the SL's "
        "allocation) add up to more than the pool available for allocation. Lower an "
        "allocation or raise the pool, as the contract says.",
    ),
    _c(
        "D170",
        "overlapping contract versions",
        E,
        "Two versions of the contract are in force on the same day (or a version ends before "
        "it starts), so a month would be judged by two sets of terms. A renewal starts the "
        "day after the previous version ends.",
    ),
    _c(
        "D171",
        "earn-back window longer than the term",
        E,
        "The earn-back window runs past the end of the version's term, so a credit accrued "
        "late in the term could never be judged. Shorten the window or check the dates.",
    ),
    _c(
        "D172",
        "contract currency without FX rates",
        E,
        "The contract's currency differs from the reporting currency and the FX rates file "
        "has no rate between them, so credits and charges cannot be shown in the reporting "
        "currency. Add the rates (period, from, to, rate).",
    ),
    _c(
        "D173",
        "scope outside the vendor",
        E,
        "A service level's or price line's scope names a site that is not one of the vendor's "
        "sites, or a queue none of its sites works.",
    ),
    _c(
        "D174",
        "minimum better than target",
        E,
        "A service level's contractual minimum is better than its target (higher for a "
        "higher-is-better KPI); the minimum is the floor below the expected level.",
    ),
    _c(
        "D175",
        "service level in an unknown category",
        E,
        "A service level names a performance category that the version's `categories` "
        "does not allocate, so its credit would be 0.",
    ),
    _c(
        "D176",
        "at-risk share without pricing",
        E,
        "The at-risk amount is a share of the month's charges, but the version has no pricing "
        "to recompute them from. Add `pricing`, or make the at-risk amount fixed.",
    ),
    _c(
        "D177",
        "contract refers to data that is not there",
        E,
        "A language scope needs a `language` category measure in the framework (rows must say "
        "their language), a price line must count a numeric measure of the framework, and the "
        "invoice must be read by an intake profile with `purpose: invoice`.",
    ),
    _c(
        "D178",
        "second contract for a vendor",
        E,
        "Two contract files name the same vendor. Keep one file per vendor and put renewals "
        "in its `versions`.",
    ),
    _c(
        "D179",
        "implausible credit terms",
        W,
        "The terms can produce credits out of proportion: more than half the invoice at risk, "
        "or a fixed or sliding credit that alone exceeds the at-risk amount (compare the Mid "
        "Essex v Compass case). Check the figures against the contract.",
    ),
    _c(
        "C700",
        "service level without data",
        W,
        "A critical service level has no measured value for the month (its scope sent no "
        "data, or not the measures its KPI needs), so no credit could be assessed.",
    ),
    _c(
        "C701",
        "no charges to put at risk",
        W,
        "The at-risk amount is a share of the month's charges, and a price line's units could "
        "not be recomputed, so allocation credits are 0 for the month.",
    ),
    _c(
        "C702",
        "month outside the contract",
        INFO,
        "No version of the contract is in force in the month asked for; nothing is owed.",
    ),
    _c(
        "C710",
        "invoice line differs from the recomputed charge",
        E,
        "An invoice line's amount differs from the charge recomputed from the measures at the "
        "contract's rates by more than the tolerance. The finding names the cell, the "
        "invoiced and recomputed amounts and the difference.",
    ),
    _c(
        "C711",
        "invoice units differ from the measures",
        W,
        "An invoice line bills more or fewer units than the measures show for the line's "
        "scope, beyond the tolerance.",
    ),
    _c(
        "C712",
        "invoice rate differs from the contract",
        E,
        "An invoice line's unit rate is not the contract's rate for that line.",
    ),
    _c(
        "C713",
        "invoice line for no price line",
        E,
        "An invoice line names a line the contract's pricing does not have.",
    ),
    _c(
        "C714",
        "price line not invoiced",
        W,
        "The contract's pricing has a line with charges this month that the invoice does not bill.",
    ),
    _c(
        "C715",
        "unreadable invoice line",
        E,
        "An invoice row has no line id, or its units, rate or amount is not a number.",
    ),
)
