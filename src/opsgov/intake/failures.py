"""How the intake modules stop on a file they cannot read: `WorkbookError` with one finding."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from opsgov.errors import WorkbookError
from opsgov.intake.limits import Limits
from opsgov.issues import Location, make_issue


def reader_died(reason: str, limits: Limits) -> tuple[str, str]:
    """The code and message for a reader that died or hung in a child process.

    Args:
        reason: `timeout`, or anything else for a crash.
        limits: Gives the time limit, for the message.

    Returns:
        (F206 or F200, the message in the user's words).
    """
    if reason == "timeout":
        return "F206", (
            f"the reader did not finish within {limits.isolation_timeout_seconds:g} s; the file "
            "is damaged or far larger than it looks"
        )
    return "F200", (
        "the reader ran out of memory or crashed on this file, which means it is damaged or "
        "declares a far larger sheet than it holds: open it in Excel or LibreOffice and save a "
        "fresh copy"
    )


def refuse(
    path: Path,
    code: str,
    message: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    col: int | None = None,
    line: int | None = None,
    found: object = None,
    hint: str | None = None,
) -> NoReturn:
    """Raise `WorkbookError` carrying one W2xx finding located in the file.

    Args:
        path: The file, as the caller named it.
        code: The finding code (W2xx).
        message: What is wrong and what to do, in the user's words.
        sheet: The sheet, when the problem is in one.
        row: 1-based row of the cell concerned.
        col: 1-based column of the cell concerned.
        line: 1-based line, for text files.
        found: The value found, shown with the finding.
        hint: How to fix it, when the message does not say.

    Raises:
        WorkbookError: Always.
    """
    location = Location(file=str(path), sheet=sheet, row=row, col=col, line=line)
    issue = make_issue(code, message, location=location, found=found, hint=hint)
    raise WorkbookError(f"{path}: {message}", [issue])


def damaged(path: Path, member: str) -> NoReturn:
    """Refuse an archive whose member's bytes do not match their CRC-32 (F218).

    Args:
        path: The file.
        member: The archive entry whose checksum failed.

    Raises:
        WorkbookError: Always.
    """
    refuse(
        path,
        "F218",
        f"the archive entry {member!r} is damaged: its bytes do not match the checksum stored "
        "with them, so the numbers read from it could be wrong; the file is refused",
        found=member,
        hint="Ask for the file again, or open it in Excel or LibreOffice and save a fresh copy.",
    )
