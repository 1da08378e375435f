"""Vendor cells to canonical values: numbers as text, durations, percents and dates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from opsgov.harmonise.columns import date_column, numeric_column
from opsgov.harmonise.values import (
    CellProblemError,
    date_value,
    excel_serial_date,
    measure_value,
    parse_number,
)
from opsgov.intake.raw import CellError


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1,234", ".", 1234.0),
        ("1,234.5", ".", 1234.5),
        ("1.234,5", ",", 1234.5),
        ("12,5", ",", 12.5),
        ("1 234", ".", 1234.0),
        ("1\u00a0234,75", ",", 1234.75),
        ("(30)", ".", -30.0),
        ("$1,200", ".", 1200.0),
        ("€ 1.200,50", ",", 1200.5),
        ("95 %", ".", 95.0),
        ("-7", ".", -7.0),
    ],
)
def test_numbers_written_as_text(text: str, decimal: str, expected: float) -> None:
    assert parse_number(text, decimal) == expected


@pytest.mark.parametrize("text", ["1,23", "abc", "", "12-3", "nan", "inf", "1.23", "1,2,3"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(ValueError, match=r".*"):
        parse_number(text, "." if text != "1.23" else ",")


@pytest.mark.parametrize(
    ("value", "unit", "seconds"),
    [
        ("05:30", "mm:ss", 330.0),
        ("1:02:03", "mm:ss", 3723.0),
        ("1:30", "hh:mm:ss", 5400.0),
        (0.25, "hh:mm:ss", 21600.0),
        (dt.time(0, 7, 5), "mm:ss", 425.0),
        (dt.timedelta(hours=26), "hh:mm:ss", 93600.0),
        (6.5, "minutes", 390.0),
        ("6,5", "minutes", 390.0),
        (2, "hours", 7200.0),
        ("07:15", "seconds", 435.0),
    ],
)
def test_durations_become_seconds(value: object, unit: str, seconds: float) -> None:
    decimal = "," if value == "6,5" else "."
    assert measure_value(value, unit, decimal) == pytest.approx(seconds)  # type: ignore[arg-type]


def test_percent_units() -> None:
    assert measure_value(95.5, "percent_0_100") == pytest.approx(0.955)
    assert measure_value("95.5%", "percent_0_1") == pytest.approx(0.955)
    assert measure_value(0.9, "percent_0_1") == pytest.approx(0.9)


@pytest.mark.parametrize("value", [True, "twelve", dt.date(2026, 10, 1), "12:75"])
def test_values_that_are_not_numbers(value: object) -> None:
    with pytest.raises(CellProblemError) as caught:
        measure_value(value, "mm:ss" if value == "12:75" else "count")
    assert caught.value.code == "V302"


def test_excel_serials_in_both_date_systems() -> None:
    assert excel_serial_date(46326) == dt.date(2026, 10, 31)
    assert excel_serial_date(46326 - 1462, 1904) == dt.date(2026, 10, 31)
    assert excel_serial_date(59) == dt.date(1900, 2, 28)
    assert excel_serial_date(61) == dt.date(1900, 3, 1)
    with pytest.raises(ValueError, match="did not exist"):
        excel_serial_date(60)


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("2026-10-31", "auto", dt.date(2026, 10, 31)),
        ("2026/10/05", "auto", dt.date(2026, 10, 5)),
        ("31/10/2026", "auto", dt.date(2026, 10, 31)),
        ("05/10/2026", "day_first", dt.date(2026, 10, 5)),
        ("10/05/2026", "month_first", dt.date(2026, 10, 5)),
        ("5.10.26", "day_first", dt.date(2026, 10, 5)),
        ("31 Oct 2026", "auto", dt.date(2026, 10, 31)),
        ("Oct 31, 2026", "month_name", dt.date(2026, 10, 31)),
        ("31-Oct-26", "auto", dt.date(2026, 10, 31)),
        ("October 2026", "auto", dt.date(2026, 10, 1)),
        ("31 de octubre de 2026", "auto", dt.date(2026, 10, 31)),
    ],
)
def test_dates_from_text(text: str, fmt: str, expected: dt.date) -> None:
    assert date_value(text, fmt) == expected  # type: ignore[arg-type]


def test_date_column_settles_day_first_from_its_own_values() -> None:
    ordinals, bad, fmt = date_column(["03/10/2026", "04/10/2026", "31/10/2026"], "auto", 1900)
    assert fmt == "day_first"
    assert [dt.date.fromordinal(int(o)) for o in ordinals] == [
        dt.date(2026, 10, 3),
        dt.date(2026, 10, 4),
        dt.date(2026, 10, 31),
    ]
    assert bad == []


def test_date_column_reports_bad_cells_by_index() -> None:
    _, bad, _ = date_column([dt.date(2026, 10, 1), "soon", None, CellError("#N/A")], "auto", 1900)
    assert [(b.index, b.problem.code) for b in bad] == [(1, "V315"), (3, "V303")]


def test_numeric_column_fast_path_and_problems() -> None:
    values, bad = numeric_column([1.0, 2, None], "minutes")
    assert values[:2].tolist() == [60.0, 120.0]
    assert np.isnan(values[2])
    assert bad == []
    values, bad = numeric_column([1.0, "x", CellError("#DIV/0!"), "  ", True], "count")
    assert [(b.index, b.problem.code) for b in bad] == [(1, "V302"), (2, "V303"), (4, "V302")]
    assert np.isnan(values[3])


def test_numeric_column_reads_empty_text_as_blank() -> None:
    # A sheet read in bulk leaves empty cells as "": still blank, still the fast path.
    values, bad = numeric_column(["", 1.5, None, "", 2], "count")
    assert np.isnan(values[[0, 2, 3]]).all()
    assert values[[1, 4]].tolist() == [1.5, 2.0]
    assert bad == []
    values, bad = numeric_column(["", "12 calls", 3.0], "count")
    assert [(b.index, b.problem.code) for b in bad] == [(1, "V302")]
    assert np.isnan(values[0]) and values[2] == 3.0


def test_date_column_of_typed_dates() -> None:
    days = [dt.datetime(2026, 10, 2, 13, 5), dt.date(2026, 10, 1), dt.datetime(2026, 10, 2)]
    ordinals, bad, _ = date_column(days, "auto", 1900)
    assert [dt.date.fromordinal(int(o)) for o in ordinals] == [
        dt.date(2026, 10, 2),
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 2),
    ]
    assert bad == []
