"""`opsgov capacity` end to end on the sample workspace: its outputs, json, explain, errors."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tests.conftest import REPO, invoke
from tests.support.browser import dump_dom, parse_html

HOSTILE = '<b onmouseover="x">Ops & | Co</b>'


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("capacity") / "ws"
    shutil.copytree(REPO / "sample_data", ws, ignore=shutil.ignore_patterns("out", "history*"))
    settings = ws / "opsgov.yaml"
    text = settings.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name:"))
    settings.write_text(text.replace(name, f"name: '{HOSTILE}'"), encoding="utf-8")
    months = sorted(p.name for p in (ws / "inbox").iterdir() if p.is_dir())[-2:]
    for period in months:
        invoke(["score", "--period", period, "--workspace", str(ws), "-q"])
    return ws


def _history(ws: Path, site: str, queue: str, measure: str) -> list[float]:
    with sqlite3.connect(ws / "history.sqlite") as conn:
        rows = conn.execute(
            "SELECT m.value FROM measures m JOIN scopes s ON s.id = m.scope_id "
            "JOIN runs r ON r.id = s.run_id WHERE s.level = 'site' AND s.scope = ? "
            "AND s.queue = ? AND m.measure = ? ORDER BY r.period",
            (site, queue, measure),
        ).fetchall()
    return [float(v) for (v,) in rows]


def test_plan_json_matches_files_and_the_arithmetic(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    result = invoke(["capacity", "-w", str(workspace), "--out", str(out), "--format", "json"])
    plan = json.loads(result.stdout)
    assert plan == json.loads((out / "capacity.json").read_text(encoding="utf-8"))
    assert {p.name for p in out.iterdir()} == {
        "capacity.json", "capacity.md", "capacity.html", "capacity.xlsx"
    }  # fmt: skip
    # DUB1 general in German: two months of history -> their mean; its declared German share;
    # AHT = handle seconds / items handled; FTE = workload / (hours x occupancy) / (1 - shrinkage)
    cap = yaml.safe_load((workspace / "opsgov.yaml").read_text(encoding="utf-8"))["capacity"]
    share = cap["sites"]["DUB1"]["language_mix"]["general"]["de"]
    volume = _history(workspace, "DUB1", "general", "items_received")
    handle = _history(workspace, "DUB1", "general", "handle_seconds")
    handled = _history(workspace, "DUB1", "general", "items_handled")
    aht = sum(handle) / sum(handled)
    workload = sum(volume) / len(volume) * share * aht / 3600
    expected = workload / (cap["hours_per_fte"] * cap["occupancy_target"]) / (1 - cap["shrinkage"])
    stream = next(
        s
        for s in plan["streams"]
        if (s["site"], s["queue"], s["language"]) == ("DUB1", "general", "de")
    )
    assert stream["months"][0]["fte"] == pytest.approx(expected, rel=1e-9)
    # the site's gap is its summed requirement against HR's closing headcount less attrition
    site = next(s for s in plan["sites"] if s["site"] == "DUB1" and s["queue"] == "")
    first = site["months"][0]
    dub_fte = sum(s["months"][0]["fte"] for s in plan["streams"] if s["site"] == "DUB1")
    assert first["required_fte"] == pytest.approx(dub_fte)
    heads = _history(workspace, "DUB1", "", "hc_end")[-1]
    leavers = sum(_history(workspace, "DUB1", "", "leavers"))
    average = sum(_history(workspace, "DUB1", "", "hc_avg"))
    assert first["headcount"] == pytest.approx(heads * (1 - leavers / average))
    # every figure can be explained; child safety is one site's alone
    assert all(r["explain"] for r in plan["resilience"])
    assert any(f["code"] == "Q806" and "child_safety" in f["message"] for f in plan["findings"])


def test_outputs_are_deterministic_and_self_contained(workspace: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    invoke(["capacity", "-w", str(workspace), "--out", str(first), "-q"])
    invoke(["capacity", "-w", str(workspace), "--out", str(second), "-q"])
    for name in ("capacity.json", "capacity.md", "capacity.html", "capacity.xlsx"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    html = (first / "capacity.html").read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert 'class="heat"' in html and "st-red" in html
    book = load_workbook(first / "capacity.xlsx", read_only=True)
    assert book.sheetnames == [
        "FTE plan", "Forecasts", "Gaps", "Resilience", "Single points", "Findings"
    ]  # fmt: skip
    header = next(book["FTE plan"].iter_rows(max_row=1, values_only=True))
    assert header[:5] == ("Site", "Queue", "Language", "Model", "Row")


def test_text_output_and_explain(workspace: Path, tmp_path: Path) -> None:
    result = invoke(["capacity", "-w", str(workspace), "--out", str(tmp_path)])
    assert "If a site went dark" in result.stdout
    assert "Shrinkage divides" in result.stdout
    explained = invoke(["capacity", "-w", str(workspace), "--explain", "split/general"])
    assert "split/general" in explained.stdout and "one pool" in explained.stdout
    many = invoke(["capacity", "-w", str(workspace), "--explain", "gap/DUB1"])
    assert many.stdout.count("gap/DUB1/") == 6  # one per planned month
    assert "1 - attrition" in many.stdout


def test_unknown_figure_and_missing_settings_are_clear(workspace: Path, tmp_path: Path) -> None:
    bad = invoke(["capacity", "-w", str(workspace), "--explain", "split/genral"], code=2)
    assert "Did you mean `split/general`?" in bad.stderr
    bare = tmp_path / "bare"
    shutil.copytree(workspace, bare, ignore=shutil.ignore_patterns("out", "inbox"))
    settings = bare / "opsgov.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text[: text.index("# Capacity planning")], encoding="utf-8")
    missing = invoke(["capacity", "-w", str(bare)], code=2)
    assert "no `capacity:` settings" in missing.stderr


def test_names_are_inert_in_html_and_markdown(workspace: Path, tmp_path: Path) -> None:
    invoke(["capacity", "-w", str(workspace), "--out", str(tmp_path), "-q"])
    html = (tmp_path / "capacity.html").read_text(encoding="utf-8")
    assert HOSTILE not in html and "&lt;b onmouseover=" in html
    md = (tmp_path / "capacity.md").read_text(encoding="utf-8")
    assert HOSTILE not in md
    # every Markdown table keeps one column count from header to last row
    tables: list[list[str]] = []
    for line in md.splitlines():
        if line.startswith("|"):
            if not tables or not tables[-1]:
                tables.append([])
            tables[-1].append(line)
        elif tables and tables[-1]:
            tables.append([])
    whole = [t for t in tables if t]
    assert len(whole) >= 6  # forecasts, FTE plan, gaps, N-1, single points, splits
    for table in whole:
        cells = {row.replace("\\|", "").count("|") for row in table}
        assert len(cells) == 1, table[:3]


@pytest.mark.slow
def test_chromium_opens_the_plan_without_console_errors(workspace: Path, tmp_path: Path) -> None:
    invoke(["capacity", "-w", str(workspace), "--out", str(tmp_path), "-q"])
    run = dump_dom(tmp_path / "capacity.html")
    assert run.console == [], "\n".join(run.console)
    dom = parse_html(run.stdout)
    assert not dom.find_all("script")
    headings = [h.text() for h in dom.find_all("h2")]
    assert headings[:2] == ["FTE plan by month", "Forecasts"]
    assert headings[2].startswith("Resilience (N-1), ") and headings[3] == "Findings"
    assert HOSTILE in dom.text()


def test_governance_pack_has_a_capacity_section(workspace: Path, tmp_path: Path) -> None:
    plan = json.loads(invoke(["capacity", "-w", str(workspace), "--format", "json",
                              "--out", str(tmp_path / "plan")]).stdout)  # fmt: skip
    period = plan["history_last"]
    md = tmp_path / "pack.md"
    invoke(["report", "governance", "--period", period, "-w", str(workspace), "--format", "md",
            "--out", str(md)])  # fmt: skip
    text = md.read_text(encoding="utf-8")
    section = text.split("## Capacity and resilience", 1)[1]
    # one row per site whose gap triggers, at its first triggered month and hire-by date
    for site in plan["sites"]:
        hit = next((m for m in site["months"] if m["triggered"]), None)
        if hit is not None:
            assert f"| {site['site']} | {hit['period']} |" in section
            assert hit["hire_by"] in section
    assert "single points of failure" in section
    html = tmp_path / "pack.html"
    invoke(["report", "governance", "--period", period, "-w", str(workspace), "--out", str(html)])
    dom = parse_html(html.read_text(encoding="utf-8"))
    assert [h.text() for h in dom.find_all("h2")][-1] == "Capacity and resilience"
