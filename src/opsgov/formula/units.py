"""Dimension analysis of formulas, for the linter: catch `seconds + money` before it runs.

A `Dimension` maps base units (such as `time`, `items`, `money`) to non-zero integer
exponents. Number literals, and expressions made only of literals, carry no dimension of
their own: they adapt to whatever they are added to or compared with (`1 - fcr`, `x > 0`)
and count as dimensionless in `*` and `/` (`100 * a / b`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from opsgov.formula.functions import check_call
from opsgov.formula.nodes import Call, Compare, Name, Node, Number, Unary, to_text


class UnitError(Exception):
    """Quantities of different dimensions meet, or a condition is used as a quantity.

    Attributes:
        message: What does not fit, naming both sides and their dimensions.
        offset: 0-based offset in the formula text of the operand that does not fit.
    """

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message, offset)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        return self.message


class Dimension(Mapping[str, int]):
    """An immutable, hashable mapping of base unit to non-zero integer exponent.

    `Dimension.of(time=1, items=-1)` is average handle time (seconds per item); the empty
    dimension is a pure number such as a ratio of like quantities.
    """

    __slots__ = ("_items",)
    _items: tuple[tuple[str, int], ...]

    def __init__(self, exponents: Mapping[str, int] | None = None) -> None:
        items: dict[str, int] = {}
        for base, power in (exponents or {}).items():
            if not isinstance(base, str) or not base:
                raise TypeError(f"a base unit must be a non-empty string, not {base!r}")
            if not isinstance(power, int) or isinstance(power, bool):
                raise TypeError(f"the exponent of {base!r} must be an int, not {power!r}")
            if power:
                items[base] = power
        object.__setattr__(self, "_items", tuple(sorted(items.items())))

    @classmethod
    def of(cls, **exponents: int) -> Dimension:
        """A dimension from keyword exponents; zero exponents are dropped.

        Args:
            **exponents: Exponent by base unit, such as `time=1, items=-1`.

        Returns:
            The dimension.
        """
        return cls(exponents)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Dimension is immutable")

    def __reduce__(self) -> tuple[type[Dimension], tuple[dict[str, int]]]:
        return (Dimension, (dict(self._items),))

    def __getitem__(self, base: str) -> int:
        for key, power in self._items:
            if key == base:
                return power
        raise KeyError(base)

    def __iter__(self) -> Iterator[str]:
        return (base for base, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Dimension):
            return self._items == other._items
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._items)

    def __mul__(self, other: Dimension) -> Dimension:
        combined = dict(self._items)
        for base, power in other._items:
            combined[base] = combined.get(base, 0) + power
        return Dimension(combined)

    def __truediv__(self, other: Dimension) -> Dimension:
        return self * Dimension({base: -power for base, power in other._items})

    @property
    def is_dimensionless(self) -> bool:
        """True for a pure number (no base units)."""
        return not self._items

    def exponent(self, base: str) -> int:
        """The exponent of a base unit.

        Args:
            base: The base unit.

        Returns:
            Its exponent, 0 when the dimension does not involve it.
        """
        return dict(self._items).get(base, 0)

    def __repr__(self) -> str:
        args = ", ".join(f"{base}={power}" for base, power in self._items)
        return f"Dimension.of({args})"

    def __str__(self) -> str:
        def product(parts: list[tuple[str, int]]) -> str:
            return "*".join(base if power == 1 else f"{base}^{power}" for base, power in parts)

        above = [(base, power) for base, power in self._items if power > 0]
        below = [(base, -power) for base, power in self._items if power < 0]
        top = product(above) if above else "1"
        if not below:
            return top
        bottom = product(below)
        return f"{top}/({bottom})" if len(below) > 1 else f"{top}/{bottom}"


_Kind = Literal["quantity", "literal", "condition"]


@dataclass(frozen=True, slots=True)
class _Inferred:
    """What a sub-expression is: a quantity of a dimension, literals only, or a condition."""

    kind: _Kind
    dimension: Dimension


_NONE: Final = Dimension()
_LITERAL: Final = _Inferred("literal", _NONE)
_CONDITION: Final = _Inferred("condition", _NONE)
_CLASHES: Final = {
    "+": "cannot add {other} to {first}",
    "-": "cannot subtract {other} from {first}",
}


def _describe(node: Node, inferred: _Inferred) -> str:
    """An operand for a message: its text and what it is (`'cost_total' (money)`)."""
    if inferred.kind == "condition":
        what = "a condition"
    elif inferred.dimension.is_dimensionless:
        what = "dimensionless"
    else:
        what = str(inferred.dimension)
    return f"'{to_text(node)}' ({what})"


def _quantity(node: Node, inferred: _Inferred, where: str) -> _Inferred:
    """Refuse a condition where a quantity is needed."""
    if inferred.kind == "condition":
        raise UnitError(f"{where} needs a quantity, found {_describe(node, inferred)}", node.offset)
    return inferred


def _condition(node: Node, inferred: _Inferred, where: str) -> None:
    """Refuse a quantity where a condition is needed."""
    if inferred.kind != "condition":
        raise UnitError(
            f"{where} needs a condition, found {_describe(node, inferred)}", node.offset
        )


def _same(nodes: tuple[Node, ...], found: list[_Inferred], template: str) -> _Inferred:
    """The common dimension of operands that must match; literals adapt to the others.

    `template` has `{first}` and `{other}` slots for the two operands that do not match.
    """
    first: tuple[Node, _Inferred] | None = None
    for node, inferred in zip(nodes, found, strict=True):
        if inferred.kind == "literal":
            continue
        if first is None:
            first = (node, inferred)
        elif inferred.dimension != first[1].dimension:
            clash = template.format(
                first=_describe(first[0], first[1]), other=_describe(node, inferred)
            )
            raise UnitError(f"{clash}: the dimensions differ", node.offset)
    return _LITERAL if first is None else first[1]


def _infer(node: Node, dims: Mapping[str, Dimension]) -> _Inferred:
    if isinstance(node, Number):
        return _LITERAL
    if isinstance(node, Name):
        return _Inferred("quantity", dims[node.id])
    if isinstance(node, Unary):
        operand = _infer(node.operand, dims)
        if node.op == "not":
            _condition(node.operand, operand, "'not'")
            return _CONDITION
        return _quantity(node.operand, operand, "'-'")
    if isinstance(node, Call):
        return _infer_call(node, dims)
    left, right = _infer(node.left, dims), _infer(node.right, dims)
    if node.op in ("and", "or"):
        _condition(node.left, left, f"'{node.op}'")
        _condition(node.right, right, f"'{node.op}'")
        return _CONDITION
    _quantity(node.left, left, f"'{node.op}'")
    _quantity(node.right, right, f"'{node.op}'")
    if isinstance(node, Compare):
        _same((node.left, node.right), [left, right], "cannot compare {first} with {other}")
        return _CONDITION
    if node.op in _CLASHES:
        return _same((node.left, node.right), [left, right], _CLASHES[node.op])
    if left.kind == "literal" and right.kind == "literal":
        return _LITERAL
    if node.op == "*":
        return _Inferred("quantity", left.dimension * right.dimension)
    return _Inferred("quantity", left.dimension / right.dimension)


def _infer_call(node: Call, dims: Mapping[str, Dimension]) -> _Inferred:
    problem = check_call(node)
    if problem is not None:
        raise UnitError(problem, node.offset)
    found = [_infer(arg, dims) for arg in node.args]
    where = f"{node.name}()"
    if node.name == "if":
        _condition(node.args[0], found[0], where)
        for arg, inferred in zip(node.args[1:], found[1:], strict=True):
            _quantity(arg, inferred, where)
        return _same(node.args[1:], found[1:], "the branches of if() mix {first} and {other}")
    for arg, inferred in zip(node.args, found, strict=True):
        _quantity(arg, inferred, where)
    if node.name in ("abs", "round"):
        return found[0]
    return _same(node.args, found, where + " mixes {first} and {other}")


def infer_dimension(node: Node, dims: Mapping[str, Dimension]) -> Dimension:
    """The dimension of a formula, checking that its quantities fit together.

    Args:
        node: The formula tree.
        dims: The dimension of every name the formula uses.

    Returns:
        The formula's dimension; dimensionless for conditions and for literal-only formulas.

    Raises:
        UnitError: When `+`, `-`, a comparison, the arguments of min/max/coalesce or the
            branches of `if` mix dimensions (at the offending right-hand operand), when a
            condition is used as a quantity or a quantity as a condition, or for a call
            that `check_call` rejects.
        KeyError: For a name missing from `dims`.
    """
    return _infer(node, dims).dimension
