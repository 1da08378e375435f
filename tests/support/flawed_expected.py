"""The defects planted in the flawed sample submission, and the findings each must produce.

`sample_data/flawed/HYD1_ops_2026-10.xlsx` is Acme's HYD1 report for 2026-10 from the sample
ground truth, with the defects below planted in its "Daily Report" sheet (header on row 4,
columns B to AB, one row per day from row 5). The row of 22 October is repeated once, so the
days after it sit one row lower. `sample_month.write_flawed` plants them;
`sample_data/flawed/EXPECTED.md` lists them for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from opsgov.issues import spec

FLAWED_SITE: Final = "HYD1"
FLAWED_PERIOD: Final = "2026-10"
FLAWED_FILE: Final = "HYD1_ops_2026-10.xlsx"
SHEET: Final = "Daily Report"

DUPLICATED_ROW: Final = 26
"""The row (22 October) repeated on the row below it."""


@dataclass(frozen=True)
class Defect:
    """One planted defect.

    Attributes:
        kind: What the generator does (see `sample_month.write_flawed`).
        cell: The A1 cell it is planted in, on `SHEET`, after the repeated row is inserted.
        planted: What the cell holds, in words.
        findings: (code, A1 cell or None for a finding on the sheet as a whole) that opsgov
            must report for it: the defect's own code first, then its consequences.
    """

    kind: str
    cell: str
    planted: str
    findings: tuple[tuple[str, str | None], ...]


DEFECTS: Final[tuple[Defect, ...]] = (
    Defect(
        "rename_column",
        "D4",
        "the required column `Items Received` renamed `Items Recvd`",
        # V300 names the closest header found and points at it; the renamed header itself
        # is then an unmapped column (V301).
        (("V300", "D4"), ("V301", "D4")),
    ),
    Defect("text_in_number", "I10", "`pending` in Backlog (EOD) on 6 October", (("V302", "I10"),)),
    Defect("excel_error", "H13", "the Excel error `#DIV/0!` in Within SLA %", (("V303", "H13"),)),
    Defect("negative_count", "N16", "Critical Errors of -2", (("V304", "N16"),)),
    Defect(
        "percent_over_100",
        "H18",
        "Within SLA % of 104.35",
        # 104.35 % of the eligible items is more than the eligible items: the SLA check fails
        # on the same cell (items_within_sla is read from this column).
        (("V306", "H18"), ("V310", "H18")),
    ),
    Defect(
        "date_outside_period",
        "B21",
        "the date 2026-09-17 (a September row) in place of 2026-10-17",
        (("V307", "B21"),),
    ),
    Defect(
        "unmapped_category",
        "C24",
        "the queue `Live Streams`, which has no mapping",
        (("V308", "C24"),),
    ),
    Defect(
        "duplicate_row",
        "B27",
        "row 26 (22 October, General Moderation) repeated on row 27",
        # The repeated row is in no vendor total: the TOTAL row after the last day (row 37)
        # is still left out, but its figures are no longer the sums of the rows above.
        (("V309", "B27"), ("V342", "B37")),
    ),
    Defect(
        "check_failure",
        "M30",
        "Audits Passed 7 above Audits Sampled (L30) on 25 October",
        (("V310", "M30"),),
    ),
    Defect("blank_required", "R33", "Scheduled Time left blank on 28 October", (("V317", "R33"),)),
)
"""Every planted defect, in sheet order."""

LAYOUT_FINDINGS: Final[tuple[tuple[str, str], ...]] = (("V340", "B37"),)
"""Findings on the report's own layout, not on a defect: the TOTAL row (37), the blank row
(38) and the notes line (39) under the last day are left out as not data, and said so."""

EXPECTED_FINDINGS: Final[list[tuple[str, str, str | None]]] = [
    (code, SHEET, cell) for defect in DEFECTS for code, cell in defect.findings
] + [(code, SHEET, cell) for code, cell in LAYOUT_FINDINGS]
"""(code, sheet, A1 cell) of every finding `opsgov validate` must report for the file, and no
other: the cell is None for a finding about the sheet as a whole."""


def expected_markdown() -> str:
    """`sample_data/flawed/EXPECTED.md`: the planted defects and their findings, for people."""
    lines = [
        "# The flawed sample submission",
        "",
        f"`{FLAWED_FILE}` is Acme BPO's daily operations report for {FLAWED_SITE}, "
        f"{FLAWED_PERIOD}, generated from the sample ground truth",
        f"(`scripts/make_sample_data.py`), with the defects below planted in its `{SHEET}` sheet.",
        "The header is on row 4 (columns B to AB) and the first day on row 5; the row of",
        f"22 October (row {DUPLICATED_ROW}) is repeated, so later days sit one row lower.",
        "",
        "```console",
        f"$ opsgov validate sample_data/flawed/{FLAWED_FILE} --workspace sample_data",
        "```",
        "",
        "exits 1 and reports exactly these findings (`tests/support/flawed_expected.py` holds the",
        "same list as data, and `tests/cli/test_sample_data.py` checks it):",
        "",
        "| cell | planted | code | finding |",
        "|---|---|---|---|",
    ]
    for defect in DEFECTS:
        for index, (code, cell) in enumerate(defect.findings):
            where = f"{SHEET}!{cell}" if cell else f"{SHEET} (the header row)"
            planted = defect.planted if index == 0 else "(consequence of the above)"
            lines.append(f"| {where} | {planted} | {code} | {spec(code).title} |")
    for code, cell in LAYOUT_FINDINGS:
        planted = "(the report's own totals, blank and notes rows)"
        lines.append(f"| {SHEET}!{cell} | {planted} | {code} | {spec(code).title} |")
    lines += [
        "",
        "A missing column has no cell of its own: V300 points at the closest header found",
        "(`Items Recvd`), which is also reported as unmapped (V301, a warning). A percentage",
        "above 100 also makes the within-SLA",
        "count exceed the eligible count, so the framework's check fails on the same cell.",
        "The repeated row is in none of the vendor's totals, so the TOTAL row under the last",
        "day no longer adds up (V342, a warning); that row, the blank row and the notes line",
        "below it are left out as not data (V340, a note).",
        "",
    ]
    return "\n".join(lines)
