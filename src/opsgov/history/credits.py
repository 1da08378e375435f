"""The credits ledger in the history store: each contract's months as last worked out.

`record_credits` replaces the months of a credits report in one transaction (a month is never
there twice); `ledger` reads a contract's months back for reports. Money is stored as exact
decimal text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opsgov.history.schema import rollback
from opsgov.history.store import HistoryStore, now
from opsgov.models.credits import CreditsReport


@dataclass(frozen=True)
class LedgerMonth:
    """One contract month as stored."""

    contract: str
    period: str
    vendor: str
    version: str
    currency: str
    at_risk: Decimal | None
    credited: Decimal
    earned_back: Decimal
    net: Decimal
    missed: tuple[str, ...]
    """Service levels missed that month."""


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def record_credits(store: HistoryStore, report: CreditsReport) -> int:
    """Write every month of every contract in the report; returns the months written."""
    conn, stamp, written = store.conn, now(), 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        for vendor in report.vendors:
            for month in vendor.months:
                conn.execute(
                    "DELETE FROM credit_months WHERE contract = ? AND period = ?",
                    (vendor.contract, month.period),
                )
                conn.execute(
                    "INSERT INTO credit_months VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        vendor.contract, month.period, vendor.vendor, month.version,
                        vendor.currency, _text(month.charges_total), _text(month.at_risk),
                        _text(month.cap), str(month.credits_before_cap), int(month.cap_binds),
                        str(month.credited), str(month.earned_back), str(month.net), stamp,
                    ),
                )  # fmt: skip
                earn = {e.sl: e for m in vendor.months for e in m.earn_back
                        if e.credit_period == month.period}  # fmt: skip
                conn.executemany(
                    "INSERT INTO credit_ledger VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            vendor.contract,
                            month.period,
                            sl.sl,
                            sl.kpi,
                            int(sl.critical),
                            sl.value,
                            sl.target,
                            sl.minimum,
                            sl.status,
                            str(sl.credit),
                            str(sl.credited),
                            earn[sl.sl].status if sl.sl in earn else None,
                            str(earn[sl.sl].earned) if sl.sl in earn else "0",
                        )
                        for sl in month.service_levels
                    ],
                )
                written += 1
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    return written


def ledger(store: HistoryStore, vendor: str, first: str, last: str) -> list[LedgerMonth]:
    """A vendor's stored credit months between two periods, oldest first."""
    rows = store.conn.execute(
        "SELECT contract, period, vendor, version, currency, at_risk, credited, earned_back, net "
        "FROM credit_months WHERE vendor = ? AND period BETWEEN ? AND ? ORDER BY period",
        (vendor, first, last),
    ).fetchall()
    out = []
    for contract, period, vend, version, currency, at_risk, credited, earned, net in rows:
        missed = tuple(
            r[0]
            for r in store.conn.execute(
                "SELECT sl FROM credit_ledger WHERE contract = ? AND period = ? "
                "AND status = 'missed' ORDER BY sl",
                (contract, period),
            )
        )
        out.append(
            LedgerMonth(
                contract,
                period,
                vend,
                version,
                currency,
                None if at_risk is None else Decimal(at_risk),
                Decimal(credited),
                Decimal(earned),
                Decimal(net),
                missed,
            )
        )
    return out


@dataclass(frozen=True)
class LedgerSl:
    """One contract service level over some months, as `opsgov credits` last recorded it."""

    contract: str
    sl: str
    kpi: str
    target: float
    minimum: float
    months: dict[str, tuple[float | None, str]]
    """Month -> (value, status: met_target, met_minimum, missed, excluded, no_data)."""
    versions: tuple[str, ...]


def ledger_sls(store: HistoryStore, vendor: str, months: list[str]) -> list[LedgerSl]:
    """The vendor's contract service levels over `months`, by id (empty: none)."""
    if not months:
        return []
    rows = store.conn.execute(
        "SELECT l.contract, l.period, l.sl, l.kpi, l.value, l.target, l.minimum, l.status, "
        "m.version FROM credit_ledger l JOIN credit_months m ON m.contract = l.contract AND "
        "m.period = l.period WHERE m.vendor = ? AND l.period BETWEEN ? AND ? "
        "ORDER BY l.period, l.sl",
        (vendor, months[0], months[-1]),
    ).fetchall()
    found: dict[tuple[str, str], LedgerSl] = {}
    for contract, period, sl, kpi, value, target, minimum, status, version in rows:
        if period not in months:
            continue
        entry = found.get((contract, sl))
        if entry is None:
            entry = LedgerSl(contract, sl, kpi, target, minimum, {}, ())
        versions = entry.versions if version in entry.versions else (*entry.versions, version)
        found[(contract, sl)] = LedgerSl(
            contract, sl, kpi, target, minimum,
            {**entry.months, period: (value, status)}, versions,
        )  # fmt: skip
    return list(found.values())


def commercial(store: HistoryStore, vendor: str | None, months: list[str]) -> dict[str, object]:
    """The commercial section of a report: each vendor's credits over `months` (empty: none)."""
    vendors = (
        [vendor]
        if vendor is not None
        else [r[0] for r in store.conn.execute(
            "SELECT DISTINCT vendor FROM credit_months ORDER BY vendor")]
    )  # fmt: skip
    out = []
    for v in vendors:
        months_of = [m for m in ledger(store, v, months[0], months[-1]) if m.period in months]
        if not months_of:
            continue
        out.append(
            {
                "vendor": v,
                "currency": months_of[-1].currency,
                "months": months_of,
                "credited": sum((m.credited for m in months_of), Decimal(0)),
                "earned_back": sum((m.earned_back for m in months_of), Decimal(0)),
                "net": sum((m.net for m in months_of), Decimal(0)),
                "missed": sorted({sl for m in months_of for sl in m.missed}),
            }
        )
    return {"vendors": out, "months": months}
