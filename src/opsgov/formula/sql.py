"""Translate formula trees to SQLite SQL with the semantics of `opsgov.formula.evaluate`.

Every operation is wrapped in parentheses, so the output never depends on SQL's own
precedence rules. NULL plays the part of None: SQLite's arithmetic, comparisons, ABS,
ROUND, AND/OR/NOT (three-valued) and the multi-argument scalar MIN/MAX (NULL when any
argument is NULL) already behave as the Python evaluator does; division and `if` are
written out so that they do too.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from opsgov.formula.functions import check_call, round_digits
from opsgov.formula.nodes import Binary, Call, Compare, Name, Node, Number, Unary

_OPERATORS = {
    "+": "+",
    "-": "-",
    "*": "*",
    "and": "AND",
    "or": "OR",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
    "==": "=",
    "!=": "<>",
}


def _number(value: float) -> str:
    """A REAL literal SQLite reads back as the same double (`3600.0`, `1e-05`)."""
    if not math.isfinite(value):
        raise ValueError(f"cannot write the number {value!r} in SQL")
    text = repr(float(value))
    return f"({text})" if value < 0 else text


def _call(node: Call, column: Callable[[str], str]) -> str:
    problem = check_call(node)
    if problem is not None:
        raise ValueError(problem)
    args = [to_sql(arg, column) for arg in node.args]
    if node.name == "if":
        condition, then, otherwise = args
        # CASE on the condition's value evaluates it once; a NULL condition matches
        # neither branch, so the result is NULL, as in Python.
        return f"(CASE {condition} WHEN 1 THEN {then} WHEN 0 THEN {otherwise} END)"
    if node.name == "coalesce" and len(args) == 1:
        return args[0]  # SQLite's COALESCE wants two or more arguments
    if node.name == "round":
        return f"ROUND({args[0]}, {round_digits(node) or 0})"
    return f"{node.name.upper()}({', '.join(args)})"


def to_sql(node: Node, column: Callable[[str], str]) -> str:
    """Write a formula as a SQLite expression.

    Args:
        node: The formula tree.
        column: Gives the SQL for a name, already quoted (for example `'"' + name + '"'`).

    Returns:
        A SQL expression that gives, row by row, what `evaluate` gives in Python: NULL for
        None, 0/1 for conditions. `a / b` becomes `(CAST(a AS REAL) / NULLIF(b, 0))` and
        `if(c, a, b)` becomes `(CASE c WHEN 1 THEN a WHEN 0 THEN b END)`, which is NULL
        when `c` is NULL and mentions `c` only once.

    Raises:
        ValueError: For a call that `check_call` rejects, or a number that is not finite.
    """
    if isinstance(node, Number):
        return _number(node.value)
    if isinstance(node, Name):
        return column(node.id)
    if isinstance(node, Unary):
        operand = to_sql(node.operand, column)
        # The space keeps `- -x` from becoming a `--` comment.
        return f"(- {operand})" if node.op == "-" else f"(NOT {operand})"
    if isinstance(node, Binary | Compare):
        left, right = to_sql(node.left, column), to_sql(node.right, column)
        if node.op == "/":
            return f"(CAST({left} AS REAL) / NULLIF({right}, 0))"
        return f"({left} {_OPERATORS[node.op]} {right})"
    return _call(node, column)
