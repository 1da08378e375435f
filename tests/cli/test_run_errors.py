"""An error found while computing is an error of the run, exactly as one in a file is.

The sample workspace with one currency's rate taken out of the FX file: the month must be
refused, and under `--allow-invalid` every output must count the error and show it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from opsgov.models.results import Scorecard
from tests.conftest import invoke
from tests.support import sample_month as sm
from tests.support.browser import parse_html

PERIOD = "2026-10"


def _without_rate(tmp_path: Path, currency: str) -> Path:
    workspace = tmp_path / "ws"
    shutil.copytree(sm.SAMPLE_WORKSPACE, workspace, ignore=shutil.ignore_patterns("out"))
    fx = workspace / "fx_rates.csv"
    lines = fx.read_text("utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(f"{PERIOD},{currency},")]
    assert len(kept) == len(lines) - 1
    fx.write_text("".join(kept), "utf-8")
    return workspace


def _sites_in(currency: str) -> list[str]:
    return [s.id for s in sm.registry().sites if s.currency == currency and s.id in sm.LIVE_SITES]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _without_rate(tmp_path_factory.mktemp("fx"), "MYR")


def test_validate_period_checks_every_live_sites_currency_has_a_rate(workspace: Path) -> None:
    [site] = _sites_in("MYR")  # KUL1, from the registry
    result = invoke(
        ["validate", "--period", PERIOD, "--workspace", str(workspace), "--format", "json"],
        code=1,
    )
    issues = json.loads(result.stdout)["issues"]
    k402 = [i for i in issues if i["code"] == "K402"]
    assert len(k402) == 1
    assert k402[0]["severity"] == "error"
    assert site in k402[0]["message"] and "MYR" in k402[0]["message"]
    assert k402[0]["file"] == "fx_rates.csv"


def test_score_refuses_a_month_with_a_missing_rate(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        ["score", "--period", PERIOD, "--workspace", str(workspace), "--out", str(out)],
        code=1,
    )
    said = result.stdout + result.stderr
    assert "K402" in said and "--allow-invalid" in said
    assert not out.exists() or not any(out.iterdir())


def test_allow_invalid_counts_and_shows_the_error_on_every_output(
    workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["score", "--period", PERIOD, "--workspace", str(workspace), "--out", str(out)]
    result = invoke([*args, "--no-history", "--allow-invalid"])
    assert "Scored despite 1 error" in result.stdout
    card = Scorecard.model_validate_json((out / "scorecard.json").read_text("utf-8"))
    assert card.findings["error"] == 1  # once, though validation and computing both meet it
    [issue] = [i for i in card.issues if i.code == "K402"]
    assert "KUL1" in issue.message

    markdown = (out / "scorecard.md").read_text("utf-8")
    top = markdown.split("\n## ", 1)[0]
    assert "Scored despite 1 error" in top and "K402" in top

    page = parse_html((out / "scorecard.html").read_text("utf-8"))
    [banner] = page.find_all("p", class_="banner")
    assert "Scored despite 1 error" in banner.text() and "K402" in banner.text()

    summary = openpyxl.load_workbook(out / "scorecard.xlsx")["Summary"]
    assert summary["A4"].value.startswith("Scored despite 1 error")
    assert "K402" in summary["A4"].value
    checks = openpyxl.load_workbook(out / "scorecard.xlsx")["Checks"]
    assert [c.value for c in checks[2]][:2] == ["error", "K402"]


def test_a_clean_month_has_no_banner_and_no_checks_sheet(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ws = tmp_path / "ws"
    shutil.copytree(sm.SAMPLE_WORKSPACE, ws, ignore=shutil.ignore_patterns("out"))
    invoke(["score", "--period", PERIOD, "--workspace", str(ws), "--out", str(out), "--no-history"])
    card = Scorecard.model_validate_json((out / "scorecard.json").read_text("utf-8"))
    assert card.findings["error"] == 0 and card.issues == []
    assert "Scored despite" not in (out / "scorecard.md").read_text("utf-8")
    assert "Checks" not in openpyxl.load_workbook(out / "scorecard.xlsx").sheetnames
