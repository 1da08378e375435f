"""Evaluating formulas in Python: arithmetic, missing values, division by zero, logic, functions."""

from __future__ import annotations

import math

import pytest

from opsgov.formula import FormulaEvalError, compile_formula, evaluate, parse
from opsgov.formula.evaluate import Value


def run(text: str, **env: float | None) -> Value:
    return evaluate(parse(text), env)


# --- arithmetic ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("handle_seconds / items_handled", {"handle_seconds": 3600, "items_handled": 40}, 90.0),
        (
            "100 * (nps_promoters - nps_detractors) / nps_responses",
            {"nps_promoters": 60, "nps_detractors": 15, "nps_responses": 120},
            37.5,
        ),
        ("1 - fcr", {"fcr": 0.75}, 0.25),
        (
            "cost_total / (productive_seconds / 3600)",
            {"cost_total": 1800, "productive_seconds": 7200},
            900.0,
        ),
        ("min(1, x / y)", {"x": 5, "y": 4}, 1.0),
        ("min(1, x / y)", {"x": 3, "y": 4}, 0.75),
        ("a - b - c", {"a": 10, "b": 3, "c": 2}, 5.0),
        ("a / b / c", {"a": 24, "b": 4, "c": 2}, 3.0),
        ("-a * b", {"a": 2, "b": 3}, -6.0),
        ("2 + 3 * 4", {}, 14.0),
        ("(2 + 3) * 4", {}, 20.0),
        ("--a", {"a": 5}, 5.0),
        ("a / b", {"a": 7, "b": 2}, 3.5),
        ("1e3 * .5", {}, 500.0),
    ],
)
def test_arithmetic(text: str, env: dict[str, float], expected: float) -> None:
    result = evaluate(parse(text), env)
    assert isinstance(result, float | int)
    assert result == pytest.approx(expected)


# --- missing values and division by zero ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a + b",
        "b - a",
        "a * b",
        "a / b",
        "b / a",
        "-a",
        "a < b",
        "a == b",
        "b != a",
        "abs(a)",
        "round(a, 1)",
        "min(a, b)",
        "max(b, a)",
        "max(b, 2, a)",
        "if(a > 0, 1, 2)",
        "not a > 0",
        "100 * (a - b) / b",
    ],
)
def test_missing_value_propagates(text: str) -> None:
    assert run(text, a=None, b=1.0) is None


@pytest.mark.parametrize(
    ("text", "env"),
    [
        ("a / b", {"a": 5.0, "b": 0.0}),
        ("a / b", {"a": 5.0, "b": -0.0}),
        ("a / b", {"a": 0.0, "b": 0.0}),
        ("a / b", {"a": 5, "b": 0}),
        ("a / (b - b)", {"a": 1.0, "b": 3.0}),
        ("1 / 0 + 1", {}),
        ("min(1, a / b)", {"a": 1.0, "b": 0.0}),
    ],
)
def test_division_by_zero_is_missing(text: str, env: dict[str, float]) -> None:
    assert evaluate(parse(text), env) is None


def test_division_by_zero_can_be_defaulted() -> None:
    assert run("coalesce(a / b, 0)", a=3.0, b=0.0) == 0.0
    assert run("if(b > 0, a / b, 0)", a=3.0, b=0.0) == 0.0
    assert run("if(b > 0, a / b, 0)", a=3.0, b=2.0) == 1.5


# --- three-valued logic --------------------------------------------------------------------

# x > 0 is True for 1, False for -1, None for None.
TRUTH = {True: 1.0, False: -1.0, None: None}

AND_TABLE = [
    (True, True, True),
    (True, False, False),
    (True, None, None),
    (False, True, False),
    (False, False, False),
    (False, None, False),
    (None, True, None),
    (None, False, False),
    (None, None, None),
]
OR_TABLE = [
    (True, True, True),
    (True, False, True),
    (True, None, True),
    (False, True, True),
    (False, False, False),
    (False, None, None),
    (None, True, True),
    (None, False, None),
    (None, None, None),
]


@pytest.mark.parametrize(("p", "q", "expected"), AND_TABLE)
def test_and_table(p: bool | None, q: bool | None, expected: bool | None) -> None:
    assert run("x > 0 and y > 0", x=TRUTH[p], y=TRUTH[q]) is expected


@pytest.mark.parametrize(("p", "q", "expected"), OR_TABLE)
def test_or_table(p: bool | None, q: bool | None, expected: bool | None) -> None:
    assert run("x > 0 or y > 0", x=TRUTH[p], y=TRUTH[q]) is expected


@pytest.mark.parametrize(("p", "expected"), [(True, False), (False, True), (None, None)])
def test_not_table(p: bool | None, expected: bool | None) -> None:
    assert run("not x > 0", x=TRUTH[p]) is expected


@pytest.mark.parametrize(
    ("op", "a", "b", "expected"),
    [
        ("<", 1, 2, True),
        ("<", 2, 2, False),
        ("<=", 2, 2, True),
        (">", 3, 2, True),
        (">=", 1, 2, False),
        ("==", 2, 2.0, True),
        ("!=", 2, 2.0, False),
        ("!=", 1, 2, True),
    ],
)
def test_comparisons_give_bools(op: str, a: float, b: float, expected: bool) -> None:
    assert run(f"a {op} b", a=a, b=b) is expected


def test_framework_check() -> None:
    check = compile_formula(
        parse("items_within_sla <= items_sla_eligible and items_sla_eligible <= items_handled")
    )
    good = {"items_within_sla": 80, "items_sla_eligible": 90, "items_handled": 100}
    assert check(good) is True
    assert check({**good, "items_sla_eligible": 120}) is False
    assert check({**good, "items_within_sla": None}) is None
    # One side known False settles it even with the other side missing.
    assert check({**good, "items_within_sla": None, "items_handled": 50}) is False


# --- functions -----------------------------------------------------------------------------


def test_coalesce() -> None:
    assert run("coalesce(a, b, 7)", a=None, b=2.0) == 2.0
    assert run("coalesce(a, b, 7)", a=None, b=None) == 7.0
    assert run("coalesce(a, b)", a=None, b=None) is None
    assert run("coalesce(a)", a=None) is None
    assert run("coalesce(a)", a=4.0) == 4.0
    assert run("coalesce(a, b)", a=0.0, b=9.0) == 0.0


def test_coalesce_stops_at_the_first_value() -> None:
    assert run("coalesce(a, missing)", a=1.0) == 1.0
    with pytest.raises(FormulaEvalError):
        run("coalesce(a, missing)", a=None)


def test_if() -> None:
    assert run("if(a > b, a, b)", a=3.0, b=5.0) == 5.0
    assert run("if(a > b, a, b)", a=6.0, b=5.0) == 6.0
    assert run("if(a > b, a, b)", a=None, b=5.0) is None
    assert run("if(a > 0, b, c)", a=1.0, b=None, c=2.0) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("min(4, 2, 9)", 2.0),
        ("max(1, 5, 3)", 5.0),
        ("max(-1, -5)", -1.0),
        ("abs(-3)", 3.0),
        ("abs(3)", 3.0),
        ("round(2.5)", 3.0),
        ("round(-2.5)", -3.0),
        ("round(2.4)", 2.0),
        ("round(2.675, 2)", 2.68),
        ("round(1.005, 2)", 1.01),
        ("round(-1.005, 2)", -1.01),
        ("round(1234.5678, 2)", 1234.57),
        ("round(0.125, 2)", 0.13),
        ("round(7, 3)", 7.0),
        ("round(1e300)", 1e300),
    ],
)
def test_functions(text: str, expected: float) -> None:
    assert run(text) == expected


def test_round_gives_a_float() -> None:
    assert isinstance(run("round(a)", a=3), float)


# --- errors --------------------------------------------------------------------------------


def test_missing_name_raises_naming_it() -> None:
    with pytest.raises(FormulaEvalError) as caught:
        run("a + b", a=1.0)
    assert caught.value.name == "b"
    assert "'b'" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "(a > 0) + 1",
        "1 * (a > 0)",
        "-(a > 0)",
        "abs(a > 0)",
        "round(a > 0)",
        "min(a > 0, 1)",
        "(a > 0) < 1",
        "(a > 0) == (a > 1)",
    ],
)
def test_conditions_are_not_numbers(text: str) -> None:
    with pytest.raises(FormulaEvalError, match="condition"):
        run(text, a=1.0)


@pytest.mark.parametrize("text", ["a and a > 0", "a > 0 or a", "not a", "if(a, 1, 2)"])
def test_numbers_are_not_conditions(text: str) -> None:
    with pytest.raises(FormulaEvalError, match="number"):
        run(text, a=1.0)


@pytest.mark.parametrize("text", ["average(a)", "min(a)", "round(a, b)"])
def test_bad_calls_fail_at_compile_time(text: str) -> None:
    with pytest.raises(FormulaEvalError):
        compile_formula(parse(text))


def test_compiled_formula_is_reusable_and_never_gives_nan_or_inf() -> None:
    aht = compile_formula(parse("handle_seconds / items_handled"))
    rows: list[dict[str, float | None]] = [
        {"handle_seconds": 100.0, "items_handled": 4.0},
        {"handle_seconds": 100.0, "items_handled": 0.0},
        {"handle_seconds": 0.0, "items_handled": 0.0},
        {"handle_seconds": None, "items_handled": 4.0},
    ]
    results = [aht(row) for row in rows]
    assert results == [25.0, None, None, None]
    assert not any(isinstance(r, float) and not math.isfinite(r) for r in results)


def test_deepest_allowed_formulas_evaluate() -> None:
    assert run("(" * 100 + "a" + ")" * 100, a=2.0) == 2.0
    assert run("-" * 99 + "a", a=2.0) == -2.0
    assert run("a" + " + a" * 99, a=1.0) == 100.0
