"""The formula tree: immutable nodes, traversal helpers and canonical text.

Every node carries `offset`, the 0-based character offset of its first character in the
formula text (for a node made by hand, 0 unless given). Offsets take part in equality;
`strip_offsets` gives a copy with every offset at 0 for comparing trees by structure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

UNARY_OPS = frozenset({"-", "not"})
"""Prefix operators: arithmetic negation and logical negation."""
ARITHMETIC_OPS = frozenset({"+", "-", "*", "/"})
"""Binary arithmetic operators."""
LOGICAL_OPS = frozenset({"and", "or"})
"""Binary logical operators (three-valued, as in SQL)."""
COMPARISON_OPS = frozenset({"<", "<=", ">", ">=", "==", "!="})
"""Comparison operators; a comparison has exactly one."""


@dataclass(frozen=True, slots=True)
class Number:
    """A number literal such as `3600`, `0.95` or `1e3`.

    Attributes:
        value: The number's value.
        offset: 0-based offset of the literal's first character.
    """

    value: float
    offset: int = field(default=0, kw_only=True)


@dataclass(frozen=True, slots=True)
class Name:
    """A reference to a measure (or another value) by name.

    Attributes:
        id: The identifier as written.
        offset: 0-based offset of the identifier's first character.
    """

    id: str
    offset: int = field(default=0, kw_only=True)


@dataclass(frozen=True, slots=True)
class Unary:
    """A prefix operator: `-x` or `not c`.

    Attributes:
        op: `-` or `not`.
        operand: The expression the operator applies to.
        offset: 0-based offset of the operator.
    """

    op: str
    operand: Node
    offset: int = field(default=0, kw_only=True)

    def __post_init__(self) -> None:
        if self.op not in UNARY_OPS:
            raise ValueError(f"unknown unary operator {self.op!r}")


@dataclass(frozen=True, slots=True)
class Binary:
    """An arithmetic (`+ - * /`) or logical (`and`, `or`) operation.

    Attributes:
        op: The operator.
        left: The left operand.
        right: The right operand.
        offset: 0-based offset of the first character of the whole operation.
    """

    op: str
    left: Node
    right: Node
    offset: int = field(default=0, kw_only=True)

    def __post_init__(self) -> None:
        if self.op not in ARITHMETIC_OPS and self.op not in LOGICAL_OPS:
            raise ValueError(f"unknown binary operator {self.op!r}")


@dataclass(frozen=True, slots=True)
class Compare:
    """A single comparison such as `qa_correct <= qa_audited`.

    Attributes:
        op: One of `<`, `<=`, `>`, `>=`, `==`, `!=`.
        left: The left operand.
        right: The right operand.
        offset: 0-based offset of the first character of the whole comparison.
    """

    op: str
    left: Node
    right: Node
    offset: int = field(default=0, kw_only=True)

    def __post_init__(self) -> None:
        if self.op not in COMPARISON_OPS:
            raise ValueError(f"unknown comparison operator {self.op!r}")


@dataclass(frozen=True, slots=True)
class Call:
    """A function call such as `min(1, x / y)`; the function need not exist.

    Attributes:
        name: The function name as written.
        args: The arguments, in order.
        offset: 0-based offset of the function name.
    """

    name: str
    args: tuple[Node, ...]
    offset: int = field(default=0, kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.args, tuple):
            raise TypeError("Call.args must be a tuple")


Node: TypeAlias = Number | Name | Unary | Binary | Compare | Call
"""Any formula node."""


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of a node, in source order.

    Args:
        node: Any node.

    Returns:
        The operands or arguments; empty for numbers and names.
    """
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary | Compare):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def _walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children, in source order (no recursion)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def names(node: Node) -> list[Name]:
    """Every identifier reference in the formula, in source order.

    Function names are not references; repeated names appear once per use.

    Args:
        node: The formula tree.

    Returns:
        The `Name` nodes, ordered as they appear in the text.
    """
    return [n for n in _walk(node) if isinstance(n, Name)]


def calls(node: Node) -> list[Call]:
    """Every function call in the formula, in source order (outer calls first).

    Args:
        node: The formula tree.

    Returns:
        The `Call` nodes, ordered by where their names appear in the text.
    """
    return [n for n in _walk(node) if isinstance(n, Call)]


def is_condition(node: Node) -> bool:
    """Whether the formula is a condition (a check) rather than a quantity.

    A condition is a comparison, or `and`/`or`/`not` applied to conditions.

    Args:
        node: The formula tree.

    Returns:
        True for conditions such as `a <= b and b <= c`, False otherwise.
    """
    if isinstance(node, Compare):
        return True
    if isinstance(node, Unary) and node.op == "not":
        return is_condition(node.operand)
    if isinstance(node, Binary) and node.op in LOGICAL_OPS:
        return is_condition(node.left) and is_condition(node.right)
    return False


def strip_offsets(node: Node) -> Node:
    """A copy of the tree with every offset set to 0, for comparing trees by structure.

    Args:
        node: The formula tree.

    Returns:
        An equal-shaped tree whose nodes all have offset 0.
    """
    if isinstance(node, Number):
        return Number(node.value)
    if isinstance(node, Name):
        return Name(node.id)
    if isinstance(node, Unary):
        return Unary(node.op, strip_offsets(node.operand))
    if isinstance(node, Binary):
        return Binary(node.op, strip_offsets(node.left), strip_offsets(node.right))
    if isinstance(node, Compare):
        return Compare(node.op, strip_offsets(node.left), strip_offsets(node.right))
    return Call(node.name, tuple(strip_offsets(arg) for arg in node.args))


# Binding strength, loosest first; operands and calls bind tightest.
_OR, _AND, _NOT, _COMPARE, _ADD, _MUL, _NEG, _ATOM = range(1, 9)
_BINARY_LEVELS = {"or": _OR, "and": _AND, "+": _ADD, "-": _ADD, "*": _MUL, "/": _MUL}


def _level(node: Node) -> int:
    """How tightly the node's text binds (higher binds tighter)."""
    if isinstance(node, Unary):
        return _NEG if node.op == "-" else _NOT
    if isinstance(node, Binary):
        return _BINARY_LEVELS[node.op]
    if isinstance(node, Compare):
        return _COMPARE
    return _ATOM


def _format_number(value: float) -> str:
    """Shortest text that reads back as the same float (`3600`, `0.95`, `1e-05`)."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _wrapped(node: Node, min_level: int) -> str:
    """The node's text, in parentheses when it binds more loosely than `min_level`."""
    text = to_text(node)
    return f"({text})" if _level(node) < min_level else text


def to_text(node: Node) -> str:
    """Canonical text for a formula, with only the parentheses the grammar needs.

    Parsing the result gives back an equal tree, offsets aside (for trees whose numbers are
    finite and non-negative, as the parser makes them).

    Args:
        node: The formula tree.

    Returns:
        Text such as `100 * (nps_promoters - nps_detractors) / nps_responses`.
    """
    if isinstance(node, Number):
        return _format_number(node.value)
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Call):
        return f"{node.name}({', '.join(to_text(arg) for arg in node.args)})"
    if isinstance(node, Unary):
        if node.op == "-":
            return f"-{_wrapped(node.operand, _NEG)}"
        return f"not {_wrapped(node.operand, _NOT)}"
    if isinstance(node, Compare):
        return f"{_wrapped(node.left, _ADD)} {node.op} {_wrapped(node.right, _ADD)}"
    level = _BINARY_LEVELS[node.op]
    return f"{_wrapped(node.left, level)} {node.op} {_wrapped(node.right, level + 1)}"
