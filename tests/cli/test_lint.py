"""`opsgov lint`: each mistake has its own code and exact position; every format agrees."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from opsgov.lint.run import lint_paths
from tests.conftest import REPO, invoke

FRAMEWORK = """\
kind: framework
id: demo
version: "1"
name: Demo
owner: Ops
categories:
  - id: service
    name: Service
    weight: 60
  - id: quality
    name: Quality
    weight: 40
measures:
  - {id: items_handled, name: Items handled, kind: count, rollup: sum}
  - {id: handle_seconds, name: Handle time, kind: duration, rollup: sum}
  - {id: qa_audited, name: Audited, kind: count, unit: audits, rollup: sum}
  - {id: qa_correct, name: Correct, kind: count, unit: audits, rollup: sum}
  - {id: cost_total, name: Cost, kind: money, rollup: sum}
kpis:
  - id: aht
    name: AHT
    category: service
    formula: handle_seconds / items_handled
    unit: seconds
    format: mm:ss
    direction: lower_is_better
    target: 420
    thresholds: {green: 420, amber: 600}
  - id: qa_accuracy
    name: QA accuracy
    category: quality
    formula: qa_correct / qa_audited
    unit: percent
    format: percent
    direction: higher_is_better
    target: 0.95
    thresholds: {green: 0.95, amber: 0.9}
    min_sample: {measure: qa_audited, minimum: 30}
checks:
  - id: qa_le
    condition: qa_correct <= qa_audited
    message: Audits passed cannot exceed audits sampled
"""

REGISTRY = """\
kind: registry
regions:
  - {id: EMEA, name: Europe}
vendors:
  - {id: acme, name: Acme, type: bpo}
sites:
  - id: DUB1
    name: Dublin
    vendor: acme
    region: EMEA
    country: IE
    currency: EUR
    timezone: Europe/Dublin
    status: live
    go_live: "2024-01-01"
"""


def _found(
    tmp_path: Path, text: str, name: str = "fw.yaml"
) -> list[tuple[str, int | None, int | None]]:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    report = lint_paths([path])
    return [(i.code, i.location.line, i.location.column) for i in report.issues if i.location]


def _edit(old: str, new: str, text: str = FRAMEWORK) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_the_base_framework_is_clean(tmp_path: Path) -> None:
    assert _found(tmp_path, FRAMEWORK) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # misspelt measure: the column of the name inside the formula
        (
            "formula: handle_seconds / items_handled",
            "formula: handle_seconds / itmes_handled",
            ("D121", 23, 31),
        ),
        (
            "formula: handle_seconds / items_handled",
            "formula: handle_seconds / mean(items_handled)",
            ("D122", 23, 31),
        ),
        (
            "formula: handle_seconds / items_handled",
            "formula: handle_seconds / (items_handled",
            ("D120", 23, 31),
        ),
        (
            "formula: handle_seconds / items_handled",
            'formula: "handle_seconds / itmes_handled"',
            ("D121", 23, 32),
        ),
        ("unit: percent", "unit: seconds", ("D124", 33, 11)),
        (
            "formula: qa_correct / qa_audited",
            "formula: qa_correct / items_handled",
            ("D124", 33, 11),
        ),
        ("category: service", "category: servce", [("D130", 7, 9), ("D125", 22, 15)]),
        ("weight: 60", "weight: 50", ("D126", 6, 1)),
        (
            "thresholds: {green: 420, amber: 600}",
            "thresholds: {green: 600, amber: 420}",
            ("D127", 28, 17),
        ),
        (
            "thresholds: {green: 0.95, amber: 0.9}",
            "thresholds: {green: 0.9, amber: 0.95}",
            ("D127", 37, 17),
        ),
        ("target: 420", "target: 450", ("D128", 27, 13)),
        (
            "{measure: qa_audited, minimum: 30}",
            "{measure: qa_audit, minimum: 30}",
            ("D129", 38, 27),
        ),
        (
            "condition: qa_correct <= qa_audited",
            "condition: qa_correct - qa_audited",
            ("D131", 41, 16),
        ),
        (
            "condition: qa_correct <= qa_audited",
            "condition: qa_correct <= qa_audted",
            ("D121", 41, 30),
        ),
        ("    thresholds: {green: 0.95, amber: 0.9}\n", "", ("D132", 29, 5)),
        ("    target: 420\n", "    target: 420\n    treshold: 1\n", ("D110", 28, 5)),
        ("    formula: handle_seconds / items_handled\n", "", ("D111", 20, 5)),
        ("{id: cost_total,", "{id: qa_correct,", ("D113", 18, 10)),
        ("kind: framework", "kind: frameworks", ("D107", 1, 1)),
        ("direction: lower_is_better", "direction: lower", ("D112", 26, 16)),
    ],
)
def test_each_framework_mistake_has_its_code_and_position(
    tmp_path: Path, old: str, new: str, expected: tuple[str, int, int] | list[tuple[str, int, int]]
) -> None:
    assert _found(tmp_path, _edit(old, new)) == (
        expected if isinstance(expected, list) else [expected]
    )


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(
        _edit("    target: 420\n", "    target: 420\n    treshold: 1\n"), "utf-8"
    )
    [issue] = lint_paths([tmp_path / "fw.yaml"]).issues
    assert issue.hint == "Did you mean `thresholds`?"


def test_misspelt_measure_suggests_the_right_one(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(_edit("/ items_handled", "/ itmes_handled"), "utf-8")
    [issue] = lint_paths([tmp_path / "fw.yaml"]).issues
    assert issue.hint == "Did you mean `items_handled`?"


def test_adding_time_to_money_is_d124(tmp_path: Path) -> None:
    found = _found(
        tmp_path,
        _edit("handle_seconds / items_handled", "(handle_seconds + cost_total) / items_handled"),
    )
    assert [(c, line) for c, line, _ in found] == [("D124", 23)]


def test_cycle_between_kpis_names_each_member(tmp_path: Path) -> None:
    text = FRAMEWORK.replace(
        "checks:",
        """\
  - {id: x, name: X, formula: y + 1, unit: count, format: count, direction: higher_is_better}
  - {id: y, name: Y, formula: x * 2, unit: count, format: count, direction: higher_is_better}
checks:""",
    )
    assert _found(tmp_path, text) == [("D123", 39, 31), ("D123", 40, 31)]


def test_kpi_built_on_kpi_is_checked_in_dependency_order(tmp_path: Path) -> None:
    text = FRAMEWORK.replace(
        "checks:",
        """\
  - {id: error_rate, name: Error, formula: 1 - qa_accuracy, unit: percent, format: percent,
     direction: lower_is_better}
checks:""",
    )
    assert _found(tmp_path, text) == []


def test_target_band_green_outside_amber_is_d127(tmp_path: Path) -> None:
    text = FRAMEWORK.replace(
        "checks:",
        """\
  - id: occ
    name: Occupancy
    formula: handle_seconds / handle_seconds
    unit: percent
    format: percent
    direction: target_band
    band: {green: {low: 0.7, high: 0.9}, amber: {low: 0.75, high: 0.95}}
checks:""",
    )
    assert _found(tmp_path, text) == [("D127", 45, 11)]


def test_percent_written_as_0_to_100_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "fw.yaml"
    path.write_text(
        _edit(
            "target: 0.95\n    thresholds: {green: 0.95, amber: 0.9}",
            "target: 95\n    thresholds: {green: 95, amber: 90}",
        ),
        "utf-8",
    )
    report = lint_paths([path])
    assert [(i.code, i.severity.value) for i in report.issues] == [("D133", "warning")]
    invoke(["lint", str(path)], 0)
    invoke(["lint", str(path), "--fail-on", "warning"], 1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("region: EMEA\n", "region: EMAE\n", ("D142", 10, 13)),
        ("vendor: acme\n", "vendor: acne\n", ("D143", 9, 13)),
        ("currency: EUR", "currency: EUX", ("D144", 12, 15)),
        ("country: IE", "country: XX", ("D145", 11, 14)),
        ("timezone: Europe/Dublin", "timezone: Europe/Dublinn", ("D146", 13, 15)),
        ('    go_live: "2024-01-01"\n', "", ("D147", 14, 13)),
        ("  - id: DUB1", "  - id: DUB1\n    closed: '2023-01-01'", ("D147", 15, 13)),
        ('go_live: "2024-01-01"', "go_live: 2024-13-01", ("D112", 15, 14)),
    ],
)
def test_each_registry_mistake_has_its_code_and_position(
    tmp_path: Path, old: str, new: str, expected: tuple[str, int, int]
) -> None:
    assert _found(tmp_path, _edit(old, new, REGISTRY), "registry.yaml") == [expected]


def _workspace(tmp_path: Path, settings: str) -> Path:
    (tmp_path / "framework.yaml").write_text(FRAMEWORK, "utf-8")
    (tmp_path / "registry.yaml").write_text(REGISTRY, "utf-8")
    (tmp_path / "opsgov.yaml").write_text(settings, "utf-8")
    return tmp_path


SETTINGS = """\
kind: workspace
name: Test
framework: framework.yaml
registry: registry.yaml
reporting_currency: USD
"""


def test_override_for_unknown_site_is_d140(tmp_path: Path) -> None:
    root = _workspace(
        tmp_path,
        SETTINGS + "overrides:\n  - site: DUB2\n    kpi: aht\n    target: 450\n"
        "    thresholds: {green: 450, amber: 620}\n",
    )
    report = lint_paths([root])
    assert [
        (i.code, i.location and i.location.file, i.location and i.location.line)
        for i in report.issues
    ] == [
        (
            "D140",
            str(
                Path(root / "opsgov.yaml").relative_to(Path.cwd())
                if root.is_relative_to(Path.cwd())
                else root / "opsgov.yaml"
            ),
            7,
        )
    ]
    assert report.issues[0].hint == "Did you mean `DUB1`?"


def test_override_for_unknown_kpi_and_wrong_order(tmp_path: Path) -> None:
    root = _workspace(
        tmp_path,
        SETTINGS + "overrides:\n  - vendor: acme\n    kpi: ahtt\n    target: 450\n"
        "  - region: EMEA\n    kpi: aht\n    thresholds: {green: 700, amber: 600}\n",
    )
    codes = [(i.code, i.location and i.location.line) for i in lint_paths([root]).issues]
    assert codes == [
        (
            "D141",
            8,
        ),
        ("D127", 12),
        ("D128", 12),
    ] or codes == [("D141", 8), ("D127", 12)]


def test_missing_registry_file_and_wrong_kind(tmp_path: Path) -> None:
    root = _workspace(
        tmp_path,
        SETTINGS.replace("registry: registry.yaml", "registry: regstry.yaml").replace(
            "framework: framework.yaml", "framework: registry.yaml"
        ),
    )
    codes = sorted(
        (i.code, i.location and i.location.line) for i in lint_paths([root / "opsgov.yaml"]).issues
    )
    assert ("D148", 4) in codes
    assert ("D149", 1) in codes


def test_builtin_frameworks_lint_clean() -> None:
    result = invoke(["lint", str(REPO / "frameworks")], 0)
    tests = len(list((REPO / "frameworks" / "tests").rglob("*.yaml")))  # their KPI tests
    assert f"No problems found in {2 + tests} files." in result.stdout


def test_init_workspace_lints_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    invoke(["init", str(tmp_path / "ws"), "--quiet"])
    monkeypatch.chdir(tmp_path / "ws")
    result = invoke(["lint"], 0)
    assert "No problems found" in result.stdout
    invoke(["init", str(tmp_path / "ws")], 2)  # refuses to overwrite


def test_customer_support_init_lints_clean(tmp_path: Path) -> None:
    invoke(["init", str(tmp_path / "ws"), "--framework", "customer_support", "-q"])
    invoke(["lint", "--workspace", str(tmp_path / "ws")], 0)


ISSUE_EXAMPLE = _edit(
    "weight: 60", "weight: 50", _edit("/ items_handled", "/ itmes_handled")
).replace("    target: 420\n", "    target: 420\n    target: 430\n")


def test_issue_example_every_format_carries_the_same_findings(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(ISSUE_EXAMPLE, "utf-8")
    expected = {("D101", 28, 5), ("D121", 23, 31), ("D126", 6, 1)}

    text = invoke(["lint", str(path)], 1).stdout
    for code, line, col in expected:
        assert f"bad.yaml:{line}:{col}: error {code}" in text

    data = json.loads(invoke(["lint", str(path), "--format", "json"], 1).stdout)
    assert {(i["code"], i["line"], i["column"]) for i in data["issues"]} == expected
    assert data["summary"]["error"] == 3 and data["exit_code"] == 1

    github = invoke(["lint", str(path), "--format", "github"], 1).stdout.splitlines()
    assert len(github) == 3
    for code, line, col in expected:
        assert any(
            g.startswith("::error file=") and f"line={line},col={col},title={code} " in g
            for g in github
        )

    root = ET.fromstring(
        invoke(["lint", str(path), "--format", "junit"], 1).stdout.split("\n", 1)[1]
    )
    failures = root.findall(".//failure")
    assert sorted(f.get("type") or "" for f in failures) == ["D101", "D121", "D126"]


def test_output_file_is_written(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(ISSUE_EXAMPLE, "utf-8")
    out = tmp_path / "lint.xml"
    result = invoke(["lint", str(path), "--format", "junit", "--output", str(out)], 1)
    assert result.stdout == ""
    assert out.read_text("utf-8").startswith("<?xml")


def test_quiet_prints_only_the_summary(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(ISSUE_EXAMPLE, "utf-8")
    assert (
        invoke(["lint", str(path), "-q"], 1).stdout.strip()
        == "3 errors, 0 warnings, 0 info in 1 file"
    )


def test_no_workspace_is_a_usage_error_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(["lint"], 2)
    assert "no opsgov.yaml" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_missing_file_named_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(["lint", str(tmp_path / "nope.yaml")], 2)
    assert f"{tmp_path / 'nope.yaml'}: no such file or folder" in " ".join(result.stderr.split())
