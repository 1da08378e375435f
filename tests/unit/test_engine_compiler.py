"""The framework compiled to SQL, run on DuckDB over rows written here; answers worked by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest
import sqlglot

from opsgov.engines.compiler import (
    DIALECTS,
    CompileError,
    SiteRow,
    SourceTable,
    compile_framework,
)
from opsgov.models.framework import Framework

FRAMEWORK = Framework.model_validate(
    {
        "kind": "framework",
        "id": "tiny",
        "version": "1",
        "name": "Tiny",
        "owner": "Tests",
        "measures": [
            {"id": "handled", "name": "Handled", "kind": "count", "rollup": "sum"},
            {"id": "handle_s", "name": "Handle s", "kind": "duration", "rollup": "sum"},
            {"id": "eligible", "name": "Eligible", "kind": "count", "rollup": "sum"},
            {"id": "within", "name": "Within", "kind": "count", "rollup": "sum"},
            {"id": "backlog", "name": "Backlog", "kind": "count", "rollup": "snapshot_end"},
            {"id": "heads", "name": "Heads", "kind": "count", "rollup": "snapshot_avg"},
            {"id": "peak", "name": "Peak", "kind": "duration", "rollup": "max"},
            {"id": "cost", "name": "Cost", "kind": "money", "rollup": "sum"},
        ],
        "kpis": [
            {
                "id": "aht",
                "name": "AHT",
                "formula": "handle_s / handled",
                "unit": "seconds",
                "format": "seconds",
                "direction": "lower_is_better",
            },
            {
                "id": "sla",
                "name": "SLA",
                "formula": "within / eligible",
                "unit": "percent",
                "format": "percent",
                "direction": "higher_is_better",
            },
            {
                "id": "cpd",
                "name": "Cost per decision",
                "formula": "cost / handled",
                "unit": "currency",
                "format": "currency",
                "direction": "lower_is_better",
            },
            {
                "id": "aht_min",
                "name": "AHT minutes",
                "formula": "aht / 60",
                "unit": "ratio",
                "format": "decimal",
                "direction": "lower_is_better",
            },
            {
                "id": "capped",
                "name": "Capped",
                "formula": "min(aht, 100)",
                "unit": "seconds",
                "format": "seconds",
                "direction": "lower_is_better",
            },
        ],
    }
)
SITES = [
    SiteRow("A", "v1", "r1", 1.0),
    SiteRow("B", "v1", "r1", 2.0),  # B's money is in a currency worth 2 reporting units
    SiteRow("C", "v2", "r1", None),  # no FX rate: C's money has no value
]
D1, D2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
COLUMNS = ("period", "site", "date", "queue", "handled", "handle_s", "eligible", "within",
           "backlog", "heads", "peak", "cost")  # fmt: skip
ROWS: list[tuple[Any, ...]] = [
    ("2026-10", "A", D1, "q1", 10, 1000, 10, 9, 5, 4, 30, 100),
    ("2026-10", "A", D2, "q1", 30, 1800, 0, 0, 7, 6, 50, 100),
    ("2026-10", "A", D2, "q2", 0, 0, 0, 0, 1, 2, 10, None),
    ("2026-10", "B", D1, "q1", 20, 4000, 0, 0, 3, 10, 90, 50),
    ("2026-10", "C", D1, None, 0, 0, 0, 0, None, None, None, 70),
    ("2026-09", "A", D1, "q1", 999, 999, 999, 999, 999, 999, 999, 999),  # another month
]


def run(rows: list[tuple[Any, ...]] = ROWS, source: SourceTable | None = None) -> dict[Any, Any]:
    con = duckdb.connect()
    types = ["VARCHAR", "VARCHAR", "DATE", "VARCHAR", *["DOUBLE"] * 8]
    cols = ", ".join(f"{c} {t}" for c, t in zip(COLUMNS, types, strict=True))
    con.execute(f"CREATE TABLE harmonised ({cols})")
    con.executemany(f"INSERT INTO harmonised VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    compiled = compile_framework(FRAMEWORK, SITES, "2026-10", source)
    cursor = con.execute(compiled.sql)
    names = [d[0] for d in cursor.description]
    return {
        (r["level"], r["id"], r["queue"]): r
        for r in (dict(zip(names, row, strict=True)) for row in cursor.fetchall())
    }


def test_ratios_are_ratios_of_sums_at_every_level() -> None:
    out = run()
    # A: (1000 + 1800 + 0) s over (10 + 30 + 0) items; B: 4000 / 20; C: 0 items.
    assert out["site", "A", None]["k__aht"] == pytest.approx(2800 / 40)
    assert out["site", "B", None]["k__aht"] == pytest.approx(200)
    # Vendor v1 = A + B: 6800 / 60, not the mean of 70 and 200 (135).
    assert out["vendor", "v1", None]["k__aht"] == pytest.approx(6800 / 60)
    assert out["global", "global", None]["k__aht"] == pytest.approx(6800 / 60)
    assert out["global", "global", None]["k__aht_min"] == pytest.approx(6800 / 60 / 60)
    assert out["global", "global", None]["k__capped"] == pytest.approx(100)


def test_a_zero_denominator_gives_no_value_where_plain_duckdb_gives_inf() -> None:
    out = run()
    assert out["site", "C", None]["k__aht"] is None  # 0 / 0
    assert out["site", "B", None]["k__sla"] is None  # 0 within of 0 eligible
    assert out["site", "A", "q2"]["k__aht"] is None
    assert out["site", "C", None]["k__aht_min"] is None  # a KPI of a KPI with no value
    assert out["site", "C", None]["k__capped"] is None  # min() of no value is no value
    # What a hand-written query would give on DuckDB:
    plain = duckdb.connect().execute("SELECT CAST(1 AS DOUBLE) / CAST(0 AS DOUBLE)").fetchone()
    assert plain is not None and plain[0] == float("inf")


def test_money_is_converted_per_site_before_it_is_summed() -> None:
    out = run()
    assert out["site", "A", None]["m__cost"] == pytest.approx(200)
    assert out["site", "B", None]["m__cost"] == pytest.approx(100)  # 50 at rate 2
    assert out["site", "C", None]["m__cost"] is None  # no rate: no value, not 70
    assert out["site", "C", None]["has_money"] == 1
    assert out["vendor", "v1", None]["m__cost"] == pytest.approx(300)
    # Cost per decision over the sites that report both: (200 + 100) / (40 + 20).
    assert out["global", "global", None]["k__cpd"] == pytest.approx(300 / 60)


def test_roll_up_rules_over_days_and_across_sites() -> None:
    out = run()
    a, b = out["site", "A", None], out["site", "B", None]
    assert a["m__backlog"] == 8  # last day (D2), summed over its queues: 7 + 1
    assert a["m__heads"] == pytest.approx((4 + (6 + 2)) / 2)  # mean of the daily totals
    assert a["m__peak"] == 50
    assert out["site", "A", "q1"]["m__backlog"] == 7
    assert out["region", "r1", None]["m__backlog"] == 8 + 3  # stocks add across sites
    assert out["region", "r1", None]["m__peak"] == 90  # a maximum stays a maximum
    assert b["m__heads"] == 10
    assert out["site", "A", None]["m__handled"] == 40  # September's row is left out


def test_per_queue_views() -> None:
    out = run()
    assert out["global", "global", "q1"]["m__handled"] == 10 + 30 + 20
    assert out["global", "global", "q1"]["k__aht"] == pytest.approx(6800 / 60)
    assert ("global", "global", "q2") in out
    assert out["site", "A", "q2"]["has_data"] == 1
    assert not any(key[2] is None and key[0] == "site" and key[1] == "Z" for key in out)


def test_a_site_without_the_numerator_does_not_dilute_the_denominator() -> None:
    rows = [r for r in ROWS if r[1] != "C"]
    rows.append(("2026-10", "C", D1, None, 50, None, 0, 0, None, None, None, None))
    out = run(rows)
    # C handled 50 items but reports no handle time: AHT stays (2800 + 4000) / (40 + 20).
    assert out["global", "global", None]["k__aht"] == pytest.approx(6800 / 60)
    assert out["global", "global", None]["m__handled"] == 110


def test_column_mapping_and_months_picked_by_date() -> None:
    renamed = SourceTable("harmonised", {"handled": "handled"}, has_period=False)
    out = run(source=renamed)
    # Without a period column the month is picked by date: the September row is dated in
    # October here, so it counts.
    assert out["site", "A", None]["m__handled"] == 40 + 999


def test_reading_a_kpi_from_the_table_is_refused() -> None:
    with pytest.raises(CompileError) as caught:
        compile_framework(FRAMEWORK, SITES, "2026-10", SourceTable("t", {"aht": "avg_aht"}))
    assert caught.value.code == "K440"
    assert "ratio of the sums" in caught.value.message
    with pytest.raises(CompileError) as unknown:
        compile_framework(FRAMEWORK, SITES, "2026-10", SourceTable("t", {"handeld": "x"}))
    assert unknown.value.code == "K442"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_prints_a_query_sqlglot_reads_back(dialect: str) -> None:
    compiled = compile_framework(FRAMEWORK, SITES, "2026-10")
    text = compiled.render(dialect)
    parsed = sqlglot.parse_one(text, read=dialect)
    assert parsed.find(sqlglot.exp.With) is not None
    assert "NULLIF" in text.upper()
    assert "harmonised" in text
