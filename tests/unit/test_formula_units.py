"""Dimension analysis: the Dimension type, inferred dimensions, and mismatches with offsets."""

from __future__ import annotations

import copy
import pickle

import pytest

from opsgov.formula import Dimension, UnitError, infer_dimension, parse

TIME = Dimension.of(time=1)
ITEMS = Dimension.of(items=1)
MONEY = Dimension.of(money=1)
NONE = Dimension()

DIMS = {
    "handle_seconds": TIME,
    "productive_seconds": TIME,
    "items_handled": ITEMS,
    "items_within_sla": ITEMS,
    "items_sla_eligible": ITEMS,
    "qa_correct": ITEMS,
    "qa_audited": ITEMS,
    "nps_promoters": Dimension.of(responses=1),
    "nps_detractors": Dimension.of(responses=1),
    "nps_responses": Dimension.of(responses=1),
    "cost_total": MONEY,
    "fcr": NONE,
}


def dimension(text: str) -> Dimension:
    return infer_dimension(parse(text), DIMS)


def unit_error(text: str) -> UnitError:
    with pytest.raises(UnitError) as caught:
        dimension(text)
    return caught.value


# --- the Dimension type --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dim", "text"),
    [
        (Dimension.of(time=1, items=-1), "time/items"),
        (MONEY, "money"),
        (NONE, "1"),
        (Dimension.of(items=-1), "1/items"),
        (Dimension.of(time=2), "time^2"),
        (Dimension.of(money=1, time=-1, items=-1), "money/(items*time)"),
        (Dimension.of(items=1, time=1), "items*time"),
        (Dimension.of(money=1, time=-2), "money/time^2"),
    ],
)
def test_str(dim: Dimension, text: str) -> None:
    assert str(dim) == text


def test_arithmetic_on_dimensions() -> None:
    aht = TIME / ITEMS
    assert aht == Dimension.of(time=1, items=-1)
    assert aht * ITEMS == TIME
    assert (TIME / TIME).is_dimensionless
    assert Dimension.of(time=2) == TIME * TIME
    assert Dimension.of(items=-1) == NONE / ITEMS
    assert not aht.is_dimensionless
    assert NONE.is_dimensionless


def test_mapping_behaviour() -> None:
    aht = Dimension.of(time=1, items=-1)
    assert aht.exponent("time") == 1
    assert aht.exponent("items") == -1
    assert aht.exponent("money") == 0
    assert aht["time"] == 1
    assert len(aht) == 2
    assert dict(aht) == {"items": -1, "time": 1}
    assert aht == {"time": 1, "items": -1}
    assert aht != TIME
    with pytest.raises(KeyError):
        aht["money"]


def test_zero_exponents_are_dropped() -> None:
    assert Dimension.of(time=0) == NONE
    assert Dimension({"time": 1, "items": 0}) == TIME
    assert len(Dimension.of(time=0)) == 0


def test_frozen_and_hashable() -> None:
    assert len({Dimension.of(time=1, items=-1), TIME / ITEMS, TIME}) == 2
    with pytest.raises(AttributeError):
        TIME.extra = 1


def test_pickle_and_copy() -> None:
    aht = Dimension.of(time=1, items=-1)
    assert pickle.loads(pickle.dumps(aht)) == aht
    assert copy.deepcopy(aht) == aht
    assert copy.copy(aht) == aht
    assert not hasattr(aht, "__dict__")


@pytest.mark.parametrize("bad", [{"time": 1.5}, {"time": True}, {"": 1}])
def test_bad_exponents_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        Dimension(bad)  # type: ignore[arg-type]


# --- inference -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("handle_seconds / items_handled", Dimension.of(time=1, items=-1)),
        ("100 * qa_correct / qa_audited", NONE),
        ("items_within_sla / items_sla_eligible", NONE),
        ("100 * (nps_promoters - nps_detractors) / nps_responses", NONE),
        ("1 - fcr", NONE),
        ("cost_total / (productive_seconds / 3600)", Dimension.of(money=1, time=-1)),
        ("handle_seconds - 30", TIME),
        ("2 * 3 + handle_seconds", TIME),
        ("-handle_seconds", TIME),
        ("3600 * 2", NONE),
        ("1 / items_handled", Dimension.of(items=-1)),
        ("handle_seconds * handle_seconds", Dimension.of(time=2)),
        ("min(1, qa_correct / qa_audited)", NONE),
        ("max(handle_seconds, 0, productive_seconds)", TIME),
        ("abs(cost_total)", MONEY),
        ("round(handle_seconds / items_handled, 1)", Dimension.of(time=1, items=-1)),
        ("coalesce(cost_total, 0)", MONEY),
        (
            "if(items_handled > 0, handle_seconds / items_handled, 0)",
            Dimension.of(time=1, items=-1),
        ),
        ("if(fcr > 0.5, 1, 0)", NONE),
    ],
)
def test_inferred_dimension(text: str, expected: Dimension) -> None:
    assert dimension(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "qa_correct <= qa_audited",
        "items_within_sla <= items_sla_eligible and items_sla_eligible <= items_handled",
        "fcr > 0",
        "handle_seconds >= 0",
        "not (cost_total > 100 or handle_seconds < 60)",
    ],
)
def test_conditions_are_dimensionless(text: str) -> None:
    assert dimension(text) == NONE


# --- mismatches ----------------------------------------------------------------------------


def test_adding_seconds_to_money_points_at_the_right_operand() -> None:
    error = unit_error("handle_seconds + cost_total")
    assert error.offset == 17
    assert error.message == (
        "cannot add 'cost_total' (money) to 'handle_seconds' (time): the dimensions differ"
    )


@pytest.mark.parametrize(
    ("text", "offset", "start"),
    [
        ("cost_total - handle_seconds", 13, "cannot subtract 'handle_seconds' (time) from"),
        ("1 + (handle_seconds + cost_total)", 22, "cannot add 'cost_total' (money)"),
        ("(handle_seconds / items_handled) + cost_total", 35, "cannot add 'cost_total'"),
        ("abs(cost_total) + handle_seconds", 18, "cannot add 'handle_seconds' (time)"),
        ("handle_seconds > cost_total", 17, "cannot compare 'handle_seconds' (time) with"),
        ("fcr + handle_seconds", 6, "cannot add 'handle_seconds' (time) to 'fcr' (dimensionless)"),
        ("min(handle_seconds, 1, cost_total)", 23, "min() mixes 'handle_seconds' (time) and"),
        ("coalesce(cost_total, fcr)", 21, "coalesce() mixes 'cost_total' (money) and 'fcr'"),
        ("if(fcr > 0, handle_seconds, cost_total)", 28, "the branches of if() mix"),
    ],
)
def test_mismatched_dimensions(text: str, offset: int, start: str) -> None:
    error = unit_error(text)
    assert error.offset == offset
    assert error.message.startswith(start)
    assert error.message.endswith("the dimensions differ")


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        ("fcr and fcr > 0", 0, "'and' needs a condition, found 'fcr' (dimensionless)"),
        ("fcr > 0 or cost_total", 11, "'or' needs a condition, found 'cost_total' (money)"),
        ("not fcr", 4, "'not' needs a condition, found 'fcr' (dimensionless)"),
        ("if(fcr, 1, 2)", 3, "if() needs a condition, found 'fcr' (dimensionless)"),
        ("(fcr > 0) + 1", 1, "'+' needs a quantity, found 'fcr > 0' (a condition)"),
        ("-(fcr > 0)", 2, "'-' needs a quantity, found 'fcr > 0' (a condition)"),
        ("(fcr > 0) < (fcr > 1)", 1, "'<' needs a quantity, found 'fcr > 0' (a condition)"),
        ("abs(fcr > 0)", 4, "abs() needs a quantity, found 'fcr > 0' (a condition)"),
    ],
)
def test_conditions_and_quantities_do_not_mix(text: str, offset: int, message: str) -> None:
    error = unit_error(text)
    assert (error.offset, error.message) == (offset, message)


def test_unknown_function_is_a_unit_error_at_the_call() -> None:
    error = unit_error("fcr + average(fcr)")
    assert error.offset == 6
    assert error.message.startswith("unknown function 'average'")


def test_unknown_name_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        dimension("handle_seconds / tickets")


def test_deepest_allowed_formula_is_inferred() -> None:
    assert dimension("(" * 100 + "cost_total" + ")" * 100) == MONEY
    assert dimension("cost_total" + " + cost_total" * 99) == MONEY
