"""Service-credit arithmetic: every rule, cap, split and earn-back, with the sums done by hand.

The ledger is driven through `contract_ledger` with a source whose measured values are set by
each test, so every expected figure below follows from the numbers written in the test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsgov.contracts.ledger import contract_ledger
from opsgov.contracts.money import split_cap
from opsgov.models.contract import Contract, ContractScope, ContractVersion, ServiceLevel
from opsgov.models.credits import MonthCredits

D = Decimal
DIRECTIONS = {"sla_attain": "higher_is_better", "aht": "lower_is_better"}
KINDS = {"items_handled": "count", "productive_seconds": "duration"}


class Values:
    """Measured values by (SL id, months), billing measures by period."""

    def __init__(
        self,
        values: Mapping[tuple[str, tuple[str, ...]], float | None],
        billing: Mapping[str, Mapping[str, float | None]] | None = None,
        relief: Mapping[str, str] | None = None,
    ) -> None:
        self._values = values
        self._billing = billing or {}
        self._relief = relief or {}
        self.months = {p: None for (_, ms) in values for p in ms} | dict.fromkeys(self._billing)

    def sites(self, scope: ContractScope) -> list[str]:
        return list(scope.sites) or ["S1"]

    def value(self, sl: ServiceLevel, months: Sequence[str]) -> float | None:
        present = tuple(m for m in months if m in self.months)
        return self._values.get((sl.id, present))

    def volume_relief(self, version: ContractVersion, period: str) -> str | None:
        return self._relief.get(period)

    def billing(self, scope: ContractScope, period: str) -> Mapping[str, float | None]:
        return self._billing.get(period, {})


def contract(*versions: dict[str, Any]) -> Contract:
    return Contract.model_validate(
        {
            "kind": "contract",
            "id": "c",
            "name": "Test contract",
            "vendor": "v",
            "currency": "USD",
            "versions": list(versions),
        }
    )


def version(**terms: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "version": "1",
        "effective_from": "2026-01-01",
        "at_risk": {"fixed": 10000},
        "pool": 2.5,
        "service_levels": [
            {"id": "sla", "kpi": "sla_attain", "target": 0.95, "minimum": 0.90, "allocation": 0.4}
        ],
    }
    base.update(terms)
    return base


def sl(id_: str, **terms: Any) -> dict[str, Any]:
    return {"id": id_, "kpi": "sla_attain", "target": 0.95, "minimum": 0.90, **terms}


def run(c: Contract, source: Values, periods: Sequence[str]) -> list[MonthCredits]:
    return contract_ledger(c, source, periods, DIRECTIONS, KINDS)


def one(ledger: list[MonthCredits], period: str) -> MonthCredits:
    return next(m for m in ledger if m.period == period)


def test_the_dir_worked_example() -> None:
    # Invoice $100,000; at-risk 10 % => $10,000; category pool 50 %, CSL allocation 40 %
    # => credit 0.5 x 0.4 x 10,000 = $2,000.
    c = contract(
        version(
            at_risk={"share": 0.10},
            categories={"service_delivery": 0.5},
            service_levels=[sl("sla", category="service_delivery", allocation=0.4)],
            pricing={"lines": [{"id": "items", "basis": "item", "rate": 1}]},
        )
    )
    source = Values({("sla", ("2026-03",)): 0.85}, billing={"2026-03": {"items_handled": 100000}})
    month = one(run(c, source, ["2026-03"]), "2026-03")
    assert month.charges_total == D("100000.00")
    assert month.at_risk == D("10000.00")
    outcome = month.service_levels[0]
    assert outcome.status == "missed"
    assert outcome.allocation == D("0.20")
    assert outcome.credit == D("2000.00")
    assert month.credited == D("2000.00")
    assert not month.cap_binds


def test_met_minimum_and_met_target_carry_no_credit() -> None:
    c = contract(version())
    source = Values({("sla", ("2026-03",)): 0.92, ("sla", ("2026-04",)): 0.95})
    ledger = run(c, source, ["2026-03", "2026-04"])
    assert [m.service_levels[0].status for m in ledger] == ["met_minimum", "met_target"]
    assert all(m.credited == 0 for m in ledger)


def test_exactly_at_the_minimum_is_met() -> None:
    c = contract(version())
    month = run(c, Values({("sla", ("2026-03",)): 0.90}), ["2026-03"])[0]
    assert month.service_levels[0].status == "met_minimum"
    assert month.credited == 0


def test_lower_is_better_misses_above_the_minimum() -> None:
    c = contract(version(service_levels=[{"id": "speed", "kpi": "aht", "target": 300,
                                           "minimum": 360, "allocation": 0.5}]))  # fmt: skip
    source = Values({("speed", ("2026-03",)): 361.0, ("speed", ("2026-04",)): 359.0})
    ledger = run(c, source, ["2026-03", "2026-04"])
    assert ledger[0].service_levels[0].status == "missed"
    assert ledger[0].credited == D("5000.00")  # 0.5 x 10,000
    assert ledger[1].service_levels[0].status == "met_minimum"


def test_fixed_credit_per_miss() -> None:
    c = contract(version(service_levels=[sl("sla", credit={"rule": "fixed", "amount": 1234.56})]))
    month = run(c, Values({("sla", ("2026-03",)): 0.5}), ["2026-03"])[0]
    assert month.credited == D("1234.56")


def test_sliding_credit_counts_whole_points_below_target() -> None:
    # A miss is any value below the target here (no separate minimum).
    # 0.95 - 0.9170 = 3.3 points => 3 whole points x 750 = 2,250.
    credit = {"rule": "sliding", "per_point": 750}
    c = contract(version(service_levels=[sl("sla", minimum=0.95, credit=credit)]))
    month = run(c, Values({("sla", ("2026-03",)): 0.917}), ["2026-03"])[0]
    assert month.credited == D("2250.00")


def test_sliding_credit_with_exact_points() -> None:
    # 3.3 points x 750 = 2,475.
    credit = {"rule": "sliding", "per_point": 750, "whole_points": False}
    c = contract(version(service_levels=[sl("sla", minimum=0.95, credit=credit)]))
    month = run(c, Values({("sla", ("2026-03",)): 0.917}), ["2026-03"])[0]
    assert month.credited == D("2475.00")


def test_repeat_failures_multiply_within_their_window() -> None:
    # allocation 0.4 x 10,000 = 4,000 per miss; 1st x1, 2nd x1.5, 3rd and later x2, counting
    # the misses of the last three months. Misses in Jan, Feb, Mar, then met in Apr and May,
    # then a miss in Jun (the only one in Apr-Jun: x1).
    credit = {"rule": "allocation", "repeat": {"window_months": 3, "multipliers": [1, 1.5, 2]}}
    c = contract(version(service_levels=[sl("sla", allocation=0.4, credit=credit)]))
    periods = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    values = dict(zip(periods, [0.8, 0.8, 0.8, 0.99, 0.99, 0.8], strict=True))
    source = Values({("sla", (p,)): v for p, v in values.items()})
    ledger = run(c, source, periods)
    assert [m.credited for m in ledger] == [
        D("4000.00"), D("6000.00"), D("8000.00"), D(0), D(0), D("4000.00")
    ]  # fmt: skip
    assert [m.service_levels[0].miss_number for m in ledger] == [1, 2, 3, 0, 0, 1]


def _three_misses(split: str, cap_share: float = 0.5) -> MonthCredits:
    # At risk 10,000, cap 50 % = 5,000. Credits 4,000 (0.4), 2,000 (0.2) and 1,000 (fixed):
    # 7,000 before the cap.
    c = contract(
        version(
            cap={"share_of_at_risk": cap_share, "split": split},
            service_levels=[
                sl("a", allocation=0.4),
                sl("b", allocation=0.2),
                sl("c", credit={"rule": "fixed", "amount": 1000}),
            ],
        )
    )
    source = Values({(s, ("2026-03",)): 0.5 for s in "abc"})
    return run(c, source, ["2026-03"])[0]


def test_cap_binds_pro_rata() -> None:
    month = _three_misses("pro_rata")
    assert month.credits_before_cap == D("7000.00")
    assert month.cap == D("5000.00")
    assert month.cap_binds
    # 4,000 x 5/7 = 2,857.142..., 2,000 x 5/7 = 1,428.571..., 1,000 x 5/7 = 714.285...;
    # cents by largest remainder: .142 -> .14, .571 -> .57, .285 -> .29 sum to 5,000.00.
    assert [s.credited for s in month.service_levels] == [
        D("2857.14"), D("1428.57"), D("714.29")
    ]  # fmt: skip
    assert month.credited == D("5000.00")


def test_cap_binds_in_order() -> None:
    month = _three_misses("in_order")
    assert [s.credited for s in month.service_levels] == [D("4000.00"), D("1000.00"), D("0.00")]


def test_cap_binds_equal_shares_none_above_its_credit() -> None:
    # 5,000 / 3 = 1,666.67 each, but c's credit is 1,000: c gets 1,000, the other two share
    # the remaining 4,000 equally: 2,000 each (b's credit is exactly 2,000).
    month = _three_misses("equal")
    assert [s.credited for s in month.service_levels] == [
        D("2000.00"), D("2000.00"), D("1000.00")
    ]  # fmt: skip


def test_cap_that_does_not_bind_changes_nothing() -> None:
    month = _three_misses("pro_rata", cap_share=1)
    assert not month.cap_binds
    assert month.credited == D("7000.00")


def test_key_measurement_and_missing_data_carry_no_credit() -> None:
    c = contract(version(service_levels=[sl("km", critical=False, allocation=0.4),
                                         sl("nodata", allocation=0.4)]))  # fmt: skip
    month = run(c, Values({("km", ("2026-03",)): 0.5}), ["2026-03"])[0]
    assert [s.status for s in month.service_levels] == ["missed", "no_data"]
    assert month.credited == 0


def test_volume_above_the_forecast_band_excludes_the_miss() -> None:
    c = contract(
        version(
            service_levels=[
                sl("sla", allocation=0.4),
                sl("strict", allocation=0.4, volume_relief=False),
            ]
        )
    )
    source = Values(
        {("sla", ("2026-03",)): 0.5, ("strict", ("2026-03",)): 0.5},
        relief={"2026-03": "volume above the band"},
    )
    month = run(c, source, ["2026-03"])[0]
    assert [s.status for s in month.service_levels] == ["excluded", "missed"]
    assert month.credited == D("4000.00")


def test_sustained_earn_back_returns_the_credit_after_the_window() -> None:
    # Missed in March (credit 4,000); target 0.95 met in April, May and June: earned back,
    # booked in June. Before June closes, it is pending.
    c = contract(version(earn_back={"rule": "sustained", "window_months": 3}))
    values = {"2026-03": 0.85, "2026-04": 0.96, "2026-05": 0.95, "2026-06": 0.97}
    source = Values({("sla", (p,)): v for p, v in values.items()})
    pending = run(c, source, ["2026-03", "2026-04", "2026-05"])
    assert pending[-1].earn_back[0].status == "pending"
    assert sum(m.earned_back for m in pending) == 0
    ledger = run(c, source, list(values))
    assert one(ledger, "2026-06").earned_back == D("4000.00")
    assert one(ledger, "2026-06").net == D("-4000.00")
    assert one(ledger, "2026-03").net == D("4000.00")
    entry = one(ledger, "2026-06").earn_back[0]
    assert (entry.credit_period, entry.status, entry.decided_in) == ("2026-03", "earned", "2026-06")


def test_sustained_earn_back_is_forfeited_by_one_month_below_target() -> None:
    # April meets the minimum but not the target (0.93 < 0.95): forfeited in April.
    c = contract(version(earn_back={"rule": "sustained", "window_months": 3}))
    values = {"2026-03": 0.85, "2026-04": 0.93, "2026-05": 0.99, "2026-06": 0.99}
    ledger = run(c, Values({("sla", (p,)): v for p, v in values.items()}), list(values))
    entry = one(ledger, "2026-04").earn_back[0]
    assert (entry.status, entry.earned) == ("forfeited", D(0))
    assert sum(m.earned_back for m in ledger) == 0


def test_exceed_target_earn_back_judges_the_whole_window() -> None:
    # Missed in March; over April-May together the value is 0.951 >= 0.95 (April alone was
    # 0.94): half the credit (share 0.5) is returned: 0.5 x 4,000 = 2,000.
    c = contract(version(earn_back={"rule": "exceed_target", "window_months": 2, "share": 0.5}))
    source = Values(
        {
            ("sla", ("2026-03",)): 0.85,
            ("sla", ("2026-04",)): 0.94,
            ("sla", ("2026-05",)): 0.96,
            ("sla", ("2026-04", "2026-05")): 0.951,
        }
    )
    ledger = run(c, source, ["2026-03", "2026-04", "2026-05"])
    assert one(ledger, "2026-05").earned_back == D("2000.00")


def test_renewal_mid_quarter_judges_each_month_by_its_version() -> None:
    # A quarter-to-date SL. Version 1 (Jul-Aug): target 0.95, minimum 0.90, allocation 0.4 of a
    # fixed 10,000. The renewal from 1 September: minimum 0.85, allocation 0.5 of 20,000.
    # August, quarter to date (Jul-Aug) 0.88: missed under version 1 => 4,000.
    # September, quarter to date (Jul-Sep) 0.87: met under version 2's minimum => 0.
    # With September at 0.84 instead: missed under version 2 => 0.5 x 20,000 = 10,000.
    quarter_sl = sl("q", window="quarter", allocation=0.4)
    first = version(effective_from="2026-07-01", effective_to="2026-08-31",
                    service_levels=[quarter_sl])  # fmt: skip
    renewal = version(
        version="2", effective_from="2026-09-01", at_risk={"fixed": 20000},
        service_levels=[{**quarter_sl, "minimum": 0.85, "allocation": 0.5}],
    )  # fmt: skip
    c = contract(first, renewal)
    values = {
        ("q", ("2026-07",)): 0.91,
        ("q", ("2026-07", "2026-08")): 0.88,
        ("q", ("2026-07", "2026-08", "2026-09")): 0.87,
    }
    ledger = run(c, Values(values), ["2026-07", "2026-08", "2026-09"])
    assert [m.version for m in ledger] == ["1", "1", "2"]
    assert [m.credited for m in ledger] == [D(0), D("4000.00"), D(0)]
    assert ledger[2].service_levels[0].months == ["2026-07", "2026-08", "2026-09"]
    worse = run(c, Values({**values, ("q", ("2026-07", "2026-08", "2026-09")): 0.84}),
                ["2026-07", "2026-08", "2026-09"])  # fmt: skip
    assert worse[2].credited == D("10000.00")


def test_months_outside_every_version_are_left_out() -> None:
    c = contract(version(effective_from="2026-05-01", effective_to="2026-12-31"))
    ledger = run(c, Values({("sla", ("2026-04",)): 0.5, ("sla", ("2026-05",)): 0.5}),
                 ["2026-04", "2026-05"])  # fmt: skip
    assert [m.period for m in ledger] == ["2026-05"]


def test_tiered_and_whole_volume_bands_and_minimum_commitment() -> None:
    # 250,000 items: tiered 200,000 x 0.45 + 50,000 x 0.40 = 110,000; whole volume: every item
    # at the band reached (0.40) = 100,000. Productive hours 36,000,000 s = 10,000 h x 9.5 =
    # 95,000. The minimum commitment of 320,000 adds 320,000 - 305,000 = 15,000.
    bands = [{"up_to": 200000, "rate": 0.45}, {"rate": 0.40}]
    pricing = {
        "lines": [
            {"id": "tiered", "basis": "item", "bands": bands},
            {"id": "whole", "basis": "item", "bands": bands, "banding": "whole_volume"},
            {"id": "hours", "basis": "productive_hour", "rate": 9.5},
        ],
        "minimum_commitment": 320000,
    }
    c = contract(version(at_risk={"share": 0.1}, pricing=pricing))
    source = Values(
        {("sla", ("2026-03",)): 0.99},
        billing={"2026-03": {"items_handled": 250000, "productive_seconds": 36_000_000}},
    )
    month = run(c, source, ["2026-03"])[0]
    assert [(ch.line, ch.amount) for ch in month.charges] == [
        ("tiered", D("110000.00")),
        ("whole", D("100000.00")),
        ("hours", D("95000.00")),
        ("minimum_commitment", D("15000.00")),
    ]
    assert month.charges_total == D("320000.00")
    assert month.at_risk == D("32000.00")


def test_no_charges_means_no_at_risk_base() -> None:
    pricing = {"lines": [{"id": "items", "basis": "item", "rate": 1}]}
    c = contract(version(at_risk={"share": 0.1}, pricing=pricing))
    month = run(c, Values({("sla", ("2026-03",)): 0.5}), ["2026-03"])[0]
    assert month.at_risk is None
    assert month.credited == 0


money = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    credits=st.lists(money, min_size=1, max_size=6),
    cap=money,
    rule=st.sampled_from(["pro_rata", "in_order", "equal"]),
)
def test_a_split_never_exceeds_the_cap_nor_any_credit(
    credits: list[Decimal], cap: Decimal, rule: str
) -> None:
    shares = split_cap(credits, cap, rule)
    assert sum(shares) <= max(cap, sum(credits))
    assert sum(shares) == min(cap, sum(credits))
    assert all(0 <= s <= c for s, c in zip(shares, credits, strict=True))


values_st = st.floats(min_value=0.5, max_value=1.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    monthly=st.lists(values_st, min_size=1, max_size=8),
    allocations=st.lists(st.decimals(min_value=0, max_value=1, places=2), min_size=1, max_size=3),
    cap_share=st.decimals(min_value=0, max_value=1, places=2),
    rule=st.sampled_from(["pro_rata", "in_order", "equal"]),
    share=st.decimals(min_value=0, max_value=1, places=2),
)
def test_ledger_properties(
    monthly: list[float],
    allocations: list[Decimal],
    cap_share: Decimal,
    rule: str,
    share: Decimal,
) -> None:
    """Credits never exceed the cap; earn-back never returns more than was credited; no
    miss, no credit."""
    sls = [
        sl(f"s{i}", allocation=a, credit={"rule": "allocation", "repeat": {
            "window_months": 2, "multipliers": [1, 3]}})
        for i, a in enumerate(allocations)
    ]  # fmt: skip
    c = contract(
        version(
            service_levels=sls,
            cap={"share_of_at_risk": cap_share, "split": rule},
            earn_back={"rule": "sustained", "window_months": 1, "share": share},
        )
    )
    periods = [f"2026-{m:02d}" for m in range(1, len(monthly) + 1)]
    source = Values(
        {(s["id"], (p,)): v for s in sls for p, v in zip(periods, monthly, strict=True)}
    )
    ledger = run(c, source, periods)
    for month in ledger:
        assert month.cap is not None
        assert month.credited <= month.cap
        for outcome in month.service_levels:
            if outcome.status != "missed":
                assert outcome.credited == 0
    credited = sum(m.credited for m in ledger)
    earned = sum(m.earned_back for m in ledger)
    assert 0 <= earned <= credited
    for month in ledger:
        for entry in month.earn_back:
            assert entry.earned <= entry.credited


def test_split_rejects_nothing_when_under_the_cap() -> None:
    assert split_cap([D("1.00"), D("2.00")], D("10.00"), "pro_rata") == [D("1.00"), D("2.00")]


@pytest.mark.parametrize("rule", ["pro_rata", "in_order", "equal"])
def test_split_of_a_zero_cap_is_all_zero(rule: str) -> None:
    assert split_cap([D("5.00"), D("7.00")], D("0.00"), rule) == [D(0), D(0)]


def test_what_if_back_tests_a_lower_minimum() -> None:
    # Values 0.89, 0.87, 0.92 against minimum 0.90 (allocation 0.4 of 10,000 = 4,000 a miss):
    # terms in force pay 4,000 + 4,000 = 8,000. A proposed minimum of 0.88 misses only 0.87:
    # 4,000. A proposed allocation of 0.25 with the old minimum: 2 x 2,500 = 5,000.
    from opsgov.contracts.whatif import what_if

    c = contract(version())
    periods = ["2026-01", "2026-02", "2026-03"]
    source = Values({("sla", (p,)): v for p, v in zip(periods, [0.89, 0.87, 0.92], strict=True)})
    found = what_if(c, source, periods, DIRECTIONS, KINDS, "sla", {"minimum": 0.88})
    assert found.credited == D("8000.00")
    assert found.proposed_credited == D("4000.00")
    assert [m.proposed_status for m in found.months] == ["met_minimum", "missed", "met_minimum"]
    assert found.current is not None and found.current.minimum == 0.90
    assert found.proposed is not None and found.proposed.minimum == 0.88
    lower = what_if(c, source, periods, DIRECTIONS, KINDS, "sla", {"allocation": D("0.25")})
    assert lower.proposed_credited == D("5000.00")


def test_expected_credits_a_year_from_the_monthly_spread() -> None:
    # A month's credit if missed: 0.4 x 10,000 = 4,000. With the value always below the
    # minimum (sd 0): 12 x 4,000 = 48,000 a year. With a mean at the minimum, a miss half the
    # time: about 12 x 0.5 x 4,000 = 24,000 (numerical integration, within 2 %).
    from opsgov.contracts.whatif import expected_month_credit

    v = contract(version()).versions[0]
    always = expected_month_credit(v, "sla", 0.85, 0.0, D("10000.00"), "higher_is_better")
    assert always * 12 == D("48000.00")
    half = expected_month_credit(v, "sla", 0.90, 0.02, D("10000.00"), "higher_is_better")
    assert abs(half * 12 - D(24000)) <= D(480)
    never = expected_month_credit(v, "sla", 0.99, 0.001, D("10000.00"), "higher_is_better")
    assert never == 0
