"""What-if for negotiation: the price of a proposed target, minimum or allocation.

Two answers for one service level:

1. **Back-test**: the ledger of the last twelve months with data worked out again under the
   proposed terms (every version's SL changed alike), month by month against the terms in
   force: the same measured values, the same at-risk amounts, caps, repeats and earn-back.
2. **Expected credits a year**, from the SL's monthly spread: its monthly values over the
   history are taken as normal with their mean and standard deviation, and the credit a
   month could bring (before the cap, without repeat multipliers or earn-back) is averaged
   over that distribution, times twelve, for the current and the proposed terms.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from decimal import Decimal

from opsgov.contracts.credits import Measured, MonthInput, assess_month
from opsgov.contracts.ledger import Source, contract_ledger
from opsgov.contracts.money import ZERO, cents
from opsgov.errors import OpsgovError
from opsgov.models.contract import AtRisk, Contract, ContractVersion
from opsgov.models.credits import WhatIfMonth, WhatIfReport, WhatIfTerms

GRID = 241
"""Points of the numerical integration over the normal (+/- 6 standard deviations)."""


def proposed_contract(contract: Contract, sl_id: str, changes: Mapping[str, object]) -> Contract:
    """The contract with one service level's terms changed in every version that has it."""
    versions = []
    for version in contract.versions:
        sls = [
            sl.model_copy(update=dict(changes)) if sl.id == sl_id else sl
            for sl in version.service_levels
        ]
        versions.append(version.model_copy(update={"service_levels": sls}))
    return contract.model_copy(update={"versions": versions})


def _terms(version: ContractVersion | None, sl_id: str) -> WhatIfTerms | None:
    sl = version.service_level(sl_id) if version else None
    if version is None or sl is None:
        return None
    return WhatIfTerms(target=sl.target, minimum=sl.floor, allocation=version.allocation(sl))


def _normal_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def expected_month_credit(
    version: ContractVersion,
    sl_id: str,
    mean: float,
    sd: float,
    at_risk: Decimal | None,
    direction: str,
) -> Decimal:
    """A month's expected credit for the SL, its value normal(mean, sd), before the cap."""
    sl = version.service_level(sl_id)
    assert sl is not None
    update: dict[str, object] = {"service_levels": [sl]}
    if at_risk is not None:
        update["at_risk"] = AtRisk(fixed=at_risk)  # the history's average at-risk amount
    single = version.model_copy(update=update)

    def credit(value: float) -> float:
        month = assess_month(
            MonthInput(
                period="2000-01",
                version=single,
                measured={sl_id: Measured(value, ("2000-01",))},
                directions={sl.kpi: direction},
            )
        )
        return float(month.service_levels[0].credit)

    if sd <= 0:
        return cents(Decimal(str(credit(mean))))
    step = 12.0 / (GRID - 1)
    total = 0.0
    for k in range(GRID):
        z = -6.0 + k * step
        total += credit(mean + z * sd) * _normal_pdf(z) * step
    return cents(Decimal(str(total)))


def what_if(
    contract: Contract,
    source: Source,
    periods: Sequence[str],
    directions: Mapping[str, str],
    kinds: Mapping[str, str],
    sl_id: str,
    changes: Mapping[str, object],
    last: int = 12,
) -> WhatIfReport:
    """Back-test and expected yearly credits of the proposed terms for one service level.

    The ledgers run over all `periods` (repeat failures and earn-back see the months before);
    the back-test reports the `last` of them.
    """
    last_version = contract.version_for(periods[-1]) if periods else None
    if last_version is None or last_version.service_level(sl_id) is None:
        raise OpsgovError(f"{contract.id} has no service level {sl_id!r} in {periods[-1]}")
    proposed = proposed_contract(contract, sl_id, changes)
    actual = contract_ledger(contract, source, periods, directions, kinds)[-last:]
    trial = contract_ledger(proposed, source, periods, directions, kinds)[-last:]
    rows = []
    for now, then in zip(actual, trial, strict=True):
        a = next(o for o in now.service_levels if o.sl == sl_id)
        p = next(o for o in then.service_levels if o.sl == sl_id)
        rows.append(
            WhatIfMonth(
                period=now.period,
                value=a.value,
                status=a.status,
                credited=a.credited,
                month_net=now.net,
                proposed_status=p.status,
                proposed_credited=p.credited,
                proposed_month_net=then.net,
            )
        )
    sl = last_version.service_level(sl_id)
    assert sl is not None
    direction = directions.get(sl.kpi, "higher_is_better")
    values = [r.value for r in rows if r.value is not None]
    mean = statistics.fmean(values) if values else None
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    risks = [m.at_risk for m in actual if m.at_risk is not None]
    at_risk = cents(sum(risks, ZERO) / len(risks)) if risks else None
    expected_now = expected_then = None
    if mean is not None:
        new_version = proposed.version_for(periods[-1])
        assert new_version is not None
        month_now = expected_month_credit(last_version, sl_id, mean, sd, at_risk, direction)
        month_then = expected_month_credit(new_version, sl_id, mean, sd, at_risk, direction)
        expected_now, expected_then = month_now * 12, month_then * 12
    return WhatIfReport(
        contract=contract.id,
        vendor=contract.vendor,
        currency=contract.currency,
        sl=sl_id,
        kpi=sl.kpi,
        current=_terms(last_version, sl_id),
        proposed=_terms(proposed.version_for(periods[-1]), sl_id),
        months=rows,
        credited=sum((r.credited for r in rows), ZERO),
        proposed_credited=sum((r.proposed_credited for r in rows), ZERO),
        net=sum((m.net for m in actual), ZERO),
        proposed_net=sum((m.net for m in trial), ZERO),
        mean=mean,
        sd=sd if values else None,
        average_at_risk=at_risk,
        expected_year=expected_now,
        proposed_expected_year=expected_then,
    )
