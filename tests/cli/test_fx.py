"""The FX rates file is linted like every definition, and a bad rate is never used."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, invoke
from tests.support import expected_score as es
from tests.support import sample_month as sm
from tests.support.scorecard_file import read_card

WORKSPACE = sm.SAMPLE_WORKSPACE
PERIOD = "2026-10"


def _copy(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"

    def skip_outputs(folder: str, names: list[str]) -> list[str]:
        return ["out", "flawed"] if Path(folder) == WORKSPACE else []

    shutil.copytree(WORKSPACE, workspace, ignore=skip_outputs)
    return workspace


def _lint(workspace: Path, code: int = 1) -> list[tuple[str, int | None, str]]:
    result = invoke(["lint", str(workspace), "--format", "json"], code)
    issues = json.loads(result.stdout)["issues"]
    return [(i["code"], i["line"], i["message"]) for i in issues if i["file"].endswith(".csv")]


def _append(workspace: Path, *rows: str) -> int:
    """Append rows to the FX file; the line number of the first one."""
    path = workspace / "fx_rates.csv"
    text = path.read_text("utf-8")
    first = text.count("\n") + 1
    path.write_text(text + "".join(f"{r}\n" for r in rows), "utf-8")
    return first


def test_the_sample_fx_file_lints_clean(tmp_path: Path) -> None:
    assert _lint(_copy(tmp_path), code=0) == []


@pytest.mark.parametrize(
    ("rate", "words"),
    [
        ("0", "is not a positive number"),
        ("-0.0175", "is not a positive number"),
        ("nan", "is not a positive number"),
        ("inf", "is not a positive number"),
        ("1e308", "outside"),
        ("0.0175 USD", "is not a positive number"),
        ("", "is not a positive number"),
    ],
)
def test_a_rate_that_cannot_be_right_is_an_error_at_its_line(
    tmp_path: Path, rate: str, words: str
) -> None:
    workspace = _copy(tmp_path)
    line = _append(workspace, f"2026-11,PHP,USD,{rate}")
    ((code, at, message),) = _lint(workspace)
    assert (code, at) == ("K401", line)
    assert words in message


def test_a_duplicated_rate_is_an_error_at_its_line_in_either_direction(tmp_path: Path) -> None:
    workspace = _copy(tmp_path)
    fx = (workspace / "fx_rates.csv").read_text("utf-8").splitlines()
    original = next(i for i, row in enumerate(fx, 1) if row.startswith(f"{PERIOD},PHP,USD,"))
    line = _append(workspace, f"{PERIOD},PHP,USD,99.0", f"{PERIOD},USD,PHP,57.3")
    found = _lint(workspace)
    assert [(c, at) for c, at, _ in found] == [("K425", line), ("K425", line + 1)]
    assert f"line {original} already gives one" in found[0][2]


def test_random_bytes_are_one_clear_error(tmp_path: Path) -> None:
    workspace = _copy(tmp_path)
    (workspace / "fx_rates.csv").write_bytes(bytes(range(256)) * 4)
    ((code, _, message),) = _lint(workspace)
    assert code == "K400" and "cannot read the FX rates" in message


@pytest.mark.parametrize("row", [f"{PERIOD},PHP,USD,99.0", f"{PERIOD},PHP,USD,0"])
def test_score_never_uses_a_bad_or_duplicated_rate(tmp_path: Path, row: str) -> None:
    """`2026-10,PHP,USD,99.0` appended used to win silently: MNL1's costs times 5,700; a rate
    of 0 dropped MNL1's money KPIs out of every level with exit 0."""
    workspace = _copy(tmp_path)
    line = _append(workspace, row)
    out = tmp_path / "out"
    args = ["score", "--period", PERIOD, "-w", str(workspace), "--out", str(out), "--no-history"]
    for extra in ([], ["--allow-invalid"]):
        result = invoke([*args, *extra], code=2)
        assert f"fx_rates.csv:{line}:1: error K4" in result.stderr
        assert not out.exists()


def _documented_shape() -> tuple[str, str]:
    """The header and the example row the workspace schema gives for the FX file."""
    schema = json.loads((REPO / "schemas" / "workspace.schema.json").read_text("utf-8"))
    described = schema["properties"]["fx_rates"]["description"]
    header, example = re.findall(r"`([^`]+)`", described)[:2]
    return header, example


def test_the_documented_shape_is_the_header_read(tmp_path: Path) -> None:
    """What the schema and the README say the FX file looks like is what lint and score read,
    columns in any order and with a further column, and the rates are the same rates."""
    header, example = _documented_shape()
    readme = (REPO / "README.md").read_text("utf-8")
    assert f"`{header}`" in readme and f"`{example}`" in readme
    columns = header.split(",")
    assert columns == ["period", "from_currency", "to_currency", "rate"]
    workspace = _copy(tmp_path)
    fx = workspace / "fx_rates.csv"
    rows = list(csv.DictReader(io.StringIO(fx.read_text("utf-8"))))
    shuffled = ["rate", "source", "to_currency", "period", "from_currency"]
    out = io.StringIO()
    writer = csv.DictWriter(out, shuffled, lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, "source": "treasury month-end"} for row in rows)
    fx.write_text(out.getvalue(), "utf-8")
    assert _lint(workspace, code=0) == []

    card = tmp_path / "card"
    args = ["score", "--period", PERIOD, "-w", str(workspace), "--out", str(card), "--no-history"]
    invoke(args)
    scopes = read_card(card)["scopes"]
    (glob,) = [s for s in scopes if s["level"] == "global" and s["queue"] is None]
    cost = next(k for k in glob["kpis"] if k["kpi"] == "cost_per_case")
    want = es.expected_card(PERIOD)["global", "global", None].kpis["cost_per_case"].value
    assert cost["value"] == pytest.approx(want, rel=1e-9)


def test_a_file_of_rates_to_the_reporting_currency_is_told_the_header_to_write(
    tmp_path: Path,
) -> None:
    workspace = _copy(tmp_path)
    (workspace / "fx_rates.csv").write_text("period,currency,rate\n2026-10,EUR,1.08\n", "utf-8")
    result = invoke(["lint", str(workspace), "--format", "json"], 1)
    (issue,) = [i for i in json.loads(result.stdout)["issues"] if i["file"].endswith(".csv")]
    assert (issue["code"], issue["line"]) == ("K400", 1)
    assert "lacks from_currency, to_currency" in issue["message"]
    assert issue["expected"] == "period,from_currency,to_currency,rate"
    assert "reporting currency as to_currency" in issue["hint"]
