"""`opsgov report`: the governance pack, the vendor QBR and the dashboard, from 15 months of
generated history (`opsgov.history.synthetic`), with hostile names planted in it.

Each report is checked as markup (headings, tables, charts with text alternatives, nothing
fetched, names escaped), as Markdown (tables keep their columns, no raw HTML), and in headless
Chromium (no console error, no script element, the same headings and charts).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from opsgov.history import HistoryStore
from opsgov.history.reports.governance import governance
from opsgov.history.reports.qbr import qbr
from opsgov.history.reports.quarters import evaluate, quarter_measures, rate
from opsgov.history.synthetic import HOSTILE, generate
from opsgov.models.results import KpiInfo, Target
from tests.conftest import REPO, invoke
from tests.support.browser import Element, dump_dom, parse_html

MONTHS = 15
LAST = "2026-10"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

GOVERNANCE_H2 = ["Executive summary", "League tables", "Trend charts", "Data quality"]
QBR_H2 = [
    "1. Executive summary",
    "2. Scorecard",
    "3. Contract SLA attainment",
    "4. Volume and capacity",
    "5. Quality",
    "6. Customer",
    "7. People and wellbeing",
    "8. Compliance and risk",
    "9. Commercials",
    "10. Continuous improvement",
    "11. Action log",
]
DASHBOARD_H2 = ["Global", "Regions", "Vendors", "Sites by KPI status"]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "history.sqlite"
    with HistoryStore.open(path) as store:
        generate(store, sites=8, kpis=10, months=MONTHS, last=LAST, hostile=True)
    return path


REPORTS: dict[str, tuple[list[str], list[str]]] = {
    "governance": (["--period", LAST], GOVERNANCE_H2),
    "qbr": (["--vendor", "v0", "--quarter", "2026Q3"], QBR_H2),
    "dashboard": ([], DASHBOARD_H2),
}


@pytest.fixture(scope="module")
def rendered(store_path: Path) -> dict[tuple[str, str], Path]:
    out = store_path.parent / "out"
    files: dict[tuple[str, str], Path] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", "120")
        for name, (args, _) in REPORTS.items():
            for fmt in ("html", "md"):
                target = out / f"{name}.{fmt}"
                invoke(
                    [
                        "report",
                        name,
                        *args,
                        "--history",
                        str(store_path),
                        "--format",
                        fmt,
                        "--out",
                        str(target),
                        "-q",
                    ]
                )
                files[(name, fmt)] = target
    return files


def charts(dom: Element) -> list[Element]:
    return [s for s in dom.find_all("svg") if s.attrs.get("role") == "img"]


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_html_has_headings_tables_and_charts(
    name: str, rendered: dict[tuple[str, str], Path]
) -> None:
    markup = rendered[(name, "html")].read_text("utf-8")
    dom = parse_html(markup)
    assert len(dom.find_all("h1")) == 1
    assert [h.text() for h in dom.find_all("h2")] == REPORTS[name][1]
    tables = dom.find_all("table")
    assert len(tables) >= 3
    assert all(t.find_all("caption") and t.find_all("th") for t in tables)
    drawn = charts(dom)
    assert len(drawn) >= 6
    for svg in drawn:
        [title] = svg.find_all("title")
        [desc] = svg.find_all("desc")
        assert title.text() and len(desc.text()) > 20
        assert svg.attrs["aria-labelledby"] == f"{title.attrs['id']} {desc.attrs['id']}"
    ids = [e.attrs["id"] for e in dom.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "element ids are unique in the page"


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_html_is_self_contained_and_escapes_names(
    name: str, rendered: dict[tuple[str, str], Path]
) -> None:
    markup = rendered[(name, "html")].read_text("utf-8")
    dom = parse_html(markup)
    assert not dom.find_all("script")
    assert "<script>alert" not in markup
    assert ESCAPED in markup
    assert HOSTILE in dom.text()
    for tag in ("link", "img", "iframe", "object", "embed"):
        assert not dom.find_all(tag)
    for attr in ("src", "href", "xlink:href"):
        for e in dom.iter():
            value = e.attrs.get(attr)
            assert value is None or value.startswith("#"), (attr, value)
    # The only absolute URLs are SVG namespace names, which are never fetched.
    assert set(re.findall(r"https?://[^\s\"')]+", markup)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    assert "@import" not in markup and "url(http" not in markup


def md_tables(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_markdown_keeps_tables_whole_and_names_inert(
    name: str, rendered: dict[tuple[str, str], Path]
) -> None:
    text = rendered[(name, "md")].read_text("utf-8")
    headings = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("## ")]
    assert headings == REPORTS[name][1]
    assert "<script>" not in text and "\\<script\\>" in text
    tables = md_tables(text)
    assert len(tables) >= 3
    for table in tables:
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table}
        assert len(widths) == 1, table[:3]
        assert set(table[1]) <= set("|-: ")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_chromium_opens_each_report_without_console_errors(
    name: str, rendered: dict[tuple[str, str], Path]
) -> None:
    page = rendered[(name, "html")]
    run = dump_dom(page)
    assert run.console == [], "\n".join(run.console)
    dom = parse_html(run.stdout)
    assert not dom.find_all("script")
    assert [h.text() for h in dom.find_all("h2")] == REPORTS[name][1]
    assert len(dom.find_all("table")) >= 3
    assert len(charts(dom)) == len(charts(parse_html(page.read_text("utf-8"))))
    assert HOSTILE in dom.text()


def test_rendering_is_deterministic(store_path: Path, tmp_path: Path) -> None:
    outputs = []
    for i in range(2):
        target = tmp_path / f"g{i}.html"
        invoke(
            [
                "report",
                "governance",
                "--period",
                LAST,
                "--history",
                str(store_path),
                "--out",
                str(target),
                "-q",
            ]
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_a_template_directory_overrides_a_report(store_path: Path, tmp_path: Path) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    (own / "governance.html.j2").write_text(
        '{% extends "builtin:governance.html.j2" %}{% block eyebrow %}Board pack{% endblock %}',
        "utf-8",
    )
    target = tmp_path / "g.html"
    invoke(
        [
            "report",
            "governance",
            "--period",
            LAST,
            "--history",
            str(store_path),
            "--template-dir",
            str(own),
            "--out",
            str(target),
            "-q",
        ]
    )
    text = target.read_text("utf-8")
    assert "Board pack" in text and "Executive summary" in text


def test_out_folder_and_default_names(store_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for args in (["dashboard"], ["qbr", "--vendor", "v1", "--quarter", "2026q4"]):
        invoke(["report", *args, "--history", str(store_path), "--out", str(folder), "-q"])
    assert sorted(p.name for p in folder.iterdir()) == [
        "dashboard-2026-10.html",
        "qbr-v1-2026Q4.html",
    ]


def test_report_errors_are_clear(store_path: Path) -> None:
    base = ["--history", str(store_path)]
    unknown = invoke(["report", "qbr", "--vendor", "nobody", "--quarter", "2026Q3", *base], 2)
    assert "no vendor 'nobody'" in unknown.stderr
    empty = invoke(["report", "qbr", "--vendor", "v0", "--quarter", "2020Q1", *base], 2)
    assert "no month of 2020 Q1" in empty.stderr
    assert (
        "YYYYQn" in invoke(["report", "qbr", "--vendor", "v0", "--quarter", "Q3", *base], 2).stderr
    )
    assert "no 2030-01" in invoke(["report", "governance", "--period", "2030-01", *base], 2).stderr


def test_governance_finds_the_planted_events(store_path: Path) -> None:
    with HistoryStore.open(store_path, create=False) as store:
        ctx: dict[str, Any] = governance(store, LAST, report_date="2026-11-05", charts=False)
    worse = {(s.scope, s.kpi) for s in ctx["signals"] if s.favourable is False}
    assert ("Site S002 Site 2", "Synthetic KPI 00 (rate)") in worse
    assert ("Vendor Vendor 1", "Synthetic KPI 01 (defect rate)") in worse
    quality = {q.vendor: q for q in ctx["quality"]}
    assert quality[HOSTILE].invalid == ["S006"]  # v0's site 6 sent errors in the last month
    assert quality["Vendor 4"].months_missing == 1  # site 4 missed one month of the last 12
    assert quality["Vendor 5"].months_late == 1
    assert ctx["playbooks"] == []
    assert all(c.svg is None and c.description for c in ctx["charts"])


def test_quarter_values_are_ratios_of_the_quarters_sums(store_path: Path) -> None:
    with HistoryStore.open(store_path, create=False) as store:
        rows = store.conn.execute(
            "SELECT r.period, m.measure, m.value FROM measures m JOIN scopes s "
            "ON s.id = m.scope_id JOIN runs r ON r.id = s.run_id WHERE s.level = 'vendor' "
            "AND s.scope = 'v1' AND r.period BETWEEN '2026-07' AND '2026-09' "
            "AND m.measure IN ('k00_num', 'k00_den')"
        ).fetchall()
        ctx = qbr(store, "v1", 2026, 3, report_date="2026-10-05", charts=False)
    num = sum(v for _, m, v in rows if m == "k00_num")
    den = sum(v for _, m, v in rows if m == "k00_den")
    assert ctx["by_id"]["k00"].value == f"{num / den * 100:,.1f} %"
    assert ctx["prior_quarter"] == "2026 Q2" and ctx["last_year_quarter"] == "2025 Q3"
    assert [m for m, _, _ in ctx["composite"]["months"]] == ["2026-07", "2026-08", "2026-09"]


def test_quarter_roll_up_rules_and_rating() -> None:
    monthly: dict[str, dict[str, float | None]] = {
        "2026-07": {"num": 9.0, "den": 10.0, "open": 5.0, "peak": 3.0},
        "2026-08": {"num": 10.0, "den": 100.0, "open": 7.0, "peak": 8.0},
        "2026-09": {"num": None, "den": None, "open": 9.0, "peak": 4.0},
    }
    rules = {"num": "sum", "den": "sum", "open": "snapshot_end", "peak": "max"}
    months = ["2026-07", "2026-08", "2026-09"]
    measures = quarter_measures(monthly, months, rules)
    assert measures == {"num": 19.0, "den": 110.0, "open": 9.0, "peak": 8.0}
    assert quarter_measures(monthly, months, {"open": "snapshot_avg", "peak": "min"}) == {
        "num": 19.0,
        "den": 110.0,
        "open": 7.0,
        "peak": 3.0,
    }
    info = KpiInfo(
        id="rate",
        name="Rate",
        category=None,
        formula="num / den",
        unit="percent",
        format="percent",
        direction="higher_is_better",
        owner="",
        description="",
        weight=0,
    )
    double = info.model_copy(update={"id": "double", "formula": "rate * 2"})
    values = evaluate([double, info], measures)
    assert values["rate"] == pytest.approx(19 / 110)  # not (0.9 + 0.1) / 2
    assert values["double"] == pytest.approx(38 / 110)
    target = Target(
        target=0.5,
        green=0.5,
        amber=0.2,
        band_green=None,
        band_amber=None,
        floor=None,
        min_sample=None,
        source="framework",
    )
    assert rate("higher_is_better", values["rate"], target) == "red"
    assert rate("lower_is_better", values["rate"], target) == "green"
    assert rate("higher_is_better", None, target) == "no_data"


def test_reports_from_the_sample_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(REPO / "sample_data", ws, ignore=shutil.ignore_patterns("out", "history*"))
    for period in ("2026-09", "2026-10"):
        invoke(["score", "--period", period, "--workspace", str(ws), "-q"])
    invoke(["report", "governance", "--period", "2026-10", "--workspace", str(ws), "-q"])
    invoke(
        [
            "report",
            "qbr",
            "--vendor",
            "acme_bpo",
            "--quarter",
            "2026Q4",
            "-f",
            "md",
            "--workspace",
            str(ws),
            "-q",
        ]
    )
    invoke(["report", "dashboard", "--workspace", str(ws), "-q"])
    html = (ws / "out" / "2026-10" / "governance-2026-10.html").read_text("utf-8")
    assert "Too few months for control limits" in html
    # The QBR's folder is named by its quarter, not by the quarter's last month (2026-12).
    qbr_md = (ws / "out" / "2026Q4" / "qbr-acme_bpo-2026Q4.md").read_text("utf-8")
    assert "2026 Q4 (1 of 3 months: 2026-10)" in qbr_md
    assert not (ws / "out" / "2026-12").exists()
    # What the dashboard says is checked in tests/cli/test_sample_reports.py.
    assert "executive dashboard 2026-10" in (
        ws / "out" / "2026-10" / "dashboard-2026-10.html"
    ).read_text("utf-8")
