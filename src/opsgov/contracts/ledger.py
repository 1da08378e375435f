"""A contract's ledger: every month's credits in order, then each credit's earn-back.

Months are assessed oldest first, because a repeat failure needs the misses before it; the
earn-back of each credit is then decided over the months that follow it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from opsgov.contracts.credits import Measured, MonthInput, assess_month
from opsgov.contracts.earnback import apply_earn_back
from opsgov.contracts.measure import window_months
from opsgov.contracts.pricing import charges
from opsgov.models.contract import Contract, ContractScope, ContractVersion, ServiceLevel
from opsgov.models.credits import Charge, MonthCredits


class Source(Protocol):
    """What a ledger is worked out from (`measure.Measurer` for a workspace's months)."""

    @property
    def months(self) -> Mapping[str, object]:
        """The months with data."""

    def sites(self, scope: ContractScope) -> list[str]:
        """The scope's sites."""

    def value(self, sl: ServiceLevel, months: Sequence[str]) -> float | None:
        """The SL's value over some months."""

    def volume_relief(self, version: ContractVersion, period: str) -> str | None:
        """Why the month is above the forecast band, or None."""

    def billing(self, scope: ContractScope, period: str) -> Mapping[str, float | None]:
        """The scope's measures for billing (force-majeure days kept)."""


def month_charges(
    version: ContractVersion, measurer: Source, period: str, kinds: Mapping[str, str]
) -> list[Charge]:
    """The month's billable lines recomputed from its measures (none without pricing)."""
    if version.pricing is None:
        return []
    by_line = {line.id: measurer.billing(line.scope, period) for line in version.pricing.lines}
    return charges(version.pricing, by_line, kinds)


def contract_ledger(
    contract: Contract,
    measurer: Source,
    periods: Sequence[str],
    directions: Mapping[str, str],
    kinds: Mapping[str, str],
) -> list[MonthCredits]:
    """Credits month by month over `periods` (oldest first), with earn-back applied."""
    ledger: list[MonthCredits] = []
    misses: dict[str, list[str]] = {}
    for period in periods:
        version = contract.version_for(period)
        if version is None:
            continue
        relief = measurer.volume_relief(version, period)
        measured = {}
        for sl in version.service_levels:
            months = window_months(sl, period)
            measured[sl.id] = Measured(
                value=measurer.value(sl, months),
                months=tuple(m for m in months if m in measurer.months),
                sites=tuple(measurer.sites(sl.scope)),
                queues=tuple(sl.scope.queues),
                excluded_because=relief,
            )
        month = assess_month(
            MonthInput(
                period=period,
                version=version,
                measured=measured,
                directions=directions,
                charges=month_charges(version, measurer, period, kinds),
                earlier_misses={k: tuple(v) for k, v in misses.items()},
            )
        )
        for outcome in month.service_levels:
            if outcome.status == "missed":
                misses.setdefault(outcome.sl, []).append(period)
        ledger.append(month)
    return apply_earn_back(contract, ledger, dict(directions), measurer.value)
