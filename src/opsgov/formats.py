"""Machine-readable renderings of a findings report: JSON, GitHub annotations, JUnit XML.

The human text rendering lives in `opsgov.console` (it needs rich); every format is built
from the same `FindingsReport`, so they always carry the same findings.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from opsgov.issues import Issue, Severity
from opsgov.report import FindingsReport

JSON_SCHEMA_VERSION = 1


def issue_record(issue: Issue) -> dict[str, Any]:
    """One finding as a flat record: the shape used by JSON output."""
    loc = issue.location
    return {
        "code": issue.code,
        "severity": issue.severity.value,
        "title": issue.title,
        "message": issue.message,
        "file": loc.file if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
        "path": loc.path if loc else None,
        "sheet": loc.sheet if loc else None,
        "cell": loc.cell if loc else None,
        "field": issue.field,
        "found": issue.found,
        "expected": issue.expected,
        "hint": issue.hint,
    }


def summary(report: FindingsReport) -> dict[str, int]:
    """Counts by severity, plus files examined."""
    return {
        "files": len(report.files),
        "error": report.count(Severity.ERROR),
        "warning": report.count(Severity.WARNING),
        "info": report.count(Severity.INFO),
        "omitted": sum(report.omitted.values()),
        "not_read": len(report.unread),
    }


def to_json(report: FindingsReport, fail_on: Severity) -> str:
    """The report as JSON (documented in docs/json-output.md)."""
    body = {
        "schema_version": JSON_SCHEMA_VERSION,
        "command": report.command,
        "fail_on": fail_on.value,
        "exit_code": int(report.exit_code(fail_on)),
        "summary": summary(report),
        "files": report.files,
        "omitted": report.omitted,
        "issues": [issue_record(i) for i in report.issues],
    }
    if report.reads:
        body["reads"] = [r.model_dump(mode="json") for r in report.reads]
    return json.dumps(body, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _gh_escape(text: str, *, prop: bool) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


_GH_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def to_github(report: FindingsReport, fail_on: Severity) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines: list[str] = []
    for issue in report.issues:
        props: list[str] = []
        loc = issue.location
        message = issue.message
        if loc is not None:
            props.append(f"file={_gh_escape(loc.file, prop=True)}")
            if loc.line is not None:
                props.append(f"line={loc.line}")
                props.append(f"col={loc.column or 1}")
            elif loc.a1 is not None:
                message = f"{loc.a1}: {message}"
        props.append(f"title={_gh_escape(f'{issue.code} {issue.title}', prop=True)}")
        if issue.hint:
            message = f"{message} ({issue.hint})"
        lines.append(
            f"::{_GH_LEVEL[issue.severity]} {','.join(props)}::{_gh_escape(message, prop=False)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def to_junit(report: FindingsReport, fail_on: Severity) -> str:
    """JUnit XML: one test case per file, a failure per finding at or above `fail_on`."""
    by_file: dict[str, list[Issue]] = {f: [] for f in report.files}
    for issue in report.issues:
        by_file.setdefault(issue.location.file if issue.location else "(run)", []).append(issue)
    failures = sum(1 for i in report.issues if i.severity.at_least(fail_on))
    root = ET.Element("testsuites", name=f"opsgov {report.command}")
    suite = ET.SubElement(
        root,
        "testsuite",
        name=f"opsgov {report.command}",
        tests=str(len(by_file)),
        failures=str(failures),
        errors="0",
    )
    for file, issues in by_file.items():
        case = ET.SubElement(suite, "testcase", classname=f"opsgov.{report.command}", name=file)
        notes: list[str] = []
        for issue in issues:
            where = str(issue.location) if issue.location else file
            text = f"{where}: {issue.severity.value} {issue.code} {issue.message}"
            if issue.hint:
                text += f"\nhint: {issue.hint}"
            if issue.severity.at_least(fail_on):
                failure = ET.SubElement(
                    case, "failure", type=issue.code, message=f"{issue.code} {issue.message}"
                )
                failure.text = text
            else:
                notes.append(text)
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


MACHINE_FORMATS: dict[str, Callable[[FindingsReport, Severity], str]] = {
    "json": to_json,
    "github": to_github,
    "junit": to_junit,
}
"""Renderers by `--format` name; `text` is rendered by the console."""
