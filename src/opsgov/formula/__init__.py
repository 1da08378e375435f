"""The KPI formula language: parse, check, evaluate and translate to SQL.

Formulas such as `handle_seconds / items_handled` or `qa_correct <= qa_audited` are parsed
by a hand-written tokenizer and recursive-descent parser (user text is never evaluated as
Python) into a tree of immutable nodes, which is then evaluated row by row in Python
(`compile_formula`), written as SQLite SQL with the same semantics (`to_sql`), or checked
for consistent units (`infer_dimension`).
"""

from opsgov.formula.evaluate import FormulaEvalError, compile_formula, evaluate
from opsgov.formula.functions import FUNCTIONS, FunctionSpec, check_call
from opsgov.formula.nodes import (
    Binary,
    Call,
    Compare,
    Name,
    Node,
    Number,
    Unary,
    calls,
    is_condition,
    names,
    strip_offsets,
    to_text,
)
from opsgov.formula.parser import MAX_DEPTH, MAX_LENGTH, FormulaSyntaxError, parse
from opsgov.formula.sql import to_sql
from opsgov.formula.units import Dimension, UnitError, infer_dimension

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Binary",
    "Call",
    "Compare",
    "Dimension",
    "FormulaEvalError",
    "FormulaSyntaxError",
    "FunctionSpec",
    "Name",
    "Node",
    "Number",
    "Unary",
    "UnitError",
    "calls",
    "check_call",
    "compile_formula",
    "evaluate",
    "infer_dimension",
    "is_condition",
    "names",
    "parse",
    "strip_offsets",
    "to_sql",
    "to_text",
]
