"""Parse formula text into a tree with a hand-written tokenizer and recursive-descent parser.

Grammar, loosest binding first::

    formula    := or
    or         := and ('or' and)*
    and        := not ('and' not)*
    not        := 'not' not | comparison
    comparison := additive [('<' | '<=' | '>' | '>=' | '==' | '!=') additive]
    additive   := term (('+' | '-') term)*
    term       := unary (('*' | '/') unary)*
    unary      := '-' unary | primary
    primary    := NUMBER | NAME | NAME '(' [or (',' or)*] ')' | '(' or ')'

The binary levels are parsed by precedence climbing, so nesting one level of parentheses
costs three Python frames; together with the caps on length and depth this means no
formula text can raise `RecursionError`. User text is never handed to `eval` or `compile`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, NamedTuple

from opsgov.formula.nodes import COMPARISON_OPS, Binary, Call, Compare, Name, Node, Number, Unary

MAX_LENGTH: Final = 2000
"""The longest formula accepted, in characters."""
MAX_DEPTH: Final = 100
"""The deepest nesting accepted: of parentheses, calls and prefix operators while parsing,
and of nodes in the finished tree."""

_KEYWORDS: Final = frozenset({"and", "or", "not"})
_WHITESPACE: Final = frozenset(" \t\r\n")
_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER_RE: Final = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WORD_RE: Final = re.compile(r"[A-Za-z0-9_.]*")
_OPERATORS: Final = ("<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "(", ")", ",")
_CHARACTER_HINTS: Final = {
    "=": "; use '==' to compare",
    "!": "; use 'not' for negation or '!=' for 'not equal'",
    "&": "; use 'and'",
    "|": "; use 'or'",
}
_OPERAND: Final = "a number, a name or '('"

# Binding levels of the binary operators (higher binds tighter); `not` sits between.
_OR, _AND, _NOT, _COMPARE, _ADD, _MUL, _NEG = range(1, 8)
_BINARY_LEVELS: Final = {
    "or": _OR,
    "and": _AND,
    **dict.fromkeys(COMPARISON_OPS, _COMPARE),
    "+": _ADD,
    "-": _ADD,
    "*": _MUL,
    "/": _MUL,
}


class FormulaSyntaxError(Exception):
    """The formula text does not follow the grammar.

    Attributes:
        message: What was found and what was expected.
        offset: 0-based character offset in the formula text where the problem is.
    """

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message, offset)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class _Token:
    """One token: kind is `number`, `name`, `keyword`, `op` or `end`."""

    kind: str
    text: str
    offset: int

    def describe(self) -> str:
        """How an error message names this token."""
        if self.kind == "end":
            return "end of formula"
        if self.kind == "number":
            return f"number {self.text}"
        if self.kind == "name":
            return f"name '{self.text}'"
        return f"'{self.text}'"


def _show_character(char: str) -> str:
    """A character as an error message shows it: quoted, or as a code point if invisible."""
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    return f"U+{ord(char):04X}"


def _tokenize(text: str) -> list[_Token]:
    """Split formula text into tokens, ending with an `end` token.

    Raises:
        FormulaSyntaxError: On a character that starts no token, or a malformed number.
    """
    tokens: list[_Token] = []
    pos = 0
    size = len(text)
    while pos < size:
        char = text[pos]
        if char in _WHITESPACE:
            pos += 1
            continue
        number = _NUMBER_RE.match(text, pos)
        if number is not None:
            end = number.end()
            word = _WORD_RE.match(text, end)
            if word is not None and word.end() > end:
                bad = text[pos : word.end()]
                raise FormulaSyntaxError(f"malformed number '{bad}'", pos)
            value = number.group()
            if not math.isfinite(float(value)):
                raise FormulaSyntaxError(f"number {value} is too large", pos)
            tokens.append(_Token("number", value, pos))
            pos = end
            continue
        name = _NAME_RE.match(text, pos)
        if name is not None:
            word_text = name.group()
            kind = "keyword" if word_text in _KEYWORDS else "name"
            tokens.append(_Token(kind, word_text, pos))
            pos = name.end()
            continue
        op = next((o for o in _OPERATORS if text.startswith(o, pos)), None)
        if op is None:
            hint = _CHARACTER_HINTS.get(char, "")
            raise FormulaSyntaxError(f"unexpected character {_show_character(char)}{hint}", pos)
        tokens.append(_Token("op", op, pos))
        pos += len(op)
    tokens.append(_Token("end", "", size))
    return tokens


class _Parsed(NamedTuple):
    """A parsed expression with where its text starts and how deep its tree is."""

    node: Node
    start: int
    depth: int


class _Parser:
    """Recursive descent over the token list; one instance per formula."""

    def __init__(self, tokens: list[_Token]) -> None:
        self._tokens = tokens
        self._pos = 0
        self._nesting = 0

    def _peek(self) -> _Token:
        return self._tokens[self._pos]

    def _previous(self) -> _Token | None:
        return self._tokens[self._pos - 1] if self._pos > 0 else None

    def _advance(self) -> _Token:
        token = self._tokens[self._pos]
        self._pos += 1
        return token

    def _enter(self, token: _Token) -> None:
        """Count one more level of nesting, refusing to go past the cap."""
        self._nesting += 1
        if self._nesting > MAX_DEPTH:
            raise FormulaSyntaxError(_too_deep(), token.offset)

    def _leave(self) -> None:
        self._nesting -= 1

    def parse(self) -> Node:
        """Parse the whole token list as one formula."""
        parsed = self._expression(_OR)
        token = self._peek()
        if token.kind != "end":
            raise FormulaSyntaxError(_trailing_message(token), token.offset)
        return parsed.node

    def _expression(self, min_level: int) -> _Parsed:
        """Parse operands joined by binary operators that bind at least as tight as min_level."""
        left = self._prefix(min_level)
        while True:
            token = self._peek()
            level = _BINARY_LEVELS.get(token.text) if token.kind in ("op", "keyword") else None
            if level is None or level < min_level:
                return left
            self._advance()
            if level == _COMPARE:
                right = self._expression(_ADD)
                depth = _checked_depth(left, right, token)
                node: Node = Compare(token.text, left.node, right.node, offset=left.start)
                left = _Parsed(node, left.start, depth)
                following = self._peek()
                if following.text in COMPARISON_OPS and following.kind == "op":
                    raise FormulaSyntaxError(
                        f"comparisons cannot be chained: found '{following.text}' after a "
                        "comparison; combine comparisons with 'and'",
                        following.offset,
                    )
            else:
                right = self._expression(level + 1)
                depth = _checked_depth(left, right, token)
                node = Binary(token.text, left.node, right.node, offset=left.start)
                left = _Parsed(node, left.start, depth)

    def _prefix(self, min_level: int) -> _Parsed:
        """Parse a prefix operator application, or a primary."""
        token = self._peek()
        if token.kind == "op" and token.text == "-":
            operand = self._prefix_operand(token, lambda: self._prefix(_NEG))
        elif token.kind == "keyword" and token.text == "not" and min_level <= _NOT:
            operand = self._prefix_operand(token, lambda: self._expression(_NOT))
        else:
            return self._primary()
        depth = operand.depth + 1
        if depth > MAX_DEPTH:
            raise FormulaSyntaxError(_too_deep(), token.offset)
        return _Parsed(Unary(token.text, operand.node, offset=token.offset), token.offset, depth)

    def _prefix_operand(self, token: _Token, parse_operand: Callable[[], _Parsed]) -> _Parsed:
        """Consume a prefix operator and parse its operand one nesting level deeper."""
        self._advance()
        self._enter(token)
        operand = parse_operand()
        self._leave()
        return operand

    def _primary(self) -> _Parsed:
        """Parse a number, a name, a call or a parenthesised expression."""
        token = self._peek()
        if token.kind == "number":
            self._advance()
            return _Parsed(Number(float(token.text), offset=token.offset), token.offset, 1)
        if token.kind == "name":
            self._advance()
            if self._peek().text == "(" and self._peek().kind == "op":
                return self._call(token)
            return _Parsed(Name(token.text, offset=token.offset), token.offset, 1)
        if token.kind == "op" and token.text == "(":
            self._advance()
            self._enter(token)
            inner = self._expression(_OR)
            self._leave()
            closing = self._peek()
            if closing.kind == "op" and closing.text == ")":
                self._advance()
                return _Parsed(inner.node, token.offset, inner.depth)
            if closing.kind == "end":
                raise FormulaSyntaxError(
                    "unclosed '(': expected ')' before end of formula", token.offset
                )
            raise FormulaSyntaxError(
                f"expected an operator or ')', found {closing.describe()}", closing.offset
            )
        raise FormulaSyntaxError(_operand_message(self._previous(), token), token.offset)

    def _call(self, name: _Token) -> _Parsed:
        """Parse the argument list of a call whose name has been consumed."""
        opening = self._advance()
        self._enter(opening)
        args: list[Node] = []
        depth = 0
        if self._peek().kind == "op" and self._peek().text == ")":
            self._advance()
        else:
            while True:
                arg = self._expression(_OR)
                args.append(arg.node)
                depth = max(depth, arg.depth)
                token = self._advance()
                if token.kind == "op" and token.text == ")":
                    break
                if token.kind == "op" and token.text == ",":
                    continue
                if token.kind == "end":
                    raise FormulaSyntaxError(
                        f"unclosed '(' of {name.text}(): expected ')' before end of formula",
                        opening.offset,
                    )
                raise FormulaSyntaxError(
                    f"expected an operator, ',' or ')' in the call to {name.text}(), "
                    f"found {token.describe()}",
                    token.offset,
                )
        self._leave()
        if depth + 1 > MAX_DEPTH:
            raise FormulaSyntaxError(_too_deep(), name.offset)
        call = Call(name.text, tuple(args), offset=name.offset)
        return _Parsed(call, name.offset, depth + 1)


def _checked_depth(left: _Parsed, right: _Parsed, operator: _Token) -> int:
    """Tree depth of a binary node over two operands, refusing to go past the cap."""
    depth = max(left.depth, right.depth) + 1
    if depth > MAX_DEPTH:
        raise FormulaSyntaxError(_too_deep(), operator.offset)
    return depth


def _too_deep() -> str:
    return f"formula is nested too deeply: at most {MAX_DEPTH} levels are allowed"


def _operand_message(previous: _Token | None, found: _Token) -> str:
    """Message for a missing operand: what came before and what was found instead."""
    where = "at the start of the formula" if previous is None else f"after {previous.describe()}"
    message = f"expected {_OPERAND} {where}, found {found.describe()}"
    if previous is not None and previous.text == "<" and found.text == ">":
        message += "; use '!=' for 'not equal'"
    elif found.kind == "keyword" and found.text == "not":
        message += "; put 'not ...' in parentheses here"
    return message


def _trailing_message(token: _Token) -> str:
    """Message for input left over after a complete formula."""
    if token.kind == "op" and token.text == ")":
        return "unexpected ')': there is no '(' to close"
    message = f"expected an operator or end of formula, found {token.describe()}"
    if token.kind == "name" and token.text.lower() in _KEYWORDS:
        message += f"; operators are lower case: '{token.text.lower()}'"
    return message


def parse(text: str) -> Node:
    """Parse formula text into a tree.

    Args:
        text: The formula, at most `MAX_LENGTH` characters.

    Returns:
        The root node; offsets in it index into `text`.

    Raises:
        FormulaSyntaxError: When the text is empty, too long, nested too deeply, or does
            not follow the grammar. Its `offset` points at the offending character or
            token; for an unclosed parenthesis, at the `(` that is never closed.
    """
    if len(text) > MAX_LENGTH:
        raise FormulaSyntaxError(
            f"formula is too long: {len(text)} characters, at most {MAX_LENGTH} are allowed",
            MAX_LENGTH,
        )
    if not text.strip(" \t\r\n"):
        raise FormulaSyntaxError(f"formula is empty: expected {_OPERAND}", 0)
    return _Parser(_tokenize(text)).parse()
