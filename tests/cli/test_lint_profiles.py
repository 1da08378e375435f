"""Lint checks profiles against the framework `validate` will read them with."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import invoke

PROFILE = """\
kind: intake_profile
id: acme_daily
name: Acme daily report
vendor: example_bpo
files:
  pattern: "{site}_ops_{period}.xlsx"
columns:
  - measure: items_handled
    headers: [Handled]
  - measure: handle_seconds
    headers: [AHT]
    unit: "mm:ss"
    per: items_handled
%s"""


def _workspace(tmp_path: Path, extra: str) -> Path:
    root = tmp_path / "ws"
    invoke(["init", str(root)])
    (root / "profiles").mkdir(exist_ok=True)
    (root / "profiles" / "acme_daily.yaml").write_text(PROFILE % extra, "utf-8")
    return root


def _lint(root: Path, code: int) -> list[dict[str, object]]:
    result = invoke(["lint", str(root), "--format", "json"], code=code)
    issues: list[dict[str, object]] = json.loads(result.stdout)["issues"]
    return [i for i in issues if "/profiles/" in str(i["file"])]


def test_two_columns_for_one_measure_is_d150(tmp_path: Path) -> None:
    root = _workspace(tmp_path, "  - measure: items_handled\n    headers: [Cases Closed]\n")
    [issue] = _lint(root, 1)
    assert (issue["code"], issue["severity"], issue["line"]) == ("D150", "error", 14)
    assert "columns 1 and 3 both fill `items_handled`" in str(issue["message"])


def test_a_percentage_with_no_base_is_d151(tmp_path: Path) -> None:
    extra = "  - measure: items_within_sla\n    headers: [SLA %]\n    unit: percent_0_100\n"
    root = _workspace(tmp_path, extra)
    [issue] = _lint(root, 1)
    assert (issue["code"], issue["line"]) == ("D151", 16)
    assert "percent_of" in str(issue["hint"])


def test_profiles_are_checked_against_the_framework_opsgov_yaml_names(tmp_path: Path) -> None:
    # The framework.yaml `init` wrote stays in the folder; opsgov.yaml points elsewhere.
    extra = "  - measure: csat_responses\n    headers: [Surveys]\n"
    root = _workspace(tmp_path, extra)
    framework = root / "framework.yaml"
    text = framework.read_text("utf-8")
    marker = "measures:\n"
    added = (
        "  - id: csat_responses\n    name: Survey responses\n    kind: count\n"
        "    unit: responses\n    rollup: sum\n    required: false\n"
    )
    framework.write_text(text.replace(marker, marker + added, 1), "utf-8")
    assert _lint(root, 0) == []  # against framework.yaml, which has the measure
    settings = root / "opsgov.yaml"
    settings.write_text(
        settings.read_text("utf-8").replace(
            "framework: framework.yaml", "framework: builtin:trust_safety"
        ),
        "utf-8",
    )
    [issue] = _lint(root, 1)
    assert issue["code"] == "D129"
    assert "`csat_responses`, which is not a measure of trust_safety" in str(issue["message"])


def test_a_profile_linted_alone_says_it_was_not_checked(tmp_path: Path) -> None:
    path = tmp_path / "acme_daily.yaml"
    path.write_text(PROFILE % "", "utf-8")
    result = invoke(["lint", str(path), "--format", "json"])
    [issue] = json.loads(result.stdout)["issues"]
    assert (issue["code"], issue["severity"]) == ("D152", "warning")


def test_lint_checks_kpi_tests_against_the_framework_opsgov_yaml_names(tmp_path: Path) -> None:
    """The trust & safety tests `init` copied, left in a workspace switched to
    `builtin:customer_support`: `opsgov test` cannot run them, and lint now says so first."""
    root = tmp_path / "ws"
    invoke(["init", str(root), "-q"])
    settings = root / "opsgov.yaml"
    text = settings.read_text("utf-8")
    settings.write_text(
        text.replace("framework: framework.yaml", "framework: builtin:customer_support"), "utf-8"
    )
    report = json.loads(invoke(["lint", "-w", str(root), "--format", "json"], 1).stdout)
    found = {(i["code"], i["message"]) for i in report["issues"] if "/tests/" in i["file"]}
    # appeals and exposure belong to trust & safety only (frameworks/customer_support.yaml
    # has neither the measure nor the KPIs).
    assert ("D190", "`appeals_overturned` is not a numeric measure of customer_support") in found
    assert ("D188", "`appeal_overturn` is not a KPI of customer_support") in found
    assert ("D188", "`exposure_hours_avg` is not a KPI of customer_support") in found
    assert all(code in {"D188", "D190"} for code, _ in found)
    # `opsgov test` still runs, and reports each test that cannot run at its line; the
    # month's commands are not held up by a test file.
    cases = json.loads(invoke(["test", "-w", str(root), "-f", "json"], 1).stdout)["cases"]
    assert {"D188", "D190"} <= {c["code"] for c in cases}
    invoke(["validate", "-w", str(root), "--period", "2026-10"], 1)  # V314s: no files yet


def test_kpi_tests_of_the_framework_in_use_lint_clean(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    invoke(["init", str(root), "--framework", "customer_support", "-q"])
    report = json.loads(invoke(["lint", "-w", str(root), "--format", "json"]).stdout)
    assert any(f.startswith("tests/") or "/tests/" in f for f in report["files"])
    assert report["issues"] == []
