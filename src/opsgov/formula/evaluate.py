"""Evaluate formula trees in Python, compiled once into nested closures.

Semantics, shared with `opsgov.formula.sql`:

* A missing value is None. It propagates through arithmetic, comparisons, `abs`, `round`,
  `min` and `max` (None when any argument is None) and `if` (None when the condition is).
* `coalesce` gives its first argument that is not None, evaluating no further.
* Division by zero gives None; it never raises and never gives inf or NaN.
* `and`/`or`/`not` follow SQL's three-valued logic: `False and None` is False,
  `True or None` is True, other mixes with None are None.
* Comparisons give bools. Arithmetic, comparisons and numeric functions on a bool raise
  `FormulaEvalError`, as do `and`/`or`/`not`/`if` conditions that are numbers.
* `round` rounds half away from zero on the decimal digits as written (2.675 -> 2.68).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TypeAlias

from opsgov.formula.functions import check_call, round_digits
from opsgov.formula.nodes import Binary, Call, Compare, Name, Node, Number, Unary

Value: TypeAlias = float | bool | None
"""What a formula gives: a number, a bool for conditions, or None when missing."""
Env: TypeAlias = Mapping[str, float | None]
"""Values by name for one row; None marks a missing value."""
Compiled: TypeAlias = Callable[[Env], Value]
"""A compiled formula: call it with one row's values."""

_DECIMAL: Context = Context(prec=60, rounding=ROUND_HALF_UP)
_WHOLE = 2.0**52  # from here on a double has no fractional part to round


class FormulaEvalError(Exception):
    """A formula cannot be evaluated: a name has no value, or a value has the wrong type.

    Attributes:
        message: What went wrong.
        name: The missing name, when that is the problem; otherwise None.
    """

    def __init__(self, message: str, name: str | None = None) -> None:
        super().__init__(message, name)
        self.message = message
        self.name = name

    def __str__(self) -> str:
        return self.message


def _not_a_number(op: str) -> FormulaEvalError:
    return FormulaEvalError(f"'{op}' needs numbers, found a condition (true/false)")


def _not_a_condition(op: str) -> FormulaEvalError:
    return FormulaEvalError(f"'{op}' needs conditions (true/false), found a number")


def round_half_away(value: float, digits: int) -> float:
    """Round to `digits` decimal places, halves away from zero, as SQLite's ROUND does.

    Args:
        value: The number to round.
        digits: Decimal places, 0 or more.

    Returns:
        The rounded number (`round_half_away(2.5, 0)` is 3.0, `(2.675, 2)` is 2.68).
    """
    if not math.isfinite(value) or abs(value) >= _WHOLE:
        return float(value)
    exponent = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(exponent, context=_DECIMAL))


def _name(node: Name) -> Compiled:
    key = node.id

    def run(env: Env) -> Value:
        try:
            return env[key]
        except KeyError:
            raise FormulaEvalError(f"no value for '{key}'", key) from None

    return run


def _negate(operand: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        value = operand(env)
        if value is None:
            return None
        if value.__class__ is bool:
            raise _not_a_number("-")
        return -value

    return run


def _logical_not(operand: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        value = operand(env)
        if value is None:
            return None
        if value.__class__ is not bool:
            raise _not_a_condition("not")
        return not value

    return run


def _arithmetic(op: str, left: Compiled, right: Compiled) -> Compiled:
    apply: Callable[[float, float], float | None] = _ARITHMETIC[op]

    def run(env: Env) -> Value:
        a = left(env)
        b = right(env)
        if a is None or b is None:
            return None
        if a.__class__ is bool or b.__class__ is bool:
            raise _not_a_number(op)
        return apply(a, b)

    return run


def _divide(a: float, b: float) -> float | None:
    return None if b == 0 else a / b


_ARITHMETIC: dict[str, Callable[[float, float], float | None]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _divide,
}


def _compare(op: str, left: Compiled, right: Compiled) -> Compiled:
    apply: Callable[[float, float], bool] = _COMPARISONS[op]

    def run(env: Env) -> Value:
        a = left(env)
        b = right(env)
        if a is None or b is None:
            return None
        if a.__class__ is bool or b.__class__ is bool:
            raise _not_a_number(op)
        return apply(a, b)

    return run


_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def _logical(op: str, left: Compiled, right: Compiled) -> Compiled:
    decisive = op == "or"  # the value that settles the result whatever the other side is

    def run(env: Env) -> Value:
        a = left(env)
        b = right(env)
        if (a is not None and a.__class__ is not bool) or (
            b is not None and b.__class__ is not bool
        ):
            raise _not_a_condition(op)
        if a is decisive or b is decisive:
            return decisive
        if a is None or b is None:
            return None
        return not decisive

    return run


def _numbers(name: str, values: list[Value]) -> list[float] | None:
    """The values as numbers, or None when any is missing; bools are an error."""
    if None in values:
        return None
    if any(value.__class__ is bool for value in values):
        raise _not_a_number(f"{name}()")
    return [value for value in values if value is not None]


def _extremum(name: str, args: list[Compiled]) -> Compiled:
    pick: Callable[[list[float]], float] = min if name == "min" else max

    def run(env: Env) -> Value:
        values = _numbers(name, [arg(env) for arg in args])
        return None if values is None else pick(values)

    return run


def _abs(operand: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        values = _numbers("abs", [operand(env)])
        return None if values is None else abs(values[0])

    return run


def _round(operand: Compiled, digits: int) -> Compiled:
    def run(env: Env) -> Value:
        values = _numbers("round", [operand(env)])
        return None if values is None else round_half_away(values[0], digits)

    return run


def _if(condition: Compiled, then: Compiled, otherwise: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        chosen = condition(env)
        if chosen is None:
            return None
        if chosen is True:
            return then(env)
        if chosen is False:
            return otherwise(env)
        raise _not_a_condition("if()")

    return run


def _coalesce(args: list[Compiled]) -> Compiled:
    def run(env: Env) -> Value:
        for arg in args:
            value = arg(env)
            if value is not None:
                return value
        return None

    return run


def _call(node: Call) -> Compiled:
    problem = check_call(node)
    if problem is not None:
        raise FormulaEvalError(problem)
    args = [compile_formula(arg) for arg in node.args]
    if node.name in ("min", "max"):
        return _extremum(node.name, args)
    if node.name == "abs":
        return _abs(args[0])
    if node.name == "round":
        return _round(args[0], round_digits(node) or 0)
    if node.name == "if":
        return _if(args[0], args[1], args[2])
    return _coalesce(args)


def compile_formula(node: Node) -> Compiled:
    """Turn a formula tree into a function of one row's values.

    The tree is walked once; the result is a chain of closures, cheap enough to call on
    every row of a large table.

    Args:
        node: The formula tree.

    Returns:
        A function taking a mapping of name to value (None when missing) and giving a
        number, a bool (for conditions) or None.

    Raises:
        FormulaEvalError: At once, for a call that `check_call` rejects; later, from the
            returned function, for a name absent from the mapping or a bool used as a
            number (or a number used as a condition).
    """
    if isinstance(node, Number):
        value = node.value
        return lambda env: value
    if isinstance(node, Name):
        return _name(node)
    if isinstance(node, Unary):
        operand = compile_formula(node.operand)
        return _negate(operand) if node.op == "-" else _logical_not(operand)
    if isinstance(node, Binary):
        left, right = compile_formula(node.left), compile_formula(node.right)
        if node.op in ("and", "or"):
            return _logical(node.op, left, right)
        return _arithmetic(node.op, left, right)
    if isinstance(node, Compare):
        return _compare(node.op, compile_formula(node.left), compile_formula(node.right))
    return _call(node)


def evaluate(node: Node, env: Env) -> Value:
    """Evaluate a formula for one row (compile once with `compile_formula` for many rows).

    Args:
        node: The formula tree.
        env: Values by name; None marks a missing value.

    Returns:
        A number, a bool (for conditions) or None when the result is missing.

    Raises:
        FormulaEvalError: For an unknown function or wrong arguments, a name absent from
            `env`, or a value of the wrong type.
    """
    return compile_formula(node)(env)
