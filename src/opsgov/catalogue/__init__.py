"""The catalogue of finding codes, one table per pipeline stage.

Codes are stable: a retired code is never reused. Prefixes: D1xx definitions, F2xx files
(reading spreadsheets and text files; W2xx until renamed, see `RENAMED`), V3xx cell values,
K4xx computation, S5xx scoring, P6xx playbooks, C7xx contracts
(D166-D179 lint them), Q8xx capacity plans (D18x lints their settings), T9xx KPI test results
(D187-D193 check the test files).
"""

from __future__ import annotations

from opsgov.catalogue.capacity import CAPACITY_CODES
from opsgov.catalogue.compute import COMPUTE_CODES
from opsgov.catalogue.contracts import CONTRACT_CODES
from opsgov.catalogue.definitions import DEFINITION_CODES
from opsgov.catalogue.playbooks import PLAYBOOK_CODES
from opsgov.catalogue.tests import TEST_CODES
from opsgov.catalogue.values import VALUE_CODES
from opsgov.catalogue.workbook import WORKBOOK_CODES
from opsgov.issues import CodeSpec


def _build(*tables: tuple[CodeSpec, ...]) -> dict[str, CodeSpec]:
    out: dict[str, CodeSpec] = {}
    for table in tables:
        for entry in table:
            if entry.code in out:
                raise RuntimeError(f"duplicate finding code {entry.code}")
            out[entry.code] = entry
    return out


RENAMED: dict[str, str] = {f"W{n}": f"F{n}" for n in [*range(200, 219), 235, 236]}
"""Old code -> new code. The file-reading stage was `W2xx`, which read as 'warning' beside
`error W200`; its codes became `F2xx` with the same numbers, and the old codes stay retired."""

CATALOGUE: dict[str, CodeSpec] = _build(
    DEFINITION_CODES,
    WORKBOOK_CODES,
    VALUE_CODES,
    COMPUTE_CODES,
    PLAYBOOK_CODES,
    CAPACITY_CODES,
    CONTRACT_CODES,
    TEST_CODES,
)


def catalogue_markdown() -> str:
    """The catalogue as the Markdown page `docs/issue-codes.md`."""
    lines = [
        "# Finding codes",
        "",
        "Every finding opsgov reports carries one of these codes. Codes are stable: a retired",
        "code is never reused. This page is generated:",
        "`python -m opsgov.catalogue > docs/issue-codes.md`.",
        "",
        "| code | severity | title | what it flags and how to fix it |",
        "|---|---|---|---|",
    ]
    for code in sorted(CATALOGUE):
        entry = CATALOGUE[code]
        description = entry.description.replace("|", "\\|")
        lines.append(f"| {code} | {entry.severity.value} | {entry.title} | {description} |")
    lines += [
        "",
        "## Renamed codes",
        "",
        "A code's first letter names the stage that reports it, never its severity (the",
        "severity is printed beside the code). The file-reading codes began with W, which read",
        "as 'warning' beside `error W200`; they now begin with F, with the same numbers. The",
        "old codes are retired and never reused.",
        "",
        "| old | new |",
        "|---|---|",
        *(f"| {old} | {new} |" for old, new in RENAMED.items()),
    ]
    return "\n".join(lines) + "\n"
