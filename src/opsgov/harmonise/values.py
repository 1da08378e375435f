"""Turn one vendor cell into a number, a duration in seconds or a date.

Each converter returns the value, or raises `CellProblemError` saying what was found and what was
expected. Column-level code (`columns.py`) takes a fast path for columns that are already
plain numbers, and comes here only for the cells that need it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from opsgov.models.profile import ColumnUnit, DateFormat

EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA",
     "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)  # fmt: skip


@dataclass(frozen=True)
class CellProblemError(Exception):
    """Why a cell cannot be read as the value its column needs."""

    code: str
    message: str
    expected: str


_CURRENCY = re.compile(r"^[\s$€£¥₹₱₩₫RM]*(.*?)[\s$€£¥₹₱₩₫]*$")
_DURATION = re.compile(r"^(-)?(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$")


def is_blank(value: object) -> bool:
    """None, or text with nothing but spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def error_code(value: object) -> str | None:
    """The Excel error a cell holds (`#DIV/0!`), whether a reader typed it or left it as text."""
    code = getattr(value, "code", None)
    if isinstance(code, str):
        return code
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        return value.strip().upper()
    return None


def parse_number(text: str, decimal: str = ".") -> float:
    """A number written as text: `1,234.5`, `1.234,5` (decimal comma), `12 %`, `(30)`, `$1,200`.

    Raises ValueError when the text is not a number. A trailing `%` is kept as a signal by
    returning the value unchanged: the caller decides what percent means for its unit.
    """
    s = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
    s = s.rstrip("%").strip()
    match = _CURRENCY.match(s)
    s = match.group(1) if match else s
    thousands = "," if decimal == "." else "."
    s = s.replace(" ", "").replace("'", "")
    if thousands in s:
        groups = s.split(decimal)[0].lstrip("+-").split(thousands)
        if not all(len(g) == 3 for g in groups[1:]) or not groups[0]:
            raise ValueError(text)
        s = s.replace(thousands, "")
    if decimal == ",":
        s = s.replace(",", ".")
    if not s or s.lower() in {"nan", "inf", "-inf", "+inf", "infinity"}:
        raise ValueError(text)
    value = float(s)
    return -value if negative else value


def duration_from_text(text: str, unit: ColumnUnit) -> float:
    """`mm:ss` or `hh:mm:ss` text as seconds; `hh:mm` for an hh:mm:ss column."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(text)
    sign, a, b, c = match.groups()
    seconds: float
    if c is None:
        seconds = int(a) * 3600 + int(b) * 60 if unit == "hh:mm:ss" else int(a) * 60 + int(b)
    else:
        seconds = int(a) * 3600 + int(b) * 60 + float(c)
    if int(b) >= 60 or (c is not None and float(c) >= 60):
        raise ValueError(text)
    return -seconds if sign else float(seconds)


_SCALE = {"minutes": 60.0, "hours": 3600.0}
_DURATION_UNITS = {"seconds", "minutes", "hours", "mm:ss", "hh:mm:ss"}


def measure_value(value: object, unit: ColumnUnit, decimal: str = ".") -> float:
    """One cell as the measure's canonical number: seconds for durations, 0-1 for percents."""
    kind = type(value)
    if kind is bool:
        raise CellProblemError("V302", f"found {value!r}, a true/false value", _expected(unit))
    if kind is float or kind is int:
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number):
            raise CellProblemError("V302", f"found {value!r}", _expected(unit))
        if unit in {"mm:ss", "hh:mm:ss"}:
            return number * 86400.0  # an Excel time: a fraction of a day
        return _scaled(number, unit)
    if isinstance(value, dt.timedelta):
        return _time_value(value.total_seconds(), unit)
    if isinstance(value, dt.time):
        return _time_value(value.hour * 3600 + value.minute * 60 + value.second, unit)
    if isinstance(value, dt.date):
        raise CellProblemError("V302", f"found the date {value.isoformat()}", _expected(unit))
    text = str(value).strip()
    if unit in _DURATION_UNITS and ":" in text:
        try:
            return duration_from_text(text, unit)
        except ValueError:
            raise CellProblemError("V302", f"found the text {text!r}", _expected(unit)) from None
    try:
        number = parse_number(text, decimal)
    except ValueError:
        raise CellProblemError("V302", f"found the text {text!r}", _expected(unit)) from None
    if text.endswith("%") and unit == "percent_0_1":
        number /= 100.0
    else:
        number = _scaled(number, unit)
    if not math.isfinite(number):
        raise CellProblemError("V302", f"found {text!r}, too large a number", _expected(unit))
    return number


def _time_value(seconds: float, unit: ColumnUnit) -> float:
    if unit not in _DURATION_UNITS:
        raise CellProblemError("V302", f"found a time ({seconds:g} s)", _expected(unit))
    return float(seconds)


def _scaled(number: float, unit: ColumnUnit) -> float:
    if unit in _SCALE:
        return number * _SCALE[unit]
    if unit == "percent_0_100":
        return number / 100.0
    return number


def _expected(unit: ColumnUnit) -> str:
    return {
        "seconds": "a number of seconds",
        "minutes": "a number of minutes",
        "hours": "a number of hours",
        "mm:ss": "a duration as mm:ss",
        "hh:mm:ss": "a duration as hh:mm:ss",
        "percent_0_100": "a percentage from 0 to 100",
        "percent_0_1": "a fraction from 0 to 1",
        "money": "an amount of money",
        "count": "a whole number",
    }.get(unit, "a number")


# Dates ---------------------------------------------------------------------------------------

_EPOCH_1900 = dt.date(1899, 12, 30)
_EPOCH_1904 = dt.date(1904, 1, 1)
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[T ].*)?$")
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january", "ene", "enero", "janv", "janvier", "januar"),
            ("feb", "february", "febrero", "fev", "fevrier", "februar"),
            ("mar", "march", "marzo", "mars", "marz"),
            ("apr", "april", "abr", "abril", "avr", "avril"),
            ("may", "mayo", "mai"),
            ("jun", "june", "junio", "juin", "juni"),
            ("jul", "july", "julio", "juil", "juillet", "juli"),
            ("aug", "august", "ago", "agosto", "aout"),
            ("sep", "sept", "september", "septiembre", "setiembre"),
            ("oct", "october", "octubre", "okt", "oktober", "octobre"),
            ("nov", "november", "noviembre", "novembre"),
            ("dec", "december", "dic", "diciembre", "dez", "dezember", "decembre"),
        ],
        start=1,
    )
    for m in names
}
_WORDS = re.compile(r"[a-zà-ÿ]+|\d+")


def excel_serial_date(serial: float, date_system: int = 1900) -> dt.date:
    """An Excel date serial as a date, in the 1900 or the 1904 date system.

    In the 1900 system serial 60 is 29 February 1900, a day that never existed (Lotus 1-2-3's
    bug, kept by Excel); it is refused. Serials before it are shifted by that phantom day.
    """
    whole = math.floor(serial)
    if date_system == 1904:
        return _EPOCH_1904 + dt.timedelta(days=whole)
    if whole == 60:
        raise ValueError("serial 60 is 29 February 1900, which did not exist")
    if whole < 1:
        raise ValueError("serial below 1")
    if whole < 60:
        return _EPOCH_1900 + dt.timedelta(days=whole + 1)
    return _EPOCH_1900 + dt.timedelta(days=whole)


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def date_value(value: object, fmt: DateFormat, date_system: int = 1900) -> dt.date:
    """One cell as a date. `fmt` decides day-first against month-first for text like 03/04/2026."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if type(value) in (int, float):
        if fmt not in {"auto", "excel_serial"} or not 1 <= float(value) < 2_958_466:  # type: ignore[arg-type]
            raise CellProblemError("V315", f"found the number {value!r}", "a date")
        try:
            return excel_serial_date(float(value), date_system)  # type: ignore[arg-type]
        except ValueError as exc:
            raise CellProblemError("V315", f"found the serial {value!r}: {exc}", "a date") from None
    text = str(value).strip()
    try:
        return _date_from_text(text, fmt)
    except (ValueError, KeyError):
        raise CellProblemError("V315", f"found {text!r}", _date_expected(fmt)) from None


def _date_from_text(text: str, fmt: DateFormat) -> dt.date:
    iso = _ISO.match(text)
    if iso and fmt in {"auto", "iso"}:
        return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    numeric = _NUMERIC.match(text)
    if numeric and fmt in {"auto", "day_first", "month_first"}:
        a, b, year = int(numeric[1]), int(numeric[2]), _year(numeric[3])
        if fmt == "month_first":
            return dt.date(year, a, b)
        return dt.date(year, b, a)  # auto is resolved per column before this; default day first
    if fmt in {"auto", "month_name"}:
        return _month_name_date(text)
    raise ValueError(text)


def _month_name_date(text: str) -> dt.date:
    words = _WORDS.findall(text.lower())
    month = next((_MONTHS[w] for w in words if w in _MONTHS), None)
    numbers = [w for w in words if w.isdigit()]
    if month is None or not numbers:
        raise ValueError(text)
    years = [n for n in numbers if len(n) == 4]
    if years:
        year = int(years[0])
        days = [n for n in numbers if n != years[0] and len(n) <= 2]
    elif len(numbers) >= 2:
        year, days = _year(numbers[-1]), numbers[:-1]
    else:
        raise ValueError(text)
    return dt.date(year, month, int(days[0]) if days else 1)


def _date_expected(fmt: DateFormat) -> str:
    return {
        "iso": "a date as YYYY-MM-DD",
        "day_first": "a date as DD/MM/YYYY",
        "month_first": "a date as MM/DD/YYYY",
        "month_name": "a date such as 31 Oct 2026",
        "excel_serial": "an Excel date",
    }.get(fmt, "a date")


def numeric_date_order(texts: list[str]) -> DateFormat | None:
    """For `auto`: day_first or month_first when the column's own values settle it, else None."""
    day_first = month_first = False
    for text in texts:
        match = _NUMERIC.match(text.strip())
        if match:
            a, b = int(match[1]), int(match[2])
            day_first |= a > 12 >= b
            month_first |= b > 12 >= a
    if day_first and not month_first:
        return "day_first"
    if month_first and not day_first:
        return "month_first"
    return None
