"""Translating formulas to SQLite: exact output, and the same results as the Python evaluator."""

from __future__ import annotations

import math
import random
import sqlite3
from collections.abc import Iterator

import pytest

from opsgov.formula import compile_formula, parse, to_sql
from opsgov.formula.evaluate import Value


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql(text: str) -> str:
    return to_sql(parse(text), quote)


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    try:
        yield connection
    finally:
        connection.close()


# --- exact output --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a / b", '(CAST("a" AS REAL) / NULLIF("b", 0))'),
        ("a + b * c", '("a" + ("b" * "c"))'),
        ("(a + b) * c", '(("a" + "b") * "c")'),
        ("a - b - c", '(("a" - "b") - "c")'),
        ("a == b", '("a" = "b")'),
        ("a != b", '("a" <> "b")'),
        ("a >= 3600", '("a" >= 3600.0)'),
        ("x < 1e-5", '("x" < 1e-05)'),
        ("not a < b", '(NOT ("a" < "b"))'),
        ("a < b and c > d or e <= f", '((("a" < "b") AND ("c" > "d")) OR ("e" <= "f"))'),
        ("--a", '(- (- "a"))'),
        ("min(a, b)", 'MIN("a", "b")'),
        ("max(a, b, 0)", 'MAX("a", "b", 0.0)'),
        ("abs(a)", 'ABS("a")'),
        ("round(a)", 'ROUND("a", 0)'),
        ("round(a, 2)", 'ROUND("a", 2)'),
        ("coalesce(a)", '"a"'),
        ("coalesce(a, b, 0)", 'COALESCE("a", "b", 0.0)'),
        ("if(c > 0, a, b)", '(CASE ("c" > 0.0) WHEN 1 THEN "a" WHEN 0 THEN "b" END)'),
    ],
)
def test_sql_text(text: str, expected: str) -> None:
    assert sql(text) == expected


def test_column_callback_quotes_names() -> None:
    assert to_sql(parse("a + b"), lambda name: f"t.[{name}]") == "(t.[a] + t.[b])"


@pytest.mark.parametrize("text", ["average(a)", "min(a)", "round(a, b)"])
def test_bad_calls_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"average|min\(\)|round\(\)"):
        sql(text)


def test_nested_if_conditions_grow_linearly() -> None:
    # Each `if` mentions its condition once, so nesting ifs in conditions cannot blow up.
    text = "x > 0"
    for _ in range(30):
        text = f"if({text}, x > 1, x > 2)"
    assert len(sql(text)) < 3000


# --- SQLite facts the translation relies on ------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("MIN(1, NULL)", None),
        ("MIN(NULL, 1, 2)", None),
        ("MAX(2, NULL)", None),
        ("MIN(3, 1, 2)", 1),
        ("MAX(3, 1, 2)", 3),
        ("NULL AND 0", 0),
        ("NULL OR 1", 1),
        ("NULL AND 1", None),
        ("CASE NULL WHEN 1 THEN 'a' WHEN 0 THEN 'b' END", None),
        ("ROUND(2.5)", 3.0),
        ("ROUND(-2.5)", -3.0),
    ],
)
def test_sqlite_behaves_as_assumed(
    db: sqlite3.Connection, expression: str, expected: object
) -> None:
    assert db.execute(f"SELECT {expression}").fetchone()[0] == expected


# --- equivalence with the Python evaluator -------------------------------------------------

NAMES = ("a", "b", "c", "d", "e")

FORMULAS = [
    "a / b",
    "a / b / c",
    "a - b - c",
    "-a * b + c",
    "100 * (a - b) / c",
    "1 - a",
    "a / (b / 3600)",
    "min(1, a / b)",
    "max(a, b, c)",
    "min(a, 0.5 * b)",
    "abs(a - b)",
    "round(a / b, 2)",
    "round(a)",
    "round(-a, 3)",
    "coalesce(a, b, 0)",
    "coalesce(a / b)",
    "coalesce(a / b, c / d, e)",
    "if(a > b, a - b, b - a)",
    "if(b != 0, a / b, 0)",
    "if(a > 0 and b > 0, c, coalesce(d, e))",
    "a <= b",
    "a == b",
    "a != b",
    "a < b and b < c",
    "a > 0 or b > 0",
    "not a >= b",
    "not (a > 0 and b > 0) or c == 0",
    "a / b > c",
    "if(a / b > 1, 1, a / b) * 100",
    "-(a - b) / (c - d)",
    "a * b / (c + d) - e",
    "max(a, b) / min(c, d)",
    "coalesce(a, 0) + coalesce(b, 0) / coalesce(c, 1)",
]


def _random_value(rng: random.Random) -> float | int | None:
    roll = rng.random()
    if roll < 0.15:
        return None
    if roll < 0.3:
        return 0
    if roll < 0.4:
        return rng.randint(-5, 5)  # small integers: equal values and whole-number ratios
    return rng.uniform(-100.0, 100.0)


def _rows(count: int) -> list[dict[str, float | int | None]]:
    rng = random.Random(20240601)
    return [{name: _random_value(rng) for name in NAMES} for _ in range(count)]


def _same(python: Value, sqlite: object) -> bool:
    if python is None or sqlite is None:
        return python is None and sqlite is None
    if isinstance(python, bool):
        return sqlite == int(python)
    assert isinstance(sqlite, int | float)
    return math.isclose(python, sqlite, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("text", FORMULAS)
def test_sqlite_gives_the_python_results(db: sqlite3.Connection, text: str) -> None:
    rows = _rows(300)
    db.execute(f"CREATE TABLE t (id INTEGER PRIMARY KEY, {', '.join(NAMES)})")
    db.executemany(
        f"INSERT INTO t VALUES (?, {', '.join('?' for _ in NAMES)})",
        [(i, *(row[name] for name in NAMES)) for i, row in enumerate(rows)],
    )
    tree = parse(text)
    expected = [compile_formula(tree)(row) for row in rows]
    got = [value for (value,) in db.execute(f"SELECT {to_sql(tree, quote)} FROM t ORDER BY id")]
    mismatches = [
        (row, want, have)
        for row, want, have in zip(rows, expected, got, strict=True)
        if not _same(want, have)
    ]
    assert mismatches == []
    assert any(value is not None for value in expected)


def test_random_rows_hold_missing_values_zeros_and_integers() -> None:
    values = [row[name] for row in _rows(300) for name in NAMES]
    assert any(value is None for value in values)
    assert any(value == 0 for value in values)
    assert any(isinstance(value, int) and value != 0 for value in values)
    assert any(isinstance(value, float) for value in values)


def test_division_by_zero_is_null_in_sqlite(db: sqlite3.Connection) -> None:
    assert db.execute(f"SELECT {sql('5 / (2 - 2)')}").fetchone()[0] is None
    assert db.execute(f"SELECT {sql('7 / 2')}").fetchone()[0] == 3.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [("round(2.675, 2)", 2.68), ("round(1.005, 2)", 1.01), ("round(0.125, 2)", 0.13)],
)
def test_round_halves_agree(db: sqlite3.Connection, text: str, expected: float) -> None:
    assert compile_formula(parse(text))({}) == expected
    assert db.execute(f"SELECT {sql(text)}").fetchone()[0] == expected


def test_three_valued_logic_agrees(db: sqlite3.Connection) -> None:
    truth = {True: 1.0, False: -1.0, None: None}
    for op in ("and", "or"):
        tree = parse(f"x > 0 {op} y > 0")
        query = f"SELECT {to_sql(tree, quote)} FROM (SELECT ? AS x, ? AS y)"
        for p, x in truth.items():
            for q, y in truth.items():
                python = compile_formula(tree)({"x": x, "y": y})
                (sqlite,) = db.execute(query, (x, y)).fetchone()
                assert _same(python, sqlite), (op, p, q)
