"""Read a filled-in checklist workbook back: completion, overdue, blocked, gates not passed.

The workbook is the one `opsgov playbook checklist --format xlsx` wrote, possibly re-saved by
Excel or LibreOffice: the header row is found by its column names (the first rows are
searched), so rows or a title block moved by the user do no harm. As of a date:

- a step is finished when its status is Done or N/A;
- it is overdue when it is not finished and its due date is before the as-of date;
- it is blocked when it is marked Blocked, or when it is not finished, its start date has come
  and a step it depends on is not finished;
- a gate is not passed when a go/no-go step is due (on or before the as-of date) and not Done
  (N/A does not pass a gate).

Anything overdue, blocked or a gate not passed means the checklist is not on track.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pydantic import BaseModel, ConfigDict, Field

from opsgov.errors import ExitCode, WorkbookError
from opsgov.issues import Issue, Location, make_issue
from opsgov.playbooks.checklist import FINISHED, STATUSES
from opsgov.playbooks.xlsx import SHEET

_REQUIRED = ("Step id", "Step", "Depends on", "Start", "Due", "Gate", "Status")
_BY_FOLDED = {s.casefold(): s for s in STATUSES}
"""Statuses typed by hand (`done`, `n/a`) are read as the drop-down's values."""
_HEADER_SEARCH_ROWS = 20
_MAX_ROWS = 5000


class StepState(BaseModel):
    """One step as the workbook records it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    row: int = Field(description="Spreadsheet row.")
    id: str = Field(description="Step id.")
    title: str = Field(description="Step.")
    status: str = Field(description="Status as recorded (Not started when empty).")
    start: dt.date | None = Field(description="Start date.")
    due: dt.date | None = Field(description="Due date.")
    depends_on: list[str] = Field(description="Steps it depends on.")
    gate: bool = Field(description="True for a go/no-go step.")
    notes: str = Field(description="Notes.")
    days_overdue: int = Field(default=0, description="Days past due as of the date, when late.")
    waiting_for: list[str] = Field(
        default_factory=list, description="Unfinished steps it depends on."
    )


class ChecklistStatus(BaseModel):
    """Where a checklist stands as of a date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(description="The checklist file.")
    playbook: str = Field(description="Playbook id, from the title block.")
    site: str = Field(description="Site id, from the title block.")
    as_of: dt.date = Field(description="The date the status is taken on.")
    total: int = Field(description="Steps.")
    counts: dict[str, int] = Field(description="Steps per status.")
    completion: float = Field(description="Share of steps finished (Done or N/A), 0-1.")
    overdue: list[StepState] = Field(description="Steps past due and not finished.")
    blocked: list[StepState] = Field(description="Steps blocked, or waiting for unfinished steps.")
    gates_not_passed: list[StepState] = Field(description="Go/no-go steps due and not Done.")
    issues: list[Issue] = Field(description="The same problems as findings, with their cells.")

    @property
    def on_track(self) -> bool:
        """True when nothing is overdue, blocked or a gate not passed."""
        return not (self.overdue or self.blocked or self.gates_not_passed)

    @property
    def exit_code(self) -> ExitCode:
        """OK when on track, FINDINGS otherwise (so a scheduled job can alert)."""
        return ExitCode.OK if self.on_track else ExitCode.FINDINGS


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _find_header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        names = {_text(v): i for i, v in enumerate(row) if _text(v)}
        if all(name in names for name in _REQUIRED):
            return index, names
    return None


def _title_value(rows: list[tuple[Any, ...]], label: str, before: int) -> str:
    for row in rows[:before]:
        cells = [_text(v) for v in row]
        for i, text in enumerate(cells[:-1]):
            if text == label:
                return cells[i + 1]
    return ""


@dataclass
class Recorded:
    """What a checklist workbook records."""

    steps: list[StepState]
    playbook: str
    site: str
    status_column: int
    issues: list[Issue]


def read_steps(path: Path, display: str) -> Recorded:
    """The steps recorded in a checklist workbook, its playbook and site ids, and problems."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookError(
            f"{display} cannot be read as an xlsx workbook ({type(exc).__name__})"
        ) from None
    try:
        if SHEET not in book.sheetnames:
            raise WorkbookError(
                f"{display} has no {SHEET!r} sheet: is it a checklist opsgov wrote?",
                [make_issue("P633", f"no {SHEET!r} sheet", location=Location(file=display))],
            )
        sheet_rows = book[SHEET].iter_rows(values_only=True)
        rows = [tuple(r) for r in itertools.islice(sheet_rows, _MAX_ROWS)]
    finally:
        book.close()
    found = _find_header(rows)
    if found is None:
        raise WorkbookError(
            f"{display}: no header row with {', '.join(_REQUIRED)} in the {SHEET!r} sheet",
            [make_issue("P633", "no checklist header", location=Location(file=display))],
        )
    header, cols = found
    playbook = _title_value(rows, "Playbook", header)
    site = _title_value(rows, "Site", header)
    steps: list[StepState] = []
    issues: list[Issue] = []

    def cell(row: tuple[Any, ...], name: str) -> Any:
        i = cols.get(name)
        return row[i] if i is not None and i < len(row) else None

    for offset, row in enumerate(rows[header + 1 :]):
        row_number = header + 2 + offset
        step_id = _text(cell(row, "Step id"))
        if not step_id:
            continue
        status = _text(cell(row, "Status")) or "Not started"
        status = _BY_FOLDED.get(" ".join(status.split()).casefold(), status)
        if status not in STATUSES:
            issues.append(
                make_issue(
                    "P633",
                    f"step `{step_id}` has status {status!r}, which is not one of the drop-down's",
                    location=Location(
                        file=display, sheet=SHEET, row=row_number, col=cols["Status"] + 1
                    ),
                    found=status,
                    expected=", ".join(STATUSES),
                    hint="Choose the status from the drop-down; it is read as Not started.",
                )
            )
            status = "Not started"
        depends = [d.strip() for d in _text(cell(row, "Depends on")).split(",") if d.strip()]
        steps.append(
            StepState(
                row=row_number,
                id=step_id,
                title=_text(cell(row, "Step")),
                status=status,
                start=_date(cell(row, "Start")),
                due=_date(cell(row, "Due")),
                depends_on=depends,
                gate=bool(_text(cell(row, "Gate"))),
                notes=_text(cell(row, "Notes")),
            )
        )
    return Recorded(steps, playbook, site, cols["Status"] + 1, issues)


def checklist_status(path: Path, as_of: dt.date, display: str | None = None) -> ChecklistStatus:
    """Where the checklist in `path` stands on `as_of`."""
    display = display or str(path)
    recorded = read_steps(path, display)
    steps, issues, status_col = recorded.steps, recorded.issues, recorded.status_column
    by_id = {s.id: s for s in steps}
    finished = {s.id for s in steps if s.status in FINISHED}
    overdue: list[StepState] = []
    blocked: list[StepState] = []
    gates: list[StepState] = []
    for s in steps:
        where = Location(file=display, sheet=SHEET, row=s.row, col=status_col)
        if s.gate and s.status != "Done" and s.due is not None and s.due <= as_of:
            gates.append(s)
            issues.append(
                make_issue(
                    "P632",
                    f"go/no-go `{s.id}` ({s.title}) due on {s.due} has not been passed "
                    f"(status {s.status})",
                    location=where,
                    found=s.status,
                )
            )
        if s.id in finished:
            continue
        if s.due is not None and s.due < as_of:
            late = s.model_copy(update={"days_overdue": (as_of - s.due).days})
            overdue.append(late)
            issues.append(
                make_issue(
                    "P630",
                    f"step `{s.id}` ({s.title}) was due on {s.due} and is {s.status}: "
                    f"{late.days_overdue} day{'s' * (late.days_overdue != 1)} overdue",
                    location=where,
                    found=s.status,
                )
            )
        waiting = [d for d in s.depends_on if d in by_id and d not in finished]
        started = s.start is not None and s.start <= as_of
        if s.status == "Blocked" or (waiting and (started or s.status == "In progress")):
            blocked.append(s.model_copy(update={"waiting_for": waiting}))
            why = (
                f"waits for {', '.join(f'`{w}`' for w in waiting)}"
                if waiting
                else "is marked Blocked"
            )
            issues.append(
                make_issue(
                    "P631", f"step `{s.id}` ({s.title}) {why}", location=where, found=s.status
                )
            )
    counts = {name: sum(1 for s in steps if s.status == name) for name in STATUSES}
    return ChecklistStatus(
        file=display,
        playbook=recorded.playbook,
        site=recorded.site,
        as_of=as_of,
        total=len(steps),
        counts=counts,
        completion=len(finished) / len(steps) if steps else 1.0,
        overdue=overdue,
        blocked=blocked,
        gates_not_passed=gates,
        issues=issues,
    )
