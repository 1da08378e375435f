"""The vector evaluator agrees with the scalar one, row by row, including missing values."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from opsgov.formula import evaluate, parse
from opsgov.formula.vector import compile_vector

FORMULAS = [
    "a / b",
    "a - b * c",
    "-a + 2",
    "a <= b",
    "a <= b and b <= c",
    "a > b or c == 0",
    "not a < b",
    "min(a, b, c)",
    "max(a, b) / c",
    "abs(a - b)",
    "round(a / 3, 2)",
    "if(a > b, a, b)",
    "coalesce(a, b, 0)",
    "100 * (a - b) / c",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_vector_matches_scalar(text: str) -> None:
    rng = random.Random(7)
    choices = [None, 0.0, 1.0, 2.5, -3.0, 10.0, 7.25]
    rows = [{k: rng.choice(choices) for k in "abc"} for _ in range(300)]
    node = parse(text)
    columns = {k: np.array([np.nan if r[k] is None else r[k] for r in rows]) for k in "abc"}
    got = compile_vector(node)(columns, len(rows))
    for row, value in zip(rows, got, strict=True):
        want = evaluate(node, row)
        if want is None:
            assert math.isnan(value), (text, row, value)
        else:
            assert value == pytest.approx(float(want)), (text, row)


def test_division_by_zero_is_missing_not_infinite() -> None:
    got = compile_vector(parse("a / b"))({"a": np.array([1.0, 0.0]), "b": np.array([0.0, 0.0])}, 2)
    assert np.isnan(got).all()
