"""Definitions that lint used to accept and that then crashed a run: each refused at its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsgov.lint.formulas import MAX_KPI_DEPTH
from opsgov.lint.run import lint_paths
from tests.cli.test_lint import FRAMEWORK
from tests.conftest import REPO, invoke


def _chain(count: int, reverse: bool) -> tuple[str, list[int]]:
    """A framework with KPIs c0..c{count-1}, each c{k} = c{k-1} + 1; and each KPI's line."""
    head, tail = FRAMEWORK.split("checks:\n")
    ids = list(range(count))
    order = ids[::-1] if reverse else ids
    lines: dict[int, int] = {}
    first = head.count("\n") + 1
    body = ""
    for n, k in enumerate(order):
        formula = "items_handled" if k == 0 else f"c{k - 1} + 1"
        body += (
            f"  - {{id: c{k}, name: C{k}, formula: {formula}, unit: count, format: count, "
            "direction: higher_is_better}\n"
        )
        lines[k] = first + n
    return head + body + "checks:\n" + tail, [lines[k] for k in ids]


@pytest.mark.parametrize("reverse", [False, True])
def test_a_long_chain_of_kpis_is_one_finding_where_it_crosses_the_limit(
    tmp_path: Path, reverse: bool
) -> None:
    """1,500 KPIs each built on the last: declared last-first, the cycle check used to recurse
    past Python's limit (exit 3)."""
    text, lines = _chain(1500, reverse)
    path = tmp_path / "fw.yaml"
    path.write_text(text, "utf-8")
    found = [i for i in lint_paths([path]).issues if i.code == "D194"]
    assert [(i.location.line if i.location else None) for i in found] == [lines[MAX_KPI_DEPTH]]
    assert f"`c{MAX_KPI_DEPTH}` is built on a chain of {MAX_KPI_DEPTH} KPIs" in found[0].message


def test_a_chain_within_the_limit_is_clean(tmp_path: Path) -> None:
    text, _ = _chain(MAX_KPI_DEPTH, reverse=True)
    path = tmp_path / "fw.yaml"
    path.write_text(text, "utf-8")
    assert [i.code for i in lint_paths([path]).issues] == []


@pytest.mark.parametrize("number", ["1e999", "-1e999", "1e16", "1" + "0" * 30])
def test_a_number_too_large_to_use_is_refused_at_its_place(tmp_path: Path, number: str) -> None:
    text = FRAMEWORK.replace("    target: 420\n", f"    target: {number}\n", 1)
    line = text[: text.index(f"target: {number}")].count("\n") + 1
    path = tmp_path / "fw.yaml"
    path.write_text(text, "utf-8")
    result = invoke(["lint", str(path)], 1)
    assert f"fw.yaml:{line}:13: error D112 {number} is too large a number" in result.stdout


@pytest.mark.parametrize("period", ["0000-01", "0001-01", "9999-12"])
@pytest.mark.parametrize("command", [["validate"], ["score", "--no-history"], ["explain", "aht"]])
def test_a_period_outside_any_real_year_is_a_usage_error(
    command: list[str], period: str, tmp_path: Path
) -> None:
    args = [*command, "--period", period, "-w", str(REPO / "sample_data")]
    if command[0] == "score":
        args += ["--out", str(tmp_path)]
    result = invoke(args, 2)
    assert "the year must be between 1900 and 2999" in result.stderr
