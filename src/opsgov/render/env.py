"""The Jinja environment: user templates first, then the built-ins, sandboxed and escaped.

Search order: `--template-dir`, the workspace's `templates/`, the built-in `templates/`. A user
template can extend a built-in one as `{% extends "builtin:scorecard.html.j2" %}`. Every
template runs in a sandbox with StrictUndefined; HTML templates are autoescaped whatever their
name ends with; the report date is data, never the clock.
"""

from __future__ import annotations

import functools
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from opsgov.render.formatting import (
    STATUS_LABEL,
    format_change,
    format_score,
    format_score_change,
    format_value,
    md_text,
)
from opsgov.render.tplcache import template_cache
from opsgov.resources import builtin_dir
from opsgov.score.coverage import describe


def _autoescape(name: str | None) -> bool:
    """Escape every template whose name mentions html or svg (`_html_card.j2` too)."""
    lowered = (name or "").lower()
    return "htm" in lowered or "svg" in lowered


MAX_SECONDS = 60.0
"""Longest a command's templates may run in all: the built-ins take well under a second."""
MAX_CALL_DEPTH = 100
"""Deepest nesting of macro and function calls (a recursive macro stops here)."""
MAX_RANGE_ITEMS = 5_000_000
"""Most numbers `range()` may produce over all a command's templates (loops inside loops)."""
MAX_SEQUENCE = 10_000_000
"""Longest string or list `*` may build."""


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox with a budget: a workspace's template cannot hang or exhaust the machine.

    Jinja's sandbox stops a template from reaching Python; it does not stop one from running
    forever (`range(100000)` inside `range(100000)`), recursing without end, or building a
    string of a gigabyte. Every call a template makes passes through `call`, where time and
    depth are checked; `range` counts what it produces; `*` and `**` are checked before they
    run. Each limit raises `SecurityError`, which names the template and line.
    """

    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._deadline = time.monotonic() + MAX_SECONDS
        self._depth = 0
        self._range_items = 0
        self.globals["range"] = self._range
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's answer, remembered by (type, attribute) (it looks at nothing else).

        The sandbox asks on every attribute a template reads, and its answer runs a dozen
        `isinstance` checks: a page of 200 sites reads 300,000 attributes.
        """
        key = (type(obj), attr)
        known = self._safe.get(key)
        if known is None:
            known = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return known

    def _range(self, *args: int) -> Iterator[int]:
        numbers = range(*args)
        self._range_items += len(numbers)
        if self._range_items > MAX_RANGE_ITEMS:
            raise SecurityError(
                f"the templates' loops ask for more than {MAX_RANGE_ITEMS:,} numbers in all"
            )
        return iter(numbers)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        """Call a function or macro for a template, within the time and depth budget."""
        if time.monotonic() > __self._deadline:
            raise SecurityError(f"the templates ran longer than {MAX_SECONDS:.0f} seconds")
        if __self._depth >= MAX_CALL_DEPTH:
            raise SecurityError(f"the templates nest calls more than {MAX_CALL_DEPTH} deep")
        __self._depth += 1
        try:
            return super().call(__context, __obj, *args, **kwargs)
        finally:
            __self._depth -= 1

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """`*` and `**`, refused where the result would be enormous."""
        if operator == "**" and _number(right) and _number(left) and abs(right) > 64:
            raise SecurityError("a template raises a number to a power above 64")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                big = isinstance(seq, (str, list, tuple)) and _number(times)
                if big and len(seq) * max(times, 0) > MAX_SEQUENCE:
                    raise SecurityError(
                        f"a template repeats a string or list to more than {MAX_SEQUENCE:,} items"
                    )
        return super().call_binop(context, operator, left, right)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def environment(template_dirs: Sequence[Path] = ()) -> BoundedSandbox:
    """The environment every report is rendered in."""
    builtin = FileSystemLoader(str(builtin_dir("templates")))
    loader = ChoiceLoader(
        [
            *(FileSystemLoader(str(d)) for d in template_dirs if d.is_dir()),
            builtin,
            PrefixLoader({"builtin": builtin}, delimiter=":"),
        ]
    )
    env = BoundedSandbox(
        loader=loader,
        bytecode_cache=template_cache(),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = format_value
    env.filters["score"] = format_score
    env.filters["change"] = format_change
    env.filters["score_change"] = format_score_change
    env.filters["md"] = md_text
    env.filters["coverage"] = lambda c: "covers " + describe(c)
    env.filters["status_label"] = lambda s: STATUS_LABEL.get(s, s)
    env.filters["pill"] = status_pill
    return env


_GLYPHS = {"green": "\u25cf", "amber": "\u25b2", "red": "\u25a0"}


def status_pill(status: object, small: object = False) -> Markup:
    """A status as the html pages show it: a coloured pill with a glyph, or `not rated`.

    A filter rather than a template macro: a page of 200 sites shows 20,000 of them, and a
    filter costs a fraction of a macro call, and each of the few pills is made once. Status and
    label are escaped like any value.
    """
    return _pill(str(status), bool(small))


@functools.lru_cache(maxsize=256)
def _pill(status: str, small: bool) -> Markup:
    if status == "not_rated":
        return Markup('<span class="muted">not rated</span>')
    size = " sm" if small else ""
    glyph = _GLYPHS.get(status, "\u25cb")
    label = STATUS_LABEL.get(status, status)
    return Markup(
        '<span class="pill st-{}{}"><span class="glyph" aria-hidden="true">{}</span> {}</span>'
    ).format(status, size, glyph, label)


def template_failure(exc: BaseException, what: str) -> str | None:
    """`what` failed, where (template and line) and why; None when `exc` is not a template's."""
    if not isinstance(exc, TemplateError):
        return None
    where = ""
    if isinstance(exc, TemplateSyntaxError):
        where = f" ({exc.filename or exc.name}, line {exc.lineno})"
    else:  # Jinja rewrites the traceback so that template lines show as frames
        frames = traceback.extract_tb(exc.__traceback__)
        lines = [f for f in frames if f.filename.endswith((".j2", ".jinja", ".html", ".md"))]
        if lines:
            where = f" ({lines[-1].filename}, line {lines[-1].lineno})"
    return f"{what} failed{where}: {exc}"
