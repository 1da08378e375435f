"""Lineage on a SQL engine: one scan of the rows where the partial sums settle it; the cells
worked out by hand from the rows written here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from opsgov.engines.compiler import SourceTable
from opsgov.engines.duck import DuckEngine
from opsgov.engines.manifest import SourceEntry
from opsgov.engines.run import month_on
from tests.unit.test_engine_compiler import FRAMEWORK, SITES

D1, D2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
COLUMNS = ("period", "site", "date", "queue", "handled", "handle_s", "file", "sheet", "row")

# a.xlsx: A on rows 2-5 over two days; B on rows 6-9, its queues taking turns row by row.
SHEET_A: list[tuple[Any, ...]] = [
    ("2026-10", "A", D1, "q1", 1, 10, "a.xlsx", "S", 2),
    ("2026-10", "A", D1, "q1", 2, 20, "a.xlsx", "S", 3),
    ("2026-10", "A", D2, "q1", 3, 30, "a.xlsx", "S", 4),
    ("2026-10", "A", D2, "q1", 4, 40, "a.xlsx", "S", 5),
    ("2026-10", "B", D1, "q1", 5, 50, "a.xlsx", "S", 6),
    ("2026-10", "B", D1, "q2", 6, 60, "a.xlsx", "S", 7),
    ("2026-10", "B", D1, "q1", 7, 70, "a.xlsx", "S", 8),
    ("2026-10", "B", D1, "q2", 8, 80, "a.xlsx", "S", 9),
    ("2026-09", "A", D1, "q1", 9, 90, "a.xlsx", "S", 10),  # another month
]
# b.xlsx: A and B take turns row by row; c.xlsx: A's handle_s is blank on row 3; d.xlsx: A's
# rows of one day and queue are in two places, B's row between them.
OTHER_SHEETS: list[tuple[Any, ...]] = [
    ("2026-10", "A", D1, "q1", 1, 11, "b.xlsx", "T", 2),
    ("2026-10", "B", D1, "q1", 1, 12, "b.xlsx", "T", 3),
    ("2026-10", "A", D1, "q1", 1, 13, "b.xlsx", "T", 4),
    ("2026-10", "B", D1, "q1", 1, 14, "b.xlsx", "T", 5),
    ("2026-10", "A", D1, "q1", 2, 21, "c.xlsx", "U", 2),
    ("2026-10", "A", D1, "q1", 2, None, "c.xlsx", "U", 3),
    ("2026-10", "A", D1, "q1", 2, 23, "c.xlsx", "U", 4),
    ("2026-10", "A", D2, "q2", 3, 31, "d.xlsx", "V", 2),
    ("2026-10", "A", D2, "q2", 3, 32, "d.xlsx", "V", 3),
    ("2026-10", "B", D2, "q2", 3, 33, "d.xlsx", "V", 4),
    ("2026-10", "A", D2, "q2", 3, 34, "d.xlsx", "V", 5),
]
SOURCES = [
    SourceEntry(file=f, sheet=s, measure=m, column=c, header=m)
    for f, s in (("a.xlsx", "S"), ("b.xlsx", "T"), ("c.xlsx", "U"), ("d.xlsx", "V"))
    for m, c in (("handled", "E"), ("handle_s", "F"))
]


class CountingEngine(DuckEngine):
    """DuckDB, counting the queries that read the rows."""

    def __init__(self) -> None:
        super().__init__()
        self.scans = 0

    def query(self, sql: str) -> list[dict[str, object]]:
        self.scans += "FROM harmonised" in sql
        return super().query(sql)

    def stage(self, name: str, sql: str) -> None:
        self.scans += "FROM harmonised" in sql
        super().stage(name, sql)


def _engine(rows: list[tuple[Any, ...]]) -> CountingEngine:
    engine = CountingEngine()
    types = ["VARCHAR", "VARCHAR", "DATE", "VARCHAR", "DOUBLE", "DOUBLE", "VARCHAR", "VARCHAR"]
    cols = ", ".join(f'"{c}" {t}' for c, t in zip(COLUMNS, [*types, "BIGINT"], strict=True))
    engine.con.execute(f"CREATE TABLE harmonised ({cols})")
    engine.con.executemany(f"INSERT INTO harmonised VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    return engine


def _spans(rows: list[tuple[Any, ...]]) -> tuple[dict[tuple[str, str], list[str]], int]:
    engine = _engine(rows)
    month = month_on(engine, FRAMEWORK, SITES, "2026-10", SourceTable(), SOURCES)
    spans = {
        key: [f"{c.file} {c.sheet} {c.column} {c.rows}" for c in cells]
        for key, cells in month.lineage().items()
    }
    return spans, engine.scans


def test_a_sheet_the_partial_sums_settle_is_read_once() -> None:
    spans, scans = _spans(SHEET_A)
    assert spans == {
        ("A", "handled"): ["a.xlsx S E 2-5"],
        ("A", "handle_s"): ["a.xlsx S F 2-5"],
        ("B", "handled"): ["a.xlsx S E 6-9"],
        ("B", "handle_s"): ["a.xlsx S F 6-9"],
    }
    assert scans == 1


def test_sites_taking_turns_and_blank_cells_are_found_in_the_rows() -> None:
    spans, scans = _spans(SHEET_A + OTHER_SHEETS)
    assert spans == {
        ("A", "handled"): [
            "a.xlsx S E 2-5", "b.xlsx T E 2, 4", "c.xlsx U E 2-4", "d.xlsx V E 2-3, 5",
        ],
        ("A", "handle_s"): [
            "a.xlsx S F 2-5", "b.xlsx T F 2, 4", "c.xlsx U F 2, 4", "d.xlsx V F 2-3, 5",
        ],
        ("B", "handled"): ["a.xlsx S E 6-9", "b.xlsx T E 3, 5", "d.xlsx V E 4"],
        ("B", "handle_s"): ["a.xlsx S F 6-9", "b.xlsx T F 3, 5", "d.xlsx V F 4"],
    }  # fmt: skip
    assert scans > 1  # b.xlsx, c.xlsx and d.xlsx needed their rows


@pytest.mark.parametrize("rows", [SHEET_A, SHEET_A + OTHER_SHEETS])
def test_the_numbers_are_those_of_the_query_without_lineage(rows: list[tuple[Any, ...]]) -> None:
    with_lineage = month_on(_engine(rows), FRAMEWORK, SITES, "2026-10", SourceTable(), SOURCES)
    without = month_on(_engine(rows), FRAMEWORK, SITES, "2026-10", SourceTable())
    assert without.lineage() == {}
    # A: handled 1+2+3+4 (+1+1 in b.xlsx, +2+2+2 in c.xlsx, +3+3+3 in d.xlsx); handle_s 100
    # (+24, +44, +97).
    a = with_lineage.values(("site", "A", None), ["A"])
    assert a.measures["handled"] == (10 + 2 + 6 + 9 if rows != SHEET_A else 10)
    assert a.measures["handle_s"] == (100 + 24 + 44 + 97 if rows != SHEET_A else 100)
    for key in [("site", s, q) for s in "AB" for q in (None, "q1", "q2")] + [
        ("vendor", "v1", None),
        ("global", "global", None),
        ("global", "global", "q2"),
    ]:
        assert with_lineage.values(key, []) == without.values(key, []), key


def test_a_staged_table_does_not_outlive_the_month() -> None:
    engine = _engine(SHEET_A)
    month_on(engine, FRAMEWORK, SITES, "2026-10", SourceTable(), SOURCES)
    tables = {r[0] for r in engine.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {"harmonised"}
