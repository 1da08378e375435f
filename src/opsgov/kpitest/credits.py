"""Check a KPI test's service-credit expectations against a contract's ledger on one engine."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from opsgov.kpitest.check import CaseResult, Collector, gap, shown, within
from opsgov.models.contract import Contract
from opsgov.models.credits import EarnBackEntry, MonthCredits, SlOutcome
from opsgov.models.kpitest import Expectation
from opsgov.models.kpitest_expect import MONEY, CreditsExpectation, Tolerance
from opsgov.yamlio import YamlDocument

MONEY_DEFAULT = Tolerance(absolute=0.005)
"""Without a tolerance an amount must be right to the cent."""

MET = {"met_target": True, "met_minimum": True, "missed": False, "excluded": False}
"""Whether a status is met (at or better than the minimum); no_data is neither."""


def money(amount: Decimal | float | None, currency: str) -> str:
    """An amount as the report shows it: `2000.00 USD` (`no value` for None)."""
    return "no value" if amount is None else f"{Decimal(str(amount)):.2f} {currency}"


def label(c: CreditsExpectation, contract: str, period: str) -> str:
    """`turnaround of acme_msa in 2026-10`."""
    return f"{c.sl + ' of ' if c.sl else ''}{contract} in {period}"


def _amount(
    case: Collector, actual: Decimal | None, expected: float | None, tol: Tolerance, cur: str
) -> None:
    value = float(actual) if actual is not None else None
    ok = within(value, expected, tol)
    case(ok, money(expected, cur), money(actual, cur), "T910", gap(value, expected, tol))


def _earn_back(
    case: Collector, c: CreditsExpectation, entry: EarnBackEntry | None, cur: str
) -> None:
    e = c.earn_back
    assert e is not None
    parts: list[tuple[str, str]] = []
    if e.status:
        parts.append((e.status, entry.status if entry else "none"))
    if e.earned is not None:
        parts.append((money(e.earned, cur), money(entry.earned, cur) if entry else "none"))
    expected = ", ".join(p[0] for p in parts)
    actual = ", ".join(p[1] for p in parts)
    ok = entry is not None and (e.status is None or entry.status == e.status)
    if ok and entry is not None and e.earned is not None:
        ok = within(float(entry.earned), e.earned, c.tolerance or MONEY_DEFAULT)
    why = "no credit accrued that month, so no earn-back" if entry is None else entry.why
    case(ok, expected or "an earn-back", actual or "none", "T912", "" if ok else why)


def _rows(case: Collector, c: CreditsExpectation, month: MonthCredits, cur: str) -> None:
    actual = {s.sl: float(s.credited) for s in month.service_levels if s.credited > 0}
    expected = {r.sl: r.credited for r in c.rows or []}
    tol = c.tolerance or MONEY_DEFAULT
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    wrong = sorted(
        k for k in set(expected) & set(actual) if not within(actual[k], expected[k], tol)
    )
    problems = [f"no credit for {', '.join(missing)}" if missing else "",
                f"unexpected credit for {', '.join(extra)}" if extra else "",
                f"different credits for {', '.join(wrong)}" if wrong else ""]  # fmt: skip

    def table(values: dict[str, float]) -> str:
        return ", ".join(f"{k}={money(v, cur)}" for k, v in sorted(values.items())) or "no rows"

    text = "; ".join(p for p in problems if p)
    case(not text, table(expected), table(actual), "T913", text)


def _service_level(
    check: str, case: Collector, c: CreditsExpectation, sl: SlOutcome, cur: str,
    entry: EarnBackEntry | None,
) -> None:  # fmt: skip
    if check == "value":
        case(within(sl.value, c.value, c.tolerance), shown(c.value), shown(sl.value), "T908",
             gap(sl.value, c.value, c.tolerance))  # fmt: skip
    elif check == "status":
        case(sl.status == c.status, str(c.status), sl.status, "T909", _why(sl))
    elif check == "met":
        met = MET.get(sl.status)
        case(met == c.met, _met(c.met), _met(met), "T909", _why(sl))
    elif check in ("credit", "credited"):
        _amount(case, getattr(sl, check), getattr(c, check), c.tolerance or MONEY_DEFAULT, cur)
    elif check == "miss_number":
        case(sl.miss_number == c.miss_number, str(c.miss_number), str(sl.miss_number), "T918")
    elif check == "multiplier":
        ok = within(float(sl.multiplier), c.multiplier, None)
        case(ok, shown(c.multiplier), shown(float(sl.multiplier)), "T918")
    elif check == "earn_back":
        _earn_back(case, c, entry, cur)


def _met(met: bool | None) -> str:
    return "no data" if met is None else "met" if met else "missed"


def _why(sl: SlOutcome) -> str:
    value = "no data" if sl.value is None else f"{sl.value:.6g}"
    extra = f" ({sl.excluded_because})" if sl.excluded_because else ""
    return f"value {value}, target {sl.target:g}, minimum {sl.minimum:g}{extra}"


MONTH_FIELDS = {"charges": "charges_total", "credited": "credited"}
"""Check name -> MonthCredits field where they differ."""


def check_credits(
    test: str,
    index: int,
    e: Expectation,
    doc: YamlDocument,
    contract: Contract,
    ledger: Sequence[MonthCredits],
    period: str,
    engine: str,
) -> list[CaseResult]:
    """Every check of one credits expectation on one engine's ledger."""
    c = e.credits
    assert c is not None
    cur = contract.currency
    out: list[CaseResult] = []
    month = next((m for m in ledger if m.period == period), None)
    sl = next((s for s in month.service_levels if s.sl == c.sl), None) if month else None
    entry = next(
        (x for m in ledger for x in m.earn_back if x.credit_period == period and x.sl == c.sl),
        None,
    )
    for check in c.checks():
        line = doc.locate(("expect", index, "credits", check)).line or 0
        name = f"expect[{index}] {check.replace('_', ' ')} of {label(c, contract.id, period)}"
        case = Collector(out, test, name, engine, doc.file, line)
        if month is None:
            why = (f"{contract.id} is not in force in {period}" if contract.version_for(period)
                   is None else f"no rows given for {period}")  # fmt: skip
            case(False, "a ledger month", "none", "T914", why)
        elif c.sl is not None and sl is None:
            case(False, f"service level {c.sl}", "none", "T914",
                 f"version {month.version} has no service level {c.sl}")  # fmt: skip
        elif sl is not None:
            _service_level(check, case, c, sl, cur, entry)
        elif check == "rows":
            _rows(case, c, month, cur)
        elif check == "cap_binds":
            why = f"credits {money(month.credits_before_cap, cur)}, cap {money(month.cap, cur)}"
            case(month.cap_binds == c.cap_binds, str(c.cap_binds).lower(),
                 str(month.cap_binds).lower(), "T911", why)  # fmt: skip
        elif check in MONEY:
            actual = getattr(month, MONTH_FIELDS.get(check, check))
            _amount(case, actual, getattr(c, check), c.tolerance or MONEY_DEFAULT, cur)
    return out
