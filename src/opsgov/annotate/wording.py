"""What an annotated copy says to the vendor who will fix the file.

A finding's message and hint are written for our own analysts (they name measures and the
intake profile). The annotated copy goes back to the vendor, so each cell comment says, in the
vendor's terms, what is wrong with the cell and what to put there instead. Codes without a
wording of their own fall back to the finding's message, never to the analyst's hint.
"""

from __future__ import annotations

from collections.abc import Callable

from opsgov.issues import Issue

_MAX_VALUE = 80


def _quoted(text: str | None) -> str:
    if text is None:
        return "this value"
    short = text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"
    return f"'{short}'"


def _column(issue: Issue) -> str:
    return f"'{issue.field}'" if issue.field else "this column"


def _choices(issue: Issue) -> str:
    expected = issue.expected or ""
    return expected.removeprefix("one of ").strip()


def _v300(i: Issue) -> str:
    found = f" This file has {_quoted(i.found)} instead." if i.found else ""
    return (
        f"The column {_quoted(i.expected)} is missing.{found} Please keep the agreed header "
        f"{_quoted(i.expected)}, or tell us the new name."
    )


def _v302(i: Issue) -> str:
    return f"{_quoted(i.found)} in {_column(i)} is not a number; please enter {i.expected}."


def _v303(i: Issue) -> str:
    return (
        f"This cell shows the error {_quoted(i.found)}; please replace it with the value "
        "(not a formula that fails)."
    )


def _range(i: Issue) -> str:
    return (
        f"{_quoted(i.found)} in {_column(i)} is outside what this column can hold "
        f"({i.expected}); please check the value."
    )


def _v307(i: Issue) -> str:
    return (
        f"The date {_quoted(i.found)} is outside the month of this report ({i.expected}); "
        "please send only this month's rows, or correct the date."
    )


def _v308(i: Issue) -> str:
    what = (i.field or "value").lower()
    choices = _choices(i)
    use = f"; use one of: {choices}" if choices else ""
    return f"{_quoted(i.found)} is not a {what} we recognise{use}."


def _v309(i: Issue) -> str:
    return (
        f"This row repeats another row for the same day and queue ({i.found}); please remove "
        "the repeated row, or correct its date or queue."
    )


def _v310(i: Issue) -> str:
    rule = i.message.split(" (", 1)[0]
    return f"{rule} Please check this cell and the cells it is compared with."


def _v317(i: Issue) -> str:
    return f"This cell is blank; please fill in {_column(i)}."


def _v341(i: Issue) -> str:
    del i
    return (
        "This row is labelled like a totals row, but its figures are not the sums of the rows "
        "above, so we read it as data. If it is a totals row, please remove it; if it is data, "
        "please give it a label that does not start with a totals word."
    )


def _v342(i: Issue) -> str:
    del i
    return (
        "This totals row does not add up to the rows above it: please check for missing or "
        "repeated rows."
    )


_WORDING: dict[str, Callable[[Issue], str]] = {
    "V300": _v300,
    "V302": _v302,
    "V303": _v303,
    "V304": _range,
    "V305": _range,
    "V306": _range,
    "V307": _v307,
    "V308": _v308,
    "V309": _v309,
    "V310": _v310,
    "V317": _v317,
    "V341": _v341,
    "V342": _v342,
}


def vendor_text(issue: Issue) -> str:
    """The sentence the vendor reads for one finding, without our internal hints."""
    word = _WORDING.get(issue.code)
    if word is not None:
        return word(issue)
    return issue.message[0].upper() + issue.message[1:] if issue.message else issue.title
