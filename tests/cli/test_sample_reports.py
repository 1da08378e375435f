"""The history reports of the sample workspace, checked as a reader checks them.

The sample's thirteen months are scored into a copy of the workspace, and the governance pack,
the QBR and the dashboard are read back (HTML parsed, Markdown split into its tables). Every
expected status, value, streak and order comes from the ground truth
(`tests.support.expected_score`, which computes each month's scorecard without opsgov's code),
never from opsgov's own output.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import REPO, invoke
from tests.support import expected_score as es
from tests.support import sample_month as sm
from tests.support.browser import Element, parse_html

LAST = "2026-10"
MONTHS = sorted(sm.SEEDS)
LEVELS = ("global", "region", "vendor", "site")
UNIT = {"percent": 0.001, "count": 1.0, "hours": 0.1, "currency": 0.01, "mm:ss": 1.0}
"""The smallest change each display format shows (0.1 pp, one item, 0.1 h, a cent, a second)."""


@cache
def card(period: str) -> dict[es.ScopeKey, es.ExpectedScope]:
    return es.expected_card(period)


def kpis() -> dict[str, tuple[str, str, str]]:
    """KPI id -> (name, direction, format), composite first."""
    out = {"composite": ("Composite score", "higher_is_better", "decimal")}
    for k in sm.framework().kpis:
        out[k.id] = (k.name, k.direction, k.format)
    return out


def label(level: str, scope_id: str) -> str:
    reg = sm.registry()
    if level == "global":
        return "Global"
    if level == "site":
        site = reg.site(scope_id)
        assert site is not None
        return f"Site {scope_id} {site.name}"
    found = reg.regions if level == "region" else reg.vendors
    return f"{level.title()} {next(x.name for x in found if x.id == scope_id)}"


def status(scope: es.ExpectedScope, kpi: str) -> str:
    return scope.status if kpi == "composite" else scope.kpis[kpi].status


def value(scope: es.ExpectedScope, kpi: str) -> float | None:
    return scope.composite if kpi == "composite" else scope.kpis[kpi].value


def streak(key: es.ScopeKey, kpi: str, last: str = LAST) -> int:
    count = 0
    for period in reversed([m for m in MONTHS if m <= last]):
        scope = card(period).get(key)
        if scope is None or status(scope, kpi) != "red":
            break
        count += 1
    return count


def band(t: es.ExpectedTarget) -> float | None:
    if t.band_green is not None:
        return t.band_green[1] - t.band_green[0]
    if t.green is None or t.amber is None or t.green == t.amber:
        return None
    return abs(t.green - t.amber)


def depth(kpi: str, scope: es.ExpectedScope) -> float:
    if kpi == "composite":
        assert scope.composite is not None
        return max(70.0 - scope.composite, 0.0) / 15.0
    k = scope.kpis[kpi]
    width = band(k.target)
    if width is None or k.value is None or k.target.amber is None:
        return 0.0
    higher = kpis()[kpi][1] == "higher_is_better"
    past = k.target.amber - k.value if higher else k.value - k.target.amber
    return max(past, 0.0) / width


def expected_red() -> list[tuple[str, str, int, str, int]]:
    """(KPI, widest red scope, months red, severity, scopes red) in the order a reader wants."""
    now = card(LAST)
    rows = []
    for position, kpi in enumerate(kpis()):
        reds = [
            (LEVELS.index(key[0]), -streak(key, kpi), -depth(kpi, s), label(key[0], key[1]))
            for key, s in now.items()
            if key[2] is None and status(s, kpi) == "red"
        ]
        if not reds:
            continue
        reds.sort()
        level, months, neg_depth, where = reds[0]
        severe = -neg_depth >= 1.0
        rows.append(
            (
                (not severe, months, level, -len(reds), neg_depth, position),
                (kpis()[kpi][0], where, -months, "severe" if severe else "red", len(reds)),
            )
        )
    return [row for _, row in sorted(rows)]


def score_months(ws: Path, months: list[str]) -> None:
    for period in months:
        invoke(["score", "--period", period, "--workspace", str(ws), "-q"])


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample workspace with all thirteen months scored."""
    ws = tmp_path_factory.mktemp("sample") / "ws"
    shutil.copytree(REPO / "sample_data", ws, ignore=shutil.ignore_patterns("out", "history*"))
    score_months(ws, MONTHS)
    return ws


def report(ws: Path, *args: str, fmt: str = "html") -> Path:
    target = ws / "reports" / f"{'-'.join(args)}.{fmt}"
    invoke(["report", *args, "--workspace", str(ws), "--format", fmt, "--out", str(target), "-q"])
    return target


def rows(table: Element) -> Iterator[list[str]]:
    for tr in table.find_all("tr"):
        cells = [c.text().strip() for c in tr.iter() if c.tag in ("td", "th")]
        if cells and not tr.find_all("th", scope="col"):
            yield cells


def table(dom: Element, caption: str) -> Element:
    found = [t for t in dom.find_all("table") if caption in t.find_all("caption")[0].text()]
    assert len(found) == 1, caption
    return found[0]


def test_what_is_red_is_one_row_per_kpi_worst_first(year: Path) -> None:
    dom = parse_html(report(year, "governance", "--period", LAST).read_text("utf-8"))
    shown = [
        (r[1], r[2], int(r[5]), r[6], 1 + (len(r[7].split("), ")) if r[7] != "\u2014" else 0))
        for r in rows(table(dom, "What is red"))
    ]
    assert shown == expected_red()
    # The planted story: Manila's SLA slid under Acme's contract minimum in 2026-02.
    mnl1 = [r for r in rows(table(dom, "What is red")) if r[1] == "Turnaround SLA attainment"]
    assert "Site MNL1 Manila (9 months)" in mnl1[0][7]
    assert streak(("site", "MNL1", None), "sla_attain") == 9


def test_summary_opens_with_the_worst_reds_then_the_real_movements(year: Path) -> None:
    dom = parse_html(report(year, "governance", "--period", LAST).read_text("utf-8"))
    [key] = dom.find_all("ol")
    points = [li.text() for li in key.find_all("li")]
    first = expected_red()[0]
    assert points[0].startswith(f"{first[0]}: ")
    assert f"at {first[1]} for {first[2]} months in a row" in points[0]
    movements = list(rows(table(dom, "Largest movements")))
    real = [m for m in movements if m[5].startswith("signal")]
    assert movements[: len(real)] == real, "real signals come before noise"
    news = {"better": ", better", "worse": ", worse", "neutral": ""}
    expected = []
    for m in real[:3]:
        change, word = m[4].rsplit(" ", 1)
        expected.append(f"{m[1]}, {m[0]}: {m[2]} to {m[3]} ({change}{news[word]}), a real signal.")
    assert points[3:] == expected


@pytest.fixture(scope="module")
def two_months(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample workspace with only 2026-09 and 2026-10 scored: too short for limits."""
    ws = tmp_path_factory.mktemp("short") / "ws"
    shutil.copytree(REPO / "sample_data", ws, ignore=shutil.ignore_patterns("out", "history*"))
    score_months(ws, ["2026-09", LAST])
    return ws


def movement_sizes() -> dict[tuple[str, str], float]:
    """(scope, KPI) -> |change| over the KPI's amber band (composite: 15 points), 2026-09 to 10."""
    before, now = card("2026-09"), card(LAST)
    out: dict[tuple[str, str], float] = {}
    for key, scope in now.items():
        if key[2] is not None:
            continue
        for kpi, (name, _, fmt) in kpis().items():
            if key[0] != "global" and kpi != "composite":
                continue
            a, b = value(before[key], kpi), value(scope, kpi)
            if a is None or b is None:
                continue
            change = b - a
            if abs(change) < UNIT.get(fmt, 0.1) / 2:
                continue  # shows as unchanged
            width = 15.0 if kpi == "composite" else band(scope.kpis[kpi].target)
            size = abs(change) / width if width else abs(change) / abs(a) if a else abs(change)
            out[label(key[0], key[1]), name] = size
    return out


def test_movements_are_ranked_by_size_when_the_history_is_too_short(two_months: Path) -> None:
    dom = parse_html(report(two_months, "governance", "--period", LAST).read_text("utf-8"))
    shown = list(rows(table(dom, "Largest movements")))
    sizes = movement_sizes()
    assert all(r[5] == "too few months to tell signal from noise" for r in shown)
    expected = sorted(sizes, key=lambda k: -sizes[k])[: len(shown)]
    assert [(r[0], r[1]) for r in shown] == expected
    # Attrition rose 0.9 pp against an amber band of 2 pp: it is among the largest.
    attrition = next(r for r in shown if r[1] == "Monthly attrition")
    assert attrition[4].startswith("+0.9 pp")


def test_dashboard_tiles_and_heat_map_hold_the_months_numbers(year: Path) -> None:
    dom = parse_html(report(year, "dashboard").read_text("utf-8"))
    now, before = card(LAST), card("2026-09")
    glob, prev = now["global", "global", None], before["global", "global", None]
    tiles = {
        t.find_all("h3")[0].text(): t.text()
        for t in dom.iter("div")
        if "tile" in t.attrs.get("class", "")
    }
    assert f"{glob.composite:.1f}" in tiles["Composite score"]
    sla = glob.kpis["sla_attain"]
    assert sla.value is not None
    assert f"{sla.value * 100:.1f} %" in tiles["Turnaround SLA attainment"]
    assert "Red" in tiles["Turnaround SLA attainment"]
    for kpi, (name, _, fmt) in kpis().items():
        if name not in tiles or kpi == "composite":
            continue
        a, b = prev.kpis[kpi].value, glob.kpis[kpi].value
        assert a is not None and b is not None
        if abs(b - a) < UNIT.get(fmt, 0.01) / 2:
            assert "unchanged" in tiles[name], name
            assert "worse" not in tiles[name] and "better" not in tiles[name], name
        assert "\u00b1" not in tiles[name]
    heat = table(dom, "Heat map")
    header = [th.text() for th in heat.find_all("th", scope="col")][2:]
    ids = {name: kid for kid, (name, _, _) in kpis().items()}
    for row in heat.find_all("tr")[1:]:
        site_id = row.find_all("th")[0].text().split()[0]
        scope = now["site", site_id, None]
        cells = row.find_all("td")[1:]
        for name, cell in zip(header, cells, strict=True):
            k = scope.kpis[ids[name]]
            assert cell.attrs["class"] == f"st-{k.status}", (site_id, name)
            if k.value is not None and kpis()[ids[name]][2] == "percent":
                assert f"{k.value * 100:.1f}" in cell.text(), "the value is printed, not hover-only"


SLA_WORD = {"green": "met", "amber": "below target", "red": "missed"}


def test_a_partial_quarter_says_which_months_it_holds(year: Path) -> None:
    dom = parse_html(report(year, "qbr", "--vendor", "acme_bpo", "--quarter", "2026Q4").read_text())
    meta = {
        dt.text(): dd.text() for dt, dd in zip(dom.find_all("dt"), dom.find_all("dd"), strict=True)
    }
    assert meta["Quarter"] == "2026 Q4 (1 of 3 months: 2026-10)"
    assert meta["Compared with"] == (
        "2026 Q3, the same month: 2026-07; 2025 Q4, the same month: 2025-10"
    )
    [scorecard] = [t for t in dom.find_all("table") if "Every KPI" in t.text()]
    head = [th.text() for th in scorecard.find_all("th", scope="col")]
    assert head[1] == "2026 Q4 (2026-10)" and "2026 Q3 (2026-07)" in head
    # Volume is compared like with like: October against July, not against all of Q3.
    handled = next(r for r in rows(scorecard) if r[0] == "Volume handled")
    truth = {
        p: sum(
            r.values["items_handled"]
            for s in ("MNL1", "HYD1")
            for r in sm.make_ground_truth(p, sm.SEEDS[p]).rows(s)
        )
        for p in ("2026-10", "2026-07")
    }
    assert handled[1] == f"{truth['2026-10']:,}" and handled[4] == f"{truth['2026-07']:,}"
    titles = [h.text() for h in dom.find_all("h4")]
    assert titles and all(t.endswith("13 months to 2026-10") for t in titles)


def test_wins_and_issues_never_share_a_kpi(year: Path) -> None:
    for vendor in ("acme_bpo", "teleworks", "inhouse", "latam_cx"):
        for quarter in ("2026Q3", "2026Q4"):
            page = report(year, "qbr", "--vendor", vendor, "--quarter", quarter).read_text()
            dom = parse_html(page)
            lists = {}
            for h3 in ("Wins", "Issues"):
                section = page.split(f"<h3>{h3}</h3>", 1)[1].split("<h3>", 1)[0]
                lists[h3] = {li.text().split(":")[0] for li in parse_html(section).find_all("li")}
            assert not lists["Wins"] & lists["Issues"], (vendor, quarter)
            assert dom.find_all("h3")  # the page rendered


def test_sla_attainment_lists_only_the_contracts_service_levels(year: Path) -> None:
    acme = parse_html(
        report(year, "qbr", "--vendor", "acme_bpo", "--quarter", "2026Q3").read_text()
    )
    sla = table(acme, "Contract service levels")
    shown = list(rows(sla))
    # The workspace's only contract term for Acme: SLA attainment, target 92 %, minimum 88 %.
    assert [r[:4] for r in shown] == [
        ["Turnaround SLA attainment", "Vendor Acme BPO Services", "92.0 %", "88.0 %"]
    ]
    for month, cell in zip(["2026-07", "2026-08", "2026-09"], shown[0][4:], strict=True):
        k = card(month)["vendor", "acme_bpo", None].kpis["sla_attain"]
        assert k.value is not None
        assert cell == f"{SLA_WORD[k.status]} {k.value * 100:.1f} %", month
    inhouse = parse_html(
        report(year, "qbr", "--vendor", "inhouse", "--quarter", "2026Q3").read_text()
    )
    [dub1] = list(rows(table(inhouse, "Contract service levels")))
    assert dub1[:4] == ["Average handle time", "Site DUB1 Dublin", "09:00", "12:00"]
    for month, cell in zip(["2026-07", "2026-08", "2026-09"], dub1[4:], strict=True):
        k = card(month)["site", "DUB1", None].kpis["aht"]
        assert cell.startswith(SLA_WORD[k.status] + " "), month
    teleworks = report(year, "qbr", "--vendor", "teleworks", "--quarter", "2026Q3").read_text()
    assert "declares no contract service level for Teleworks Global" in teleworks
    assert "Contract service levels by month" not in teleworks


def pdf_pages(path: Path) -> list[str]:
    import unicodedata

    from pypdf import PdfReader

    # NFKC: a printed "fi" ligature reads back as the two letters it stands for.
    pages = [unicodedata.normalize("NFKC", page.extract_text()) for page in PdfReader(path).pages]
    return ["\n".join(line.strip() for line in text.splitlines()) for text in pages]


def quarter_sla(vendor: str, months: list[str]) -> float:
    within = sum(card(m)["vendor", vendor, None].measures["items_within_sla"] for m in months)
    eligible = sum(card(m)["vendor", vendor, None].measures["items_sla_eligible"] for m in months)
    return within / eligible


@pytest.fixture(scope="module")
def pack(year: Path) -> Path:
    target = year / "reports" / "pack.pdf"
    invoke(
        [
            "report",
            "pdf",
            "--period",
            LAST,
            "--vendor",
            "acme_bpo",
            "--quarter",
            "2026Q3",
            "--workspace",
            str(year),
            "--out",
            str(target),
            "-q",
        ]
    )
    return target


def test_the_pdf_pack_is_paginated_with_period_and_page_numbers(pack: Path) -> None:
    pages = pdf_pages(pack)
    total = len(pages)
    assert total > 5
    for number, text in enumerate(pages, start=1):
        footer = text.strip().splitlines()[-2:]
        assert footer[-1] == f"page {number} of {total}", footer
        assert footer[0].endswith(f"period {LAST}"), footer
    # Each report starts on a page of its own, its title first.
    starts = {
        name: next(i for i, t in enumerate(pages) if t.lstrip().startswith(name))
        for name in (
            f"Example Global T&S Operations: scorecard {LAST}",
            f"Example Global T&S Operations: governance pack {LAST}",
            "Acme BPO Services: QBR 2026 Q3",
        )
    }
    assert list(starts.values()) == sorted(starts.values()) and starts[next(iter(starts))] == 0


def test_the_pdf_pack_holds_the_months_numbers(pack: Path) -> None:
    text = "\n".join(pdf_pages(pack))
    glob = card(LAST)["global", "global", None]
    assert f"Example Global T&S Operations\n{glob.composite:.1f}\nRed" in text
    sla = glob.kpis["sla_attain"].value
    assert sla is not None and f"Turnaround SLA attainment\n{sla * 100:.1f} %" in text
    first = expected_red()[0]
    assert f"\n1\n{first[0]}\n{first[1]}\n" in text  # the first row of what is red
    q3 = quarter_sla("acme_bpo", ["2026-07", "2026-08", "2026-09"])
    assert f"Turnaround SLA attainment (contract)\n{q3 * 100:.1f} %" in text


@pytest.mark.slow
def test_libreoffice_opens_the_pdf_and_reads_its_numbers(pack: Path, tmp_path: Path) -> None:
    import zipfile

    from tests.support.libreoffice import convert

    drawing = convert(pack, "odg", tmp_path)
    content = zipfile.ZipFile(drawing).read("content.xml").decode("utf-8")
    glob = card(LAST)["global", "global", None]
    assert f">{glob.composite:.1f}<" in content
    assert "Acme BPO Services: QBR 2026 Q3" in content


@pytest.fixture(scope="module")
def deck(year: Path) -> Path:
    return report(year, "qbr", "--vendor", "acme_bpo", "--quarter", "2026Q3", fmt="pptx")


def test_the_qbr_deck_has_native_charts_of_the_months_values(deck: Path) -> None:
    from pptx import Presentation

    slides = list(Presentation(str(deck)).slides)
    titles = [s.shapes.title.text for s in slides if s.shapes.title is not None]
    assert titles[0] == "Acme BPO Services: QBR 2026 Q3"
    assert titles[1] == "Executive summary"
    charts = {
        s.shapes.title.text: shape.chart for s in slides for shape in s.shapes if shape.has_chart
    }
    months = [m for m in MONTHS if m <= "2026-09"]
    chart = charts[f"Turnaround SLA attainment: {len(months)} months to 2026-09"]
    assert list(chart.plots[0].categories) == months
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    expected = [card(m)["vendor", "acme_bpo", None].kpis["sla_attain"].value for m in months]
    assert series["value"] == pytest.approx(expected, rel=1e-9)
    assert series["target"] == pytest.approx([0.92] * len(months))  # Acme's contract target
    assert {"centre line", "upper limit", "lower limit"} <= set(series)


@pytest.mark.slow
def test_libreoffice_opens_the_deck_and_reads_its_numbers(deck: Path, tmp_path: Path) -> None:
    from tests.support.libreoffice import convert

    text = "\n".join(pdf_pages(convert(deck, "pdf", tmp_path)))
    assert "Acme BPO Services: QBR" in text
    q3 = quarter_sla("acme_bpo", ["2026-07", "2026-08", "2026-09"])
    assert f"{q3 * 100:.1f} %" in text
    assert "Contract SLA attainment" in text


@pytest.mark.slow
def test_printed_reports_show_every_value(year: Path, tmp_path: Path) -> None:
    from tests.support.browser import print_to_pdf

    dashboard = report(year, "dashboard")
    printed = tmp_path / "dashboard.pdf"
    print_to_pdf(dashboard, printed)
    text = " ".join(" ".join(pdf_pages(printed)).split())
    now = card(LAST)
    # The heat map prints each site's value (not only on hover), for every site.
    for site in sm.LIVE_SITES:
        k = now["site", site, None].kpis["sla_attain"]
        assert k.value is not None and f"{k.value * 100:.1f} %" in text, site
    governance = report(year, "governance", "--period", LAST)
    printed = tmp_path / "governance.pdf"
    print_to_pdf(governance, printed)
    text = " ".join(" ".join(pdf_pages(printed)).split())
    # The widest table's last column is on the page, not cut off by a scroll box.
    assert "Also red at" in text
    assert "Region Asia Pacific (13 months)" in text
