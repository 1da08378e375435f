"""Vendor ROI and unit economics, on the scorecard's own vendor measures.

Per vendor (in-house included) over the months asked, every figure a ratio of sums over
the months (money in the reporting currency, converted per site and month before it is
added):

- cost per item = cost_total / items_handled; cost per productive hour = cost_total /
  (productive_seconds / 3600);
- cost per quality-adjusted item = cost_total / (items_handled x accuracy), accuracy =
  qa_correct / qa_audited;
- the critical-error-weighted variant counts each critical error `critical_weight` times:
  quality = 1 - (errors + (w - 1) x critical errors) / audited, cost / (items x quality);
- cost index = the vendor's cost per quality-adjusted item / the in-house operation's (1.0:
  the same; 0.8: 20 % cheaper for the same quality);
- contracted vendors: spend (the charges recomputed at the contract's rates), credits net of
  earn-back, and credits as a share of spend.

`frontier` marks the vendors no other vendor beats on both cost and quality.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from opsgov.compute.rollup import Measures, across_sites
from opsgov.contracts.measure import MonthData
from opsgov.models.credits import VendorCredits, VendorEconomics
from opsgov.models.framework import Framework
from opsgov.models.registry import Registry
from opsgov.score.card import score_scope

CRITICAL_WEIGHT = 5.0
"""How many ordinary errors one critical error counts as, in the weighted variant."""

NEEDED = ("cost_total", "items_handled", "productive_seconds", "qa_audited", "qa_correct",
          "qa_critical_errors")  # fmt: skip


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def vendor_measures(
    months: Mapping[str, MonthData],
    framework: Framework,
    sites: Sequence[str],
    periods: Sequence[str],
) -> Measures:
    """The sites' measures over the months, rolled up as the scorecard rolls them up."""
    parts: list[Measures] = []
    for period in periods:
        data = months.get(period)
        if data is None:
            continue
        local = data.local((), frozenset(), False)
        parts.append(score_scope(data.inputs, local, scope_id="", name="", sites=sites).measures)
    return across_sites(framework, parts)


def economics(
    months: Mapping[str, MonthData],
    framework: Framework,
    registry: Registry,
    periods: Sequence[str],
    ledgers: Sequence[VendorCredits],
    critical_weight: float = CRITICAL_WEIGHT,
) -> list[VendorEconomics]:
    """Every vendor's unit economics over `periods`, in-house first, frontier marked."""
    by_vendor = {v.vendor: v for v in ledgers}
    rows: list[VendorEconomics] = []
    inhouse_cost: float | None = None
    ordered = sorted(registry.vendors, key=lambda v: (v.type != "in_house", v.id))
    for vendor in ordered:
        sites = [s.id for s in registry.sites if s.vendor == vendor.id]
        m = vendor_measures(months, framework, sites, periods)
        cost, items = m.get("cost_total"), m.get("items_handled")
        hours = _ratio(m.get("productive_seconds"), 3600.0)
        audited, correct = m.get("qa_audited"), m.get("qa_correct")
        critical = m.get("qa_critical_errors")
        accuracy = _ratio(correct, audited)
        weighted = None
        if audited and correct is not None and critical is not None:
            weighted = 1 - ((audited - correct) + (critical_weight - 1) * critical) / audited
        per_quality = _ratio(cost, items * accuracy if items is not None and accuracy else None)
        per_weighted = _ratio(cost, items * weighted if items is not None and weighted else None)
        if vendor.type == "in_house":
            inhouse_cost = per_quality if inhouse_cost is None else inhouse_cost
        ledger = by_vendor.get(vendor.id)
        asked = [mo for mo in ledger.months if mo.period in periods] if ledger else []
        spend = sum((mo.charges_total or Decimal(0) for mo in asked), Decimal(0)) if asked else None
        credits = sum((mo.net for mo in asked), Decimal(0)) if asked else None
        rows.append(
            VendorEconomics(
                vendor=vendor.id,
                name=vendor.name,
                type=vendor.type,
                months=[p for p in periods if p in months],
                cost=cost,
                items=items,
                productive_hours=hours,
                accuracy=accuracy,
                critical_weighted_quality=weighted,
                cost_per_item=_ratio(cost, items),
                cost_per_productive_hour=_ratio(cost, hours),
                cost_per_quality_item=per_quality,
                cost_per_weighted_item=per_weighted,
                cost_index=None,
                contract_currency=ledger.currency if ledger else None,
                spend=spend,
                credits=credits,
                credits_share=(float(credits / spend) if spend and credits is not None else None),
                on_frontier=False,
            )
        )
    out = []
    for row in rows:
        index = _ratio(row.cost_per_quality_item, inhouse_cost)
        out.append(row.model_copy(update={"cost_index": index}))
    return mark_frontier(out)


def mark_frontier(rows: Sequence[VendorEconomics]) -> list[VendorEconomics]:
    """Mark the rows no other row beats on both cost per quality item and accuracy."""
    placed = [r for r in rows if r.cost_per_quality_item is not None and r.accuracy is not None]

    def beaten(r: VendorEconomics) -> bool:
        assert r.cost_per_quality_item is not None
        assert r.accuracy is not None
        return any(
            o is not r
            and o.cost_per_quality_item is not None
            and o.accuracy is not None
            and o.cost_per_quality_item <= r.cost_per_quality_item
            and o.accuracy >= r.accuracy
            and (o.cost_per_quality_item < r.cost_per_quality_item or o.accuracy > r.accuracy)
            for o in placed
        )

    return [r.model_copy(update={"on_frontier": r in placed and not beaten(r)}) for r in rows]
