"""Measure a workbook's sheets in a child process before reading it in this one.

python-calamine holds each sheet as one dense rectangle. A damaged or hostile .xls, .xlsb or
.ods file can name a cell far away (or declare a huge sheet) and make it request terabytes:
Rust then aborts the whole process, and no `except` clause can catch an abort. (A 6 KB .xls
with a patched DIMENSIONS record does this.) For xlsx, `opsgov.intake.ooxml` bounds the
rectangle from the XML itself; the binary formats have no such cheap bound, so a child
process opens the file under an address-space limit and a timeout, reports each sheet's
extent, and exits. If the child dies, only the child dies.

The cost is a second parse of the file (about 1 s for a full 65,536-row .xls).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from opsgov.intake.limits import Limits

_CHILD = r"""
import json, sys
try:
    import resource
    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
except Exception:
    pass
from python_calamine import CalamineWorkbook
try:
    book = CalamineWorkbook.from_path(sys.argv[1])
    sheets = []
    for meta in book.sheets_metadata:
        try:
            sheet = book.get_sheet_by_name(meta.name)
            sheets.append([meta.name, sheet.start, sheet.end])
        except Exception as exc:
            sheets.append([meta.name, None, None, type(exc).__name__, str(exc)[:300]])
    print(json.dumps({"sheets": sheets}))
except Exception as exc:
    print(json.dumps({"error": [type(exc).__name__, str(exc)[:300]]}))
"""


@dataclass(frozen=True)
class Measured:
    """What the child process reported."""

    extents: dict[str, int]
    """Sheet name -> cells in its used rectangle (0 for an empty sheet)."""
    error: str | None
    """The reader's error message when it could not open the file (the caller reads the
    file itself to get the exception)."""


class IsolationError(Exception):
    """The child process died, ran out of memory or time: the file cannot be read safely.

    Attributes:
        reason: `timeout` or `crash`.
        detail: The last lines the child wrote to stderr.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def measure(path: Path, limits: Limits) -> Measured:
    """Open the workbook in a child process and report each sheet's extent.

    Args:
        path: The workbook, with the extension that matches its real format (the reader
            chooses its parser by extension).
        limits: Gives the child's memory limit and timeout.

    Returns:
        The sheets' extents, or the reader's error.

    Raises:
        IsolationError: The child crashed (typically an aborted huge allocation) or timed out.
    """
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _CHILD, str(path), str(limits.isolation_memory_bytes)],
            capture_output=True,
            timeout=limits.isolation_timeout_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise IsolationError(
            "timeout", f"no answer within {limits.isolation_timeout_seconds:g} s"
        ) from exc
    lines = done.stdout.decode("utf-8", errors="replace").strip().splitlines()
    try:
        report = json.loads(lines[-1]) if done.returncode == 0 and lines else None
    except json.JSONDecodeError:
        report = None
    if not isinstance(report, dict):
        stderr = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        detail = " / ".join(stderr[:2]) or f"exit status {done.returncode}"
        raise IsolationError("crash", detail[:300])
    if "error" in report:
        return Measured(extents={}, error=" ".join(map(str, report["error"])))
    extents: dict[str, int] = {}
    for entry in report.get("sheets", []):
        name, start, end = entry[0], entry[1], entry[2]
        if start is None or end is None:
            extents[str(name)] = 0
        else:
            extents[str(name)] = (end[0] - start[0] + 1) * (end[1] - start[1] + 1)
    return Measured(extents=extents, error=None)
