"""Text columns (delimited text) converted a column at a time give what cell by cell gives."""

from __future__ import annotations

import datetime as dt
import math

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsgov.harmonise.columns import date_column, numeric_column, text_column
from opsgov.harmonise.values import CellProblemError, error_code, is_blank, measure_value
from opsgov.models.profile import ColumnUnit


def _cell_by_cell(
    values: list[str | None], unit: ColumnUnit, decimal: str
) -> tuple[list[float], list[tuple[int, str]]]:
    """The reference: every cell through `measure_value`, as opsgov read text before."""
    out: list[float] = []
    bad: list[tuple[int, str]] = []
    for index, value in enumerate(values):
        if is_blank(value):
            out.append(math.nan)
        elif error_code(value) is not None:
            out.append(math.nan)
            bad.append((index, "V303"))
        else:
            try:
                out.append(measure_value(value, unit, decimal))
            except CellProblemError as exc:
                out.append(math.nan)
                bad.append((index, exc.code))
    return out, bad


def _same(values: list[str | None], unit: ColumnUnit, decimal: str) -> None:
    expected, expected_bad = _cell_by_cell(values, unit, decimal)
    for column in (values, pa.array(values, type=pa.string())):
        got, bads = numeric_column(column, unit, decimal)
        assert got.tolist() == pytest.approx(expected, nan_ok=True, rel=0, abs=0)
        assert [(b.index, b.problem.code) for b in bads] == expected_bad
        assert all(b.value == values[b.index] for b in bads)


def test_plain_and_formatted_numbers_known_answers() -> None:
    cells = ["12", " 3.5 ", "", "  ", "1,234", "12 %", "#N/A", "abc", "+7", "-0.25", ".5", "5."]
    got, bads = numeric_column(cells, "count", ".")
    nan = math.nan
    assert got.tolist() == pytest.approx(
        [12, 3.5, nan, nan, 1234, 12, nan, nan, 7, -0.25, 0.5, 5], nan_ok=True
    )
    assert [(b.index, b.problem.code, b.value) for b in bads] == [
        (6, "V303", "#N/A"),
        (7, "V302", "abc"),
    ]


def test_decimal_comma_known_answers() -> None:
    got, bads = numeric_column(["3,5", "1.234,5", "1.5", "7"], "minutes", ",")
    assert got[:2].tolist() == [210.0, 1234.5 * 60]
    assert math.isnan(got[2])
    assert got[3] == 420.0
    assert [(b.index, b.value) for b in bads] == [(2, "1.5")]


def test_percent_units_divide_as_before() -> None:
    got, bads = numeric_column(["95", "12.5 %", "0.1"], "percent_0_100", ".")
    assert got.tolist() == [0.95, 0.125, 0.1 / 100.0]
    assert not bads
    got, _ = numeric_column(["0.95", "12.5%"], "percent_0_1", ".")
    assert got.tolist() == [0.95, 0.125]


def test_a_number_too_large_is_a_finding_not_infinity() -> None:
    got, bads = numeric_column(["1e400", "5"], "count", ".")
    assert math.isnan(got[0]) and got[1] == 5.0
    assert [(b.index, b.problem.code) for b in bads] == [(0, "V302")]


_PLAIN = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.decimals(places=3, allow_nan=False, allow_infinity=False).map(str),
)
_TEXT = st.one_of(
    _PLAIN,
    _PLAIN.map(lambda s: f"  {s} "),
    _PLAIN.map(lambda s: s.replace(".", ",")),
    st.sampled_from(["", " ", "\u00a0", "1,234", "1.234,5", "(30)", "12 %", "$5", "#DIV/0!",
                     "nan", "inf", "1:30", "1_000", "١٢", "0x10", "1e5", "-.5E-3", "--1", "1e999"]),
    st.text(max_size=6),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.one_of(_TEXT, st.none()), max_size=30),
    unit=st.sampled_from(["count", "seconds", "minutes", "hours", "percent_0_100", "mm:ss"]),
    decimal=st.sampled_from([".", ","]),
)
def test_column_at_a_time_equals_cell_by_cell(
    values: list[str | None], unit: ColumnUnit, decimal: str
) -> None:
    _same(values, unit, decimal)


def test_integer_columns_known_answers() -> None:
    big = str(2**53 + 1)  # not a float: rounds to 2**53, as the text's value does
    got, bads = numeric_column(pa.array(["12", "007", "-3", big, "0"]), "minutes", ".")
    assert got.tolist() == [720.0, 420.0, -180.0, float(2**53) * 60, 0.0]
    assert bads == []
    got, bads = numeric_column(pa.array(["12", "0x1F"]), "count", ".")  # hexadecimal is text
    assert got[0] == 12.0 and math.isnan(got[1])
    assert [(b.index, b.value) for b in bads] == [(1, "0x1F")]
    got, _ = numeric_column(pa.array(["5", "-0", "0"]), "count", ".")
    assert [math.copysign(1, v) for v in got] == [1, -1, 1]  # -0 keeps its sign, as before
    got, _ = numeric_column(pa.array(["5", None, "9"]), "count", ".")
    assert got[0] == 5.0 and math.isnan(got[1]) and got[2] == 9.0


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.integers(-(2**63), 2**63 - 1).map(str),
            st.integers(0, 999).map(lambda n: f"{n:05d}"),
        ),
        min_size=1,
        max_size=30,
    ),
    odd=st.sampled_from([None, "-0", "0x1F", "-00", "+5", " 7", "", "9" * 20]),
    unit=st.sampled_from(["count", "minutes", "percent_0_100"]),
)
def test_integer_columns_equal_cell_by_cell(
    values: list[str], odd: str | None, unit: ColumnUnit
) -> None:
    column: list[str | None] = [*values, odd]
    _same(column, unit, ".")
    got, _ = numeric_column(pa.array(column, type=pa.string()), unit, ".")
    expected, _ = _cell_by_cell(column, unit, ".")
    assert [math.copysign(1, v) for v in got] == [math.copysign(1, v) for v in expected]


def test_text_dates_and_labels_known_answers() -> None:
    dates = ["2026-10-01", "2026-10-02", "", "not a date", "2026-10-01", "#N/A"]
    first, second = dt.date(2026, 10, 1).toordinal(), dt.date(2026, 10, 2).toordinal()
    for column in (dates, pa.array(dates)):
        ordinals, bads, _ = date_column(column, "auto", 1900)
        assert ordinals.tolist() == [first, second, 0, 0, first, 0]
        assert [(b.index, b.value, b.problem.code) for b in bads] == [
            (3, "not a date", "V315"),
            (5, "#N/A", "V303"),
        ]
    day_first = ["03/04/2026", "13/04/2026"]
    ordinals, bads, fmt = date_column(pa.array(day_first), "auto", 1900)
    assert fmt == "day_first" and not bads
    assert ordinals.tolist() == [dt.date(2026, 4, 3).toordinal(), dt.date(2026, 4, 13).toordinal()]
    labels = [" DUB1", "LIS1 ", "", "DUB1", None, "  "]
    assert text_column(pa.array(labels)) == ["DUB1", "LIS1", None, "DUB1", None, None]
