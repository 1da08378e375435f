"""KPI test results as text, JSON, GitHub annotations and JUnit XML: one case per check."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from opsgov.kpitest.check import CaseResult
from opsgov.kpitest.run import KpiTestRun

JSON_SCHEMA_VERSION = 1


def _record(case: CaseResult) -> dict[str, Any]:
    return {
        "test": case.test,
        "name": case.name,
        "engine": case.engine,
        "file": case.file,
        "line": case.line,
        "passed": case.passed,
        "code": case.code,
        "expected": case.expected,
        "actual": case.actual,
        "message": case.message,
    }


def summary(run: KpiTestRun) -> dict[str, int]:
    """Counts of cases, passed and failed, and files run."""
    failed = len(run.failed)
    return {"files": len(run.files), "cases": len(run.cases), "passed": len(run.cases) - failed,
            "failed": failed}  # fmt: skip


def to_text(run: KpiTestRun) -> str:
    """Failures first, each at its file:line with expected and actual; then the totals."""
    lines = []
    for case in run.failed:
        lines.append(f"{case.where}: FAIL {case.code} {case.test}: {case.name} [{case.engine}]")
        lines.append(f"    expected {case.expected}")
        lines.append(f"    actual   {case.actual}")
        if case.message:
            lines.append(f"    {case.message}")
    for note in run.notes:
        lines.append(f"{note.severity.value} {note.code}: {note.message}")
    s = summary(run)
    lines.append(
        f"{s['passed']} passed, {s['failed']} failed ({s['cases']} checks in {s['files']} "
        f"file(s), engines: {', '.join(run.engines) or 'none'})"
    )
    return "\n".join(lines) + "\n"


def to_json(run: KpiTestRun, exit_code: int) -> str:
    """Every case as a record (documented in docs/kpi-tests.md)."""
    body = {
        "schema_version": JSON_SCHEMA_VERSION,
        "command": "test",
        "exit_code": exit_code,
        "engines": run.engines,
        "summary": summary(run),
        "files": run.files,
        "cases": [_record(c) for c in run.cases],
        "notes": [{"code": n.code, "message": n.message} for n in run.notes],
    }
    return json.dumps(body, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _gh(text: str, *, prop: bool) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def to_github(run: KpiTestRun) -> str:
    """One error annotation per failed case, at the expectation's line."""
    out = []
    for c in run.failed:
        title = _gh(f"{c.code} {c.test} [{c.engine}]", prop=True)
        body = _gh(f"{c.name}: expected {c.expected}, actual {c.actual}. {c.message}", prop=False)
        out.append(f"::error file={_gh(c.file, prop=True)},line={c.line},title={title}::{body}")
    return "\n".join(out) + ("\n" if out else "")


def to_junit(run: KpiTestRun) -> str:
    """JUnit XML: one test case per check, a failure with expected and actual where it failed."""
    root = ET.Element("testsuites", name="opsgov test")
    by_test: dict[str, list[CaseResult]] = {}
    for case in run.cases:
        by_test.setdefault(case.test, []).append(case)
    for test, cases in by_test.items():
        failures = sum(1 for c in cases if not c.passed)
        suite = ET.SubElement(root, "testsuite", name=test, tests=str(len(cases)),
                              failures=str(failures), errors="0")  # fmt: skip
        for c in cases:
            node = ET.SubElement(
                suite, "testcase", classname=f"opsgov.test.{test}",
                name=f"{c.name} [{c.engine}]", file=c.file, line=str(c.line),
            )  # fmt: skip
            if not c.passed:
                failure = ET.SubElement(
                    node, "failure", type=c.code or "",
                    message=f"expected {c.expected}, actual {c.actual}",
                )  # fmt: skip
                failure.text = f"{c.where}: {c.message}"
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
