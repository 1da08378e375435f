"""Parsing formulas: tree shape, offsets, error messages, caps, canonical text, calls."""

from __future__ import annotations

import pickle
import random

import pytest

from opsgov.formula import (
    FUNCTIONS,
    Binary,
    Call,
    Compare,
    FormulaSyntaxError,
    Name,
    Node,
    Number,
    Unary,
    calls,
    check_call,
    is_condition,
    names,
    parse,
    strip_offsets,
    to_text,
)
from opsgov.formula import parser as parser_module


def shape(text: str) -> Node:
    """The parsed tree without offsets, for comparing shapes."""
    return strip_offsets(parse(text))


def n(name: str) -> Name:
    return Name(name)


def num(value: float) -> Number:
    return Number(value)


def syntax_error(text: str) -> FormulaSyntaxError:
    with pytest.raises(FormulaSyntaxError) as caught:
        parse(text)
    return caught.value


# --- shape: precedence and associativity ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a - b - c", Binary("-", Binary("-", n("a"), n("b")), n("c"))),
        ("a / b / c", Binary("/", Binary("/", n("a"), n("b")), n("c"))),
        ("-a * b", Binary("*", Unary("-", n("a")), n("b"))),
        (
            "not a < b and c > d",
            Binary("and", Unary("not", Compare("<", n("a"), n("b"))), Compare(">", n("c"), n("d"))),
        ),
        ("a + b * c", Binary("+", n("a"), Binary("*", n("b"), n("c")))),
        ("a * b + c", Binary("+", Binary("*", n("a"), n("b")), n("c"))),
        ("a - (b - c)", Binary("-", n("a"), Binary("-", n("b"), n("c")))),
        ("a or b and c", Binary("or", n("a"), Binary("and", n("b"), n("c")))),
        ("a and b or c", Binary("or", Binary("and", n("a"), n("b")), n("c"))),
        ("a or b or c", Binary("or", Binary("or", n("a"), n("b")), n("c"))),
        ("not not a", Unary("not", Unary("not", n("a")))),
        ("--a", Unary("-", Unary("-", n("a")))),
        ("2 * -x", Binary("*", num(2), Unary("-", n("x")))),
        ("-(a + b)", Unary("-", Binary("+", n("a"), n("b")))),
        ("a + b < c * d", Compare("<", Binary("+", n("a"), n("b")), Binary("*", n("c"), n("d")))),
        (
            "(a < b) == (c < d)",
            Compare("==", Compare("<", n("a"), n("b")), Compare("<", n("c"), n("d"))),
        ),
        ("not a == b", Unary("not", Compare("==", n("a"), n("b")))),
        ("1 - fcr", Binary("-", num(1), n("fcr"))),
        (
            "100 * (nps_promoters - nps_detractors) / nps_responses",
            Binary(
                "/",
                Binary("*", num(100), Binary("-", n("nps_promoters"), n("nps_detractors"))),
                n("nps_responses"),
            ),
        ),
        (
            "cost_total / (productive_seconds / 3600)",
            Binary("/", n("cost_total"), Binary("/", n("productive_seconds"), num(3600))),
        ),
        ("min(1, x / y)", Call("min", (num(1), Binary("/", n("x"), n("y"))))),
        ("f()", Call("f", ())),
        ("average(a)", Call("average", (n("a"),))),
        ("if(a > 0, b, c)", Call("if", (Compare(">", n("a"), num(0)), n("b"), n("c")))),
        (
            "android + order + nothing",
            Binary("+", Binary("+", n("android"), n("order")), n("nothing")),
        ),
        ("a\t+\n  b\r\n", Binary("+", n("a"), n("b"))),
        ("_x1 * X_2", Binary("*", n("_x1"), n("X_2"))),
    ],
)
def test_parses_to_expected_tree(text: str, expected: Node) -> None:
    assert shape(text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3600", 3600.0),
        ("0.95", 0.95),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("2.5e-3", 0.0025),
        ("1E+2", 100.0),
        ("5.", 5.0),
        ("007", 7.0),
    ],
)
def test_number_literals(text: str, value: float) -> None:
    assert shape(text) == Number(value)


def test_checks_over_base_measures() -> None:
    tree = shape("items_within_sla <= items_sla_eligible and items_sla_eligible <= items_handled")
    assert tree == Binary(
        "and",
        Compare("<=", n("items_within_sla"), n("items_sla_eligible")),
        Compare("<=", n("items_sla_eligible"), n("items_handled")),
    )


# --- offsets -------------------------------------------------------------------------------


def test_offsets_of_a_ratio() -> None:
    tree = parse("handle_seconds / items_handled")
    assert tree == Binary(
        "/", Name("handle_seconds", offset=0), Name("items_handled", offset=17), offset=0
    )


def test_offsets_with_parentheses_point_at_first_character() -> None:
    # "(a + b) * c": the product starts at '(' (0); the sum itself starts at 'a' (1).
    tree = parse("(a + b) * c")
    assert tree == Binary(
        "*",
        Binary("+", Name("a", offset=1), Name("b", offset=5), offset=1),
        Name("c", offset=10),
        offset=0,
    )


def test_offsets_of_prefix_operators_calls_and_numbers() -> None:
    assert parse("  -x") == Unary("-", Name("x", offset=3), offset=2)
    assert parse("min(1, x)") == Call("min", (Number(1, offset=4), Name("x", offset=7)), offset=0)
    assert parse("a and not b") == Binary(
        "and", Name("a", offset=0), Unary("not", Name("b", offset=10), offset=6), offset=0
    )


def test_names_in_source_order_with_offsets() -> None:
    found = names(parse("b * (a + b) - c"))
    assert [(name.id, name.offset) for name in found] == [("b", 0), ("a", 5), ("b", 9), ("c", 14)]


def test_names_skip_function_names() -> None:
    assert [name.id for name in names(parse("min(x, abs(y))"))] == ["x", "y"]


def test_calls_outer_first_in_source_order() -> None:
    found = calls(parse("min(max(a, b), abs(c)) + round(d)"))
    assert [(call.name, call.offset) for call in found] == [
        ("min", 0),
        ("max", 4),
        ("abs", 15),
        ("round", 25),
    ]


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        ("", 0, "formula is empty: expected a number, a name or '('"),
        (" \t\n", 0, "formula is empty: expected a number, a name or '('"),
        ("a *", 3, "expected a number, a name or '(' after '*', found end of formula"),
        ("a +", 3, "expected a number, a name or '(' after '+', found end of formula"),
        ("and a", 0, "expected a number, a name or '(' at the start of the formula, found 'and'"),
        (")", 0, "expected a number, a name or '(' at the start of the formula, found ')'"),
        ("f(a,)", 4, "expected a number, a name or '(' after ',', found ')'"),
        ("a * * b", 4, "expected a number, a name or '(' after '*', found '*'"),
        ("a b", 2, "expected an operator or end of formula, found name 'b'"),
        ("a 2", 2, "expected an operator or end of formula, found number 2"),
        ("a,b", 1, "expected an operator or end of formula, found ','"),
        ("a)", 1, "unexpected ')': there is no '(' to close"),
        ("(a + b", 0, "unclosed '(': expected ')' before end of formula"),
        ("x * (a + b", 4, "unclosed '(': expected ')' before end of formula"),
        ("(a b)", 3, "expected an operator or ')', found name 'b'"),
        ("min(a, b", 3, "unclosed '(' of min(): expected ')' before end of formula"),
        ("min(a b)", 6, "expected an operator, ',' or ')' in the call to min(), found name 'b'"),
        ("1.2.3", 0, "malformed number '1.2.3'"),
        ("x + 1.2.3", 4, "malformed number '1.2.3'"),
        ("1e", 0, "malformed number '1e'"),
        ("2x", 0, "malformed number '2x'"),
        ("1e999", 0, "number 1e999 is too large"),
        ("a $ b", 2, "unexpected character '$'"),
        ("a\u00a0+ b", 1, "unexpected character U+00A0"),
        ("a = b", 2, "unexpected character '='; use '==' to compare"),
        ("!a", 0, "unexpected character '!'; use 'not' for negation or '!=' for 'not equal'"),
        ("a && b", 2, "unexpected character '&'; use 'and'"),
        ("a || b", 2, "unexpected character '|'; use 'or'"),
    ],
)
def test_syntax_error_messages_and_offsets(text: str, offset: int, message: str) -> None:
    error = syntax_error(text)
    assert (error.offset, error.message) == (offset, message)
    assert str(error) == message


@pytest.mark.parametrize(
    ("text", "offset"),
    [("a < b < c", 6), ("a <= b == c", 7), ("not x > 1 != y", 10), ("(p == q) < r >= s", 13)],
)
def test_chained_comparisons_are_rejected_at_the_second_operator(text: str, offset: int) -> None:
    error = syntax_error(text)
    assert error.offset == offset
    assert error.message.startswith("comparisons cannot be chained")
    assert "'and'" in error.message


def test_upper_case_keyword_gets_a_hint() -> None:
    error = syntax_error("a AND b")
    assert error.offset == 2
    assert error.message == (
        "expected an operator or end of formula, found name 'AND'; operators are lower case: 'and'"
    )


def test_not_inside_arithmetic_needs_parentheses() -> None:
    error = syntax_error("a + not b")
    assert error.offset == 4
    assert error.message.startswith("expected a number, a name or '(' after '+', found 'not'")
    assert shape("a + (not b)") == Binary("+", n("a"), Unary("not", n("b")))


def test_sql_style_not_equal_gets_a_hint() -> None:
    error = syntax_error("a <> b")
    assert error.offset == 3
    assert error.message.endswith("use '!=' for 'not equal'")


def test_syntax_error_is_an_exception_that_pickles() -> None:
    error = syntax_error("a *")
    assert isinstance(error, Exception)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.offset) == (error.message, error.offset)


# --- caps on length and depth ----------------------------------------------------------------


def test_length_cap() -> None:
    assert shape("x" * 2000) == Name("x" * 2000)
    error = syntax_error("x" * 2001)
    assert error.offset == 2000
    assert error.message == "formula is too long: 2001 characters, at most 2000 are allowed"


def test_ten_thousand_open_parentheses_is_a_syntax_error() -> None:
    with pytest.raises(FormulaSyntaxError):
        parse("(" * 10_000)


TOO_DEEP = "formula is nested too deeply: at most 100 levels are allowed"


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("(" * 10_000 + "a" + ")" * 10_000, 100),
        ("(" * 10_000, 100),
        ("-" * 10_000 + "a", 100),
        ("not " * 10_000 + "a < b", 400),
        ("f(" * 10_000 + "a" + ")" * 10_000, 201),
        ("a" + "+a" * 10_000, 199),
    ],
)
def test_depth_cap_holds_without_the_length_cap(
    monkeypatch: pytest.MonkeyPatch, text: str, offset: int
) -> None:
    monkeypatch.setattr(parser_module, "MAX_LENGTH", 1_000_000)
    error = syntax_error(text)
    assert (error.offset, error.message) == (offset, TOO_DEEP)


def test_depth_cap_boundaries() -> None:
    assert parse("(" * 100 + "a" + ")" * 100) == Name("a", offset=100)
    assert syntax_error("(" * 101 + "a" + ")" * 101).offset == 100
    # 99 minus signs over a name: a tree 100 nodes deep, the most allowed.
    assert shape("-" * 99 + "a") is not None
    # 100 minus signs: nesting 100 is fine, but the tree is 101 deep; reported at the top.
    assert syntax_error("-" * 100 + "a").offset == 0
    # A sum of 100 names is 100 deep; the 101st name's '+' (offset 199) is one too many.
    assert shape("a" + "+a" * 99) is not None
    assert syntax_error("a" + "+a" * 100).offset == 199


# --- canonical text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("((a + b)) * c", "(a + b) * c"),
        ("(a - b) - c", "a - b - c"),
        ("a - (b - c)", "a - (b - c)"),
        ("a - (b + c)", "a - (b + c)"),
        ("(a * b) / c", "a * b / c"),
        ("a / (b * c)", "a / (b * c)"),
        ("(-a) * b", "-a * b"),
        ("-(a * b)", "-(a * b)"),
        ("- - a", "--a"),
        ("a - -b", "a - -b"),
        ("not (a < b)", "not a < b"),
        ("(not a) and b", "not a and b"),
        ("not (a and b)", "not (a and b)"),
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or b and c"),
        ("(a < b) == (c < d)", "(a < b) == (c < d)"),
        ("a + (not b)", "a + (not b)"),
        ("-(not a)", "-(not a)"),
        ("(a + b) < c", "a + b < c"),
        ("1e3", "1000"),
        (".5", "0.5"),
        ("2.5e-7", "2.5e-07"),
        ("1e20", "1e+20"),
        ("min( 1 ,x/y )", "min(1, x / y)"),
        ("f( )", "f()"),
        ("100*(p-d)/r", "100 * (p - d) / r"),
        ("a<=b and b<=c", "a <= b and b <= c"),
    ],
)
def test_to_text_is_canonical_and_reparses(text: str, canonical: str) -> None:
    tree = parse(text)
    assert to_text(tree) == canonical
    assert shape(canonical) == strip_offsets(tree)


_LEAVES = (Name("a"), Name("b_2"), Number(0.0), Number(3.0), Number(0.125), Number(1e-7))


def _random_tree(rng: random.Random, depth: int) -> Node:
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(_LEAVES)
    kind = rng.randrange(5)
    if kind == 0:
        return Unary(rng.choice(["-", "not"]), _random_tree(rng, depth - 1))
    if kind == 1:
        op = rng.choice(["+", "-", "*", "/", "and", "or"])
        return Binary(op, _random_tree(rng, depth - 1), _random_tree(rng, depth - 1))
    if kind == 2:
        op = rng.choice(["<", "<=", ">", ">=", "==", "!="])
        return Compare(op, _random_tree(rng, depth - 1), _random_tree(rng, depth - 1))
    args = tuple(_random_tree(rng, depth - 1) for _ in range(rng.randrange(4)))
    return Call(rng.choice(["min", "if", "g"]), args)


def test_to_text_round_trips_random_trees() -> None:
    rng = random.Random(1234)
    for _ in range(500):
        tree = _random_tree(rng, 6)
        assert shape(to_text(tree)) == tree


# --- helpers on trees ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a <= b", True),
        ("a <= b and b <= c", True),
        ("not a < b", True),
        ("a < b or not (c == d and e != f)", True),
        ("a + b", False),
        ("a and b", False),
        ("(a < b) or c", False),
        ("if(a < b, c < d, e < f)", False),
        ("not a", False),
    ],
)
def test_is_condition(text: str, expected: bool) -> None:
    assert is_condition(parse(text)) is expected


def test_nodes_reject_unknown_operators_and_are_frozen() -> None:
    with pytest.raises(ValueError, match="unary"):
        Unary("+", Name("a"))
    with pytest.raises(ValueError, match="binary"):
        Binary("**", Name("a"), Name("b"))
    with pytest.raises(ValueError, match="comparison"):
        Compare("=", Name("a"), Name("b"))
    with pytest.raises(TypeError):
        Call("f", [Name("a")])  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        Name("a").id = "b"  # type: ignore[misc]


# --- functions -----------------------------------------------------------------------------


def test_function_table() -> None:
    assert sorted(FUNCTIONS) == ["abs", "coalesce", "if", "max", "min", "round"]
    assert (FUNCTIONS["min"].min_args, FUNCTIONS["min"].max_args) == (2, None)
    assert (FUNCTIONS["round"].min_args, FUNCTIONS["round"].max_args) == (1, 2)
    assert (FUNCTIONS["if"].min_args, FUNCTIONS["if"].max_args) == (3, 3)
    assert (FUNCTIONS["coalesce"].min_args, FUNCTIONS["coalesce"].max_args) == (1, None)
    assert all(spec.description for spec in FUNCTIONS.values())


def check(text: str) -> str | None:
    tree = parse(text)
    assert isinstance(tree, Call)
    return check_call(tree)


@pytest.mark.parametrize(
    "text",
    [
        "min(a, b)",
        "max(a, b, c, d)",
        "abs(a)",
        "round(a)",
        "round(a, 0)",
        "round(a, 15)",
        "if(a > b, a, b)",
        "coalesce(a)",
        "coalesce(a, b, 0)",
    ],
)
def test_valid_calls(text: str) -> None:
    assert check(text) is None


KNOWN = "known functions are abs, coalesce, if, max, min, round"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mn(a, b)", f"unknown function 'mn': did you mean 'min'? {KNOWN}"),
        ("MAX(a, b)", f"unknown function 'MAX': did you mean 'max'? {KNOWN}"),
        ("coalese(a, b)", f"unknown function 'coalese': did you mean 'coalesce'? {KNOWN}"),
        ("average(a)", f"unknown function 'average': {KNOWN}"),
        ("min(a)", "min() takes at least 2 arguments, found 1"),
        ("max()", "max() takes at least 2 arguments, found 0"),
        ("abs(a, b)", "abs() takes exactly 1 argument, found 2"),
        ("round()", "round() takes 1 to 2 arguments, found 0"),
        ("round(a, 1, 2)", "round() takes 1 to 2 arguments, found 3"),
        ("if(a, b)", "if() takes exactly 3 arguments, found 2"),
        ("coalesce()", "coalesce() takes at least 1 argument, found 0"),
    ],
)
def test_invalid_calls(text: str, message: str) -> None:
    assert check(text) == message


@pytest.mark.parametrize("text", ["round(a, b)", "round(a, 1.5)", "round(a, -1)", "round(a, 16)"])
def test_round_digits_must_be_a_small_whole_literal(text: str) -> None:
    message = check(text)
    assert message is not None
    assert message.startswith("the digits of round() must be a whole number from 0 to 15")
