"""The functions formulas may call, and the check of a call against them."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from opsgov.formula.nodes import Call, Number

MAX_ROUND_DIGITS: Final = 15
"""The most decimal places `round` accepts (a double holds about 15 significant digits)."""


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """What a formula function is called and how many arguments it takes.

    Attributes:
        name: The function name as formulas write it.
        min_args: The fewest arguments.
        max_args: The most arguments, or None for no limit.
        description: One line for documentation and error hints.
    """

    name: str
    min_args: int
    max_args: int | None
    description: str


FUNCTIONS: Final[Mapping[str, FunctionSpec]] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            FunctionSpec("min", 2, None, "The smallest argument; missing if any is missing."),
            FunctionSpec("max", 2, None, "The largest argument; missing if any is missing."),
            FunctionSpec("abs", 1, 1, "The absolute value."),
            FunctionSpec(
                "round",
                1,
                2,
                "Round half away from zero to `digits` decimal places (a whole number "
                f"from 0 to {MAX_ROUND_DIGITS} written as a literal; default 0).",
            ),
            FunctionSpec(
                "if",
                3,
                3,
                "`if(condition, then, else)`; missing when the condition is missing.",
            ),
            FunctionSpec("coalesce", 1, None, "The first argument that is not missing."),
        )
    }
)
"""Every function a formula may call, by name."""


def _arity(spec: FunctionSpec) -> str:
    """How many arguments a function takes, in words."""
    if spec.max_args is None:
        plural = "" if spec.min_args == 1 else "s"
        return f"at least {spec.min_args} argument{plural}"
    if spec.min_args == spec.max_args:
        plural = "" if spec.min_args == 1 else "s"
        return f"exactly {spec.min_args} argument{plural}"
    return f"{spec.min_args} to {spec.max_args} arguments"


def _unknown(name: str) -> str:
    """Message for a call to a function that does not exist."""
    known = ", ".join(sorted(FUNCTIONS))
    matches = difflib.get_close_matches(name.lower(), list(FUNCTIONS), n=1)
    hint = f"did you mean '{matches[0]}'? " if matches else ""
    return f"unknown function '{name}': {hint}known functions are {known}"


def round_digits(call: Call) -> int | None:
    """The literal `digits` argument of a `round` call, when it is valid.

    Args:
        call: A call to `round`.

    Returns:
        The number of decimal places (0 when omitted), or None when the second argument is
        not a whole-number literal from 0 to `MAX_ROUND_DIGITS`.
    """
    if len(call.args) < 2:
        return 0
    digits = call.args[1]
    if not isinstance(digits, Number) or not digits.value.is_integer():
        return None
    if not 0 <= digits.value <= MAX_ROUND_DIGITS:
        return None
    return int(digits.value)


def check_call(call: Call) -> str | None:
    """Check a call against `FUNCTIONS`.

    Args:
        call: The call node.

    Returns:
        None when the call is valid; otherwise a message saying what is wrong: an unknown
        function (listing the known ones, with a suggestion for near misses), a wrong
        number of arguments, or a `round` digits argument that is not a literal whole
        number from 0 to `MAX_ROUND_DIGITS`.
    """
    spec = FUNCTIONS.get(call.name)
    if spec is None:
        return _unknown(call.name)
    count = len(call.args)
    if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
        return f"{spec.name}() takes {_arity(spec)}, found {count}"
    if spec.name == "round" and round_digits(call) is None:
        return (
            "the digits of round() must be a whole number from 0 to "
            f"{MAX_ROUND_DIGITS} written as a literal, such as round(x, 2)"
        )
    return None
