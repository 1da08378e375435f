"""What a column's values say, whatever its header: numbers, shares, durations, dates or text."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from opsgov.harmonise.values import error_code, is_blank, parse_number

FloatArray = NDArray[np.float64]
_CLOCK = re.compile(r"^\s*(-?)(\d{1,4}):([0-5]\d)(?::([0-5]\d(?:\.\d+)?))?\s*$")
_DATE_TEXT = re.compile(r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})")
_MONTH_TEXT = re.compile(r"^\s*[A-Za-zÀ-ÿ]{3,}\.?\s*[-/ ]?\s*\d{4}\s*$|^\s*\d{4}[-/]\d{2}\s*$")
MAX_TEXTS = 200


@dataclass
class Evidence:
    """One column's values, summarised for drafting.

    Arrays are row-aligned with the sheet's data rows; NaN marks a blank or a value of
    another kind.
    """

    filled: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    numbers: FloatArray = field(default_factory=lambda: np.zeros(0))
    """Plain numbers (text parsed with the file's decimal separator; `%` text as written)."""
    clock_short: FloatArray = field(default_factory=lambda: np.zeros(0))
    """Two-part clock text (`05:32`) read as minutes:seconds, in seconds."""
    clock_long: FloatArray = field(default_factory=lambda: np.zeros(0))
    """Clock text read as hours:minutes(:seconds), and Excel times and durations, in seconds."""
    texts: list[str] = field(default_factory=list)
    """Distinct text values, first seen first (at most 200)."""
    dates: set[dt.date] = field(default_factory=set)
    date_texts: list[str] = field(default_factory=list)

    @property
    def main(self) -> str:
        """The kind most values have: number, percent, clock, time, date, month, text or empty."""
        kinds = Counter(
            {k: n for k, n in self.kinds.items() if n and k not in {"error", "clock2", "clock3"}}
        )
        if not kinds:
            return "empty"
        top, count = kinds.most_common(1)[0]
        if {"number", "percent"} >= set(kinds) and len(kinds) == 2:
            return "percent" if kinds["percent"] >= kinds["number"] else "number"
        return top if count >= 0.9 * sum(kinds.values()) else "mixed"

    @property
    def numeric(self) -> bool:
        """The values are numbers, shares or durations."""
        return self.main in {"number", "percent", "clock", "time"}

    def finite(self) -> FloatArray:
        """The plain numbers, blanks dropped."""
        return self.numbers[np.isfinite(self.numbers)]

    @property
    def whole(self) -> bool:
        """Every plain number is a whole number."""
        values = self.finite()
        return bool(values.size) and bool(np.all(values == np.floor(values)))

    @property
    def fractions(self) -> bool:
        """Every plain number lies within 0-1 and some are not 0 or 1: shares written 0-1."""
        values = self.finite()
        if not values.size or self.kinds["percent"]:
            return False
        return bool(np.all((values >= 0) & (values <= 1)) and np.any(values != np.floor(values)))

    @property
    def short_clock(self) -> bool:
        """Clock text with two parts only (`05:32`): minutes:seconds or hours:minutes."""
        return self.kinds["clock2"] > 0 and self.kinds["clock3"] == 0 and self.kinds["time"] == 0


def _clock(text: str) -> tuple[float, float, int] | None:
    match = _CLOCK.match(text)
    if not match:
        return None
    sign = -1.0 if match[1] else 1.0
    a, b = int(match[2]), int(match[3])
    if match[4] is None:
        return sign * (a * 60 + b), sign * (a * 3600 + b * 60), 2
    seconds = a * 3600 + b * 60 + float(match[4])
    return sign * seconds, sign * seconds, 3


def _kind_of(value: object, decimal: str) -> tuple[str, float, float, float]:
    """(kind, number, clock read short, clock read long) of one non-blank value."""
    nan = float("nan")
    if error_code(value) is not None:
        return "error", nan, nan, nan
    if isinstance(value, bool):
        return "text", nan, nan, nan
    if isinstance(value, int | float):
        return "number", float(value), nan, nan
    if isinstance(value, dt.datetime | dt.date):
        return "date", nan, nan, nan
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
        return "time", nan, seconds, seconds
    if isinstance(value, dt.time):
        seconds = float(value.hour * 3600 + value.minute * 60 + value.second)
        return "time", nan, seconds, seconds
    text = str(value).strip()
    clock = _clock(text)
    if clock is not None:
        return f"clock{clock[2]}", nan, clock[0], clock[1]
    if _DATE_TEXT.match(text):
        return "date", nan, nan, nan
    if any(ch.isdigit() for ch in text):
        try:
            number = parse_number(text, decimal)
        except ValueError:
            pass
        else:
            return ("percent" if text.endswith("%") else "number"), number, nan, nan
    if _MONTH_TEXT.match(text):
        return "month", nan, nan, nan
    return "text", nan, nan, nan


def gather(values: Sequence[object], decimal: str = ".") -> Evidence:
    """Summarise one column's data values (row-aligned)."""
    n = len(values)
    ev = Evidence(
        numbers=np.full(n, np.nan), clock_short=np.full(n, np.nan), clock_long=np.full(n, np.nan)
    )
    memo: dict[object, tuple[str, float, float, float]] = {}
    texts: dict[str, None] = {}
    for i, value in enumerate(values):
        if is_blank(value):
            continue
        ev.filled += 1
        try:
            found = memo.get(value)
        except TypeError:  # an unhashable value: classify it on its own
            found = None
        if found is None:
            found = _kind_of(value, decimal)
            with contextlib.suppress(TypeError):
                memo[value] = found
        kind, number, short, long = found
        ev.kinds[kind] += 1
        if kind.startswith("clock"):
            ev.kinds["clock"] += 1
        ev.numbers[i], ev.clock_short[i], ev.clock_long[i] = number, short, long
        if kind == "date":
            if isinstance(value, dt.datetime):
                ev.dates.add(value.date())
            elif isinstance(value, dt.date):
                ev.dates.add(value)
            elif len(ev.date_texts) < MAX_TEXTS:
                ev.date_texts.append(str(value).strip())
        elif kind in {"text", "month"} and len(texts) < MAX_TEXTS:
            texts.setdefault(str(value).strip())
    ev.texts = list(texts)
    return ev
