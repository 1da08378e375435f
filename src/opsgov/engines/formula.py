"""Formula trees as SQL that every engine evaluates the same way (written in DuckDB's dialect).

The semantics are those of `opsgov.formula.evaluate`: NULL is "no value"; a division by zero
is NULL (`CAST(a AS DOUBLE) / NULLIF(b, 0)`: DuckDB alone would give inf, Spark in ANSI mode
would raise); `min`/`max` are NULL when any argument is (SQL's LEAST and GREATEST skip NULLs
on some engines); `if` is NULL when its condition is; numbers are DOUBLE literals (Spark reads
`1.5` as a DECIMAL). Conditions stay SQL booleans and are never mixed with numbers: a formula
that would use a condition as a number (which Python reports as an error, giving no value)
compiles to NULL.

A KPI that uses another KPI gets the other's formula inlined, over the same columns, as the
Python evaluator computes it over the same rolled-up measures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from opsgov.formula.functions import check_call, round_digits
from opsgov.formula.nodes import Binary, Call, Compare, Name, Node, Number, Unary

_COMPARE = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "!=": "<>"}

NULL_NUMBER = "CAST(NULL AS DOUBLE)"


class MixedTypesError(Exception):
    """A condition used as a number, or a number as a condition: the value is NULL."""


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise MixedTypesError(f"cannot write the number {value!r} in SQL")
    return f"CAST({float(value)!r} AS DOUBLE)"


class _Writer:
    def __init__(self, column: Callable[[str], str], kpis: Mapping[str, Node]) -> None:
        self.column = column
        self.kpis = kpis

    def number(self, node: Node, seen: frozenset[str] = frozenset()) -> str:
        sql, condition = self.write(node, seen)
        if condition:
            raise MixedTypesError("a condition used as a number")
        return sql

    def condition(self, node: Node, seen: frozenset[str]) -> str:
        sql, condition = self.write(node, seen)
        if not condition:
            raise MixedTypesError("a number used as a condition")
        return sql

    def write(self, node: Node, seen: frozenset[str]) -> tuple[str, bool]:
        """(SQL, whether it is a condition)."""
        if isinstance(node, Number):
            return _number(node.value), False
        if isinstance(node, Name):
            if node.id in self.kpis:
                if node.id in seen:
                    raise MixedTypesError(f"{node.id} uses itself")
                formula = self.kpis[node.id]
                sql, condition = self.write(formula, seen | {node.id})
                return (NULL_NUMBER, False) if condition else (sql, False)
            return self.column(node.id), False
        if isinstance(node, Unary):
            if node.op == "-":
                return f"(- {self.number(node.operand, seen)})", False
            return f"(NOT {self.condition(node.operand, seen)})", True
        if isinstance(node, Compare):
            left, right = self.number(node.left, seen), self.number(node.right, seen)
            return f"({left} {_COMPARE[node.op]} {right})", True
        if isinstance(node, Binary):
            if node.op in ("and", "or"):
                left, right = self.condition(node.left, seen), self.condition(node.right, seen)
                return f"({left} {node.op.upper()} {right})", True
            left, right = self.number(node.left, seen), self.number(node.right, seen)
            if node.op == "/":
                return f"(CAST({left} AS DOUBLE) / NULLIF({right}, 0))", False
            return f"({left} {node.op} {right})", False
        return self.call(node, seen)

    def call(self, node: Call, seen: frozenset[str]) -> tuple[str, bool]:
        problem = check_call(node)
        if problem is not None:
            raise MixedTypesError(problem)
        if node.name == "if":
            cond = self.condition(node.args[0], seen)
            (then, a), (other, b) = self.write(node.args[1], seen), self.write(node.args[2], seen)
            if a != b:
                raise MixedTypesError("if() mixes a condition and a number")
            return f"(CASE WHEN {cond} THEN {then} WHEN NOT {cond} THEN {other} END)", a
        if node.name == "coalesce":
            parts = [self.write(arg, seen) for arg in node.args]
            if len({c for _, c in parts}) > 1:
                raise MixedTypesError("coalesce() mixes conditions and numbers")
            if len(parts) == 1:
                return parts[0]
            return f"COALESCE({', '.join(sql for sql, _ in parts)})", parts[0][1]
        args = [self.number(arg, seen) for arg in node.args]
        if node.name == "abs":
            return f"ABS({args[0]})", False
        if node.name == "round":
            return f"ROUND({args[0]}, {round_digits(node) or 0})", False
        pick = "LEAST" if node.name == "min" else "GREATEST"
        if len(args) == 1:
            return args[0], False
        missing = " OR ".join(f"{a} IS NULL" for a in args)
        return f"(CASE WHEN {missing} THEN {NULL_NUMBER} ELSE {pick}({', '.join(args)}) END)", False


def kpi_sql(
    formula: Node, column: Callable[[str], str], kpis: Mapping[str, Node], kpi_id: str = ""
) -> str:
    """A KPI's value as a DOUBLE expression over measure columns; NULL when it has none."""
    try:
        return _Writer(column, kpis).number(formula, frozenset({kpi_id}) if kpi_id else frozenset())
    except MixedTypesError:
        return NULL_NUMBER
