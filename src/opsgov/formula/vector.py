"""Evaluate a formula over whole columns at once (NumPy), with the scalar evaluator's meaning.

Missing values are NaN. Conditions are float arrays holding 1.0 (true), 0.0 (false) or NaN
(unknown), so SQL's three-valued logic carries over: `false and unknown` is false, `true or
unknown` is true. Division by zero gives NaN, never inf. This is what validation uses to check
a million rows without a Python loop per row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from opsgov.formula.functions import round_digits
from opsgov.formula.nodes import Binary, Call, Compare, Name, Node, Number, Unary

Array: TypeAlias = npt.NDArray[np.float64]
Columns: TypeAlias = Mapping[str, Array]
VectorFormula: TypeAlias = Callable[[Columns, int], Array]
"""A compiled formula: call it with the columns and the row count."""

_COMPARE: dict[str, Callable[[Array, Array], npt.NDArray[np.bool_]]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


def _known(*arrays: Array) -> npt.NDArray[np.bool_]:
    out = ~np.isnan(arrays[0])
    for a in arrays[1:]:
        out &= ~np.isnan(a)
    return out


def _divide(a: Array, b: Array) -> Array:
    out = np.full(np.broadcast(a, b).shape, np.nan)
    ok = _known(a, b) & (b != 0)
    np.divide(a, b, out=out, where=ok)
    return out


def _compare(op: str, a: Array, b: Array) -> Array:
    with np.errstate(invalid="ignore"):
        result = _COMPARE[op](a, b).astype(np.float64)
    result[~_known(a, b)] = np.nan
    return result


def _and(a: Array, b: Array) -> Array:
    out = np.where((a == 0) | (b == 0), 0.0, np.nan)
    out[(a == 1) & (b == 1)] = 1.0
    return out


def _or(a: Array, b: Array) -> Array:
    out = np.where((a == 1) | (b == 1), 1.0, np.nan)
    out[(a == 0) & (b == 0)] = 0.0
    return out


def _round(x: Array, digits: int) -> Array:
    scale = 10.0**digits
    return np.sign(x) * np.floor(np.abs(x) * scale + 0.5) / scale


def compile_vector(node: Node) -> VectorFormula:
    """Compile a formula once into a function of columns."""
    if isinstance(node, Number):
        value = node.value
        return lambda cols, n: np.full(n, value)
    if isinstance(node, Name):
        key = node.id
        return lambda cols, n: np.asarray(cols[key], dtype=np.float64)
    if isinstance(node, Unary):
        inner = compile_vector(node.operand)
        if node.op == "-":
            return lambda cols, n: -inner(cols, n)
        return lambda cols, n: np.where(np.isnan(v := inner(cols, n)), np.nan, 1.0 - v)
    if isinstance(node, Compare):
        left, right, op = compile_vector(node.left), compile_vector(node.right), node.op
        return lambda cols, n: _compare(op, left(cols, n), right(cols, n))
    if isinstance(node, Binary):
        return _binary(node)
    return _call(node)


def _binary(node: Binary) -> VectorFormula:
    left, right = compile_vector(node.left), compile_vector(node.right)
    if node.op == "+":
        return lambda cols, n: left(cols, n) + right(cols, n)
    if node.op == "-":
        return lambda cols, n: left(cols, n) - right(cols, n)
    if node.op == "*":
        return lambda cols, n: left(cols, n) * right(cols, n)
    if node.op == "/":
        return lambda cols, n: _divide(left(cols, n), right(cols, n))
    if node.op == "and":
        return lambda cols, n: _and(left(cols, n), right(cols, n))
    return lambda cols, n: _or(left(cols, n), right(cols, n))


def _call(node: Call) -> VectorFormula:
    args = [compile_vector(a) for a in node.args]
    name = node.name
    if name in {"min", "max"}:
        func = np.minimum if name == "min" else np.maximum

        def extreme(cols: Columns, n: int) -> Array:
            out = args[0](cols, n)
            for arg in args[1:]:
                out = func(out, arg(cols, n))
            return out

        return extreme
    if name == "abs":
        return lambda cols, n: np.abs(args[0](cols, n))
    if name == "round":
        digits = round_digits(node) or 0
        return lambda cols, n: _round(args[0](cols, n), digits)
    if name == "if":
        cond, then, other = args
        return lambda cols, n: np.where(
            np.isnan(c := cond(cols, n)), np.nan, np.where(c == 1, then(cols, n), other(cols, n))
        )
    if name == "coalesce":

        def first(cols: Columns, n: int) -> Array:
            out = args[0](cols, n)
            for arg in args[1:]:
                out = np.where(np.isnan(out), arg(cols, n), out)
            return out

        return first
    raise ValueError(f"unknown function {name!r}")
