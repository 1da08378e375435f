"""Display a KPI value as its framework format says: 95.2 %, 07:05, $2.01, 1,234."""

from __future__ import annotations

import math

from opsgov.models.results import Scorecard

STATUS_LABEL = {
    "green": "Green",
    "amber": "Amber",
    "red": "Red",
    "insufficient_data": "Insufficient data",
    "no_data": "No data",
    "not_reported": "Not reported",
    "not_by_queue": "Not by queue",
    "not_rated": "-",
}


def _clock(seconds: float, hours: bool) -> str:
    sign = "-" if seconds < 0 else ""
    total = round(abs(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if hours or h:
        return f"{sign}{h}:{m:02d}:{s:02d}" if hours else f"{sign}{h * 60 + m:02d}:{s:02d}"
    return f"{sign}{m:02d}:{s:02d}"


def format_value(
    value: float | None, fmt: str, currency: str = "", decimals: int | None = None
) -> str:
    """The value as people read it; an em dash when there is none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "\u2014"
    if fmt == "percent":
        return f"{value * 100:,.{1 if decimals is None else decimals}f} %"
    if fmt == "mm:ss":
        return _clock(value, hours=False)
    if fmt == "hh:mm:ss":
        return _clock(value, hours=True)
    if fmt == "seconds":
        return f"{value:,.{0 if decimals is None else decimals}f} s"
    if fmt == "hours":
        return f"{value:,.{1 if decimals is None else decimals}f} h"
    if fmt == "currency":
        return f"{currency} {value:,.{2 if decimals is None else decimals}f}".strip()
    if fmt == "count":
        return f"{value:,.{0 if decimals is None else decimals}f}"
    return f"{value:,.{2 if decimals is None else decimals}f}"


def format_score(value: float | None) -> str:
    """A 0-100 score, one decimal."""
    return "\u2014" if value is None else f"{value:.1f}"


UNCHANGED = "unchanged"
"""A change too small to show at the KPI's precision: never `±0.0 pp` or `+0.0 pp`."""


def format_score_change(change: float | None) -> str:
    """A signed change of a 0-100 score, one decimal (`unchanged` when it rounds to 0.0)."""
    if change is None:
        return ""
    text = f"{change:+.1f}"
    return UNCHANGED if text in ("+0.0", "-0.0") else text


def format_change(change: float | None, fmt: str, currency: str = "") -> str:
    """A signed change in the KPI's own format (percentage points for percents).

    A change that rounds to nothing at the KPI's precision reads `unchanged`.
    """
    if change is None:
        return ""
    if fmt == "percent":
        shown = f"{abs(change) * 100:.1f} pp"
    else:
        shown = format_value(abs(change), fmt, currency)
    if not any(ch in "123456789" for ch in shown):
        return UNCHANGED
    return ("+" if change > 0 else "-") + shown


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~()#&:!{}"})
"""Markdown's specials, and braces: `{{ }}` and `{% %}` stay inert in wikis that run Liquid."""


def md_text(text: object) -> str:
    """Text from a vendor or a definition, inert in Markdown: no links, HTML or table breaks."""
    return str(text).replace("\n", " ").replace("\r", " ").translate(_MD_SPECIAL)


def invalid_banner(card: Scorecard) -> str | None:
    """The warning every output carries when the month was scored despite errors.

    None for a clean run. It says how many errors there were and how many rows were left out;
    the errors at no cell of a file (a missing FX rate) are listed beside it by each output.
    """
    errors, rows = card.errors, card.invalid_rows_excluded
    if not errors and not rows:
        return None
    parts = []
    if errors:
        parts.append(
            f"Scored despite {errors} {'error' if errors == 1 else 'errors'} (--allow-invalid): "
            "these figures are not final."
        )
    if rows:
        parts.append(
            f"{rows} {'row' if rows == 1 else 'rows'} with errors "
            f"{'was' if rows == 1 else 'were'} left out."
        )
    parts.append(f"opsgov validate --period {card.period} lists the errors in files.")
    return " ".join(parts)
