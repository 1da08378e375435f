"""`scorecard.html`: one self-contained page that fetches and runs nothing, escapes vendor data,
is accessible and printable, renders in a real browser, and is the same bytes every time."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest

from opsgov.models.results import ScopeResult, Scorecard
from opsgov.pipeline import load_definitions, score
from opsgov.render.env import environment
from opsgov.render.formatting import STATUS_LABEL, format_score
from opsgov.render.html import axis, render_html
from tests.conftest import REPO, invoke
from tests.support.browser import Element, dump_dom, parse_html, screenshot
from tests.support.scorecard_file import read_card

WORKSPACE = REPO / "sample_data"
PERIOD = "2026-10"
REPORT_DATE = "2026-11-05"
SITES = ("DUB1", "LIS1", "MNL1", "HYD1", "KUL1", "AUS1", "BOG1", "GDL1")
XSS_SITE = "<script>alert(1)</script>"
XSS_VENDOR = '=HYPERLINK("http://x","y")'


def run_score(workspace: Path, out: Path) -> Path:
    invoke(
        [
            "score",
            "--period",
            PERIOD,
            "--workspace",
            str(workspace),
            "--out",
            str(out),
            "--report-date",
            REPORT_DATE,
            "--quiet",
            "--no-history",
        ]
    )
    return out


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_score(WORKSPACE, tmp_path_factory.mktemp("sample-out"))


@pytest.fixture(scope="module")
def sample_html(sample_out: Path) -> str:
    return (sample_out / "scorecard.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample_card() -> Scorecard:
    defs = load_definitions(WORKSPACE)
    return score(defs, period=PERIOD, report_date=REPORT_DATE).card


@pytest.fixture(scope="module")
def xss_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample workspace with a site named like a script and a vendor like a formula."""
    workspace = tmp_path_factory.mktemp("xss") / "workspace"
    shutil.copytree(WORKSPACE, workspace, ignore=_outputs)
    registry = workspace / "registry.yaml"
    text = registry.read_text(encoding="utf-8")
    assert text.count("    name: Dublin\n") == 1
    assert text.count("name: In-house operations,") == 1
    text = text.replace("    name: Dublin\n", f"    name: '{XSS_SITE}'\n")
    text = text.replace("name: In-house operations,", f"name: '{XSS_VENDOR}',")
    registry.write_text(text, encoding="utf-8")
    return run_score(workspace, workspace / "out-html")


def _outputs(folder: str, names: list[str]) -> list[str]:
    """Leave out the sample workspace's own outputs when copying it."""
    return ["out"] if Path(folder) == WORKSPACE and "out" in names else []


def site_cards(page: Element) -> dict[str, Element]:
    """The site cards by site id, in page order."""
    return {
        c.find_all("h3")[0].text().split()[1]: c for c in page.find_all("section", class_="site")
    }


def league_rows(page: Element) -> list[Element]:
    [table] = page.find_all("table", class_="league")
    [body] = table.find_all("tbody")
    return body.find_all("tr")


# Self-contained: nothing fetched, nothing run.

RESOURCE = re.compile(r"""\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*([^"'\s>]*)""")


def test_sample_html_has_no_script_and_fetches_nothing(sample_html: str) -> None:
    lowered = sample_html.lower()
    assert sample_html.startswith("<!DOCTYPE html>\n")
    assert "<script" not in lowered
    assert "http://" not in lowered and "https://" not in lowered
    assert "@import" not in lowered
    assert "url(" not in lowered
    for tag in ("<link", "<img", "<iframe", "<object", "<embed", "<base", "<form"):
        assert tag not in lowered, tag
    for target in RESOURCE.findall(sample_html):
        assert target.startswith("#"), f"a reference that leaves the page: {target!r}"
    for tag in re.findall(r"<[a-zA-Z][^>]*>", sample_html):
        assert not re.search(r"\son[a-z]+\s*=", tag, re.IGNORECASE), f"an event handler: {tag}"


def test_sample_html_forbids_scripts_and_requests_in_its_policy(sample_html: str) -> None:
    page = parse_html(sample_html)
    [policy] = page.find_all("meta", **{"http-equiv": "Content-Security-Policy"})
    directives = {d.strip().split()[0]: d.strip() for d in policy.attrs["content"].split(";")}
    assert directives["default-src"] == "default-src 'none'"
    assert "script-src" not in directives


def ranked_sites(card: Scorecard) -> list[ScopeResult]:
    return sorted(
        (s for s in card.scopes if s.level == "site" and s.queue is None),
        key=lambda s: (s.rank or 999, s.id),
    )


def test_league_table_lists_all_eight_sites_by_rank(
    sample_html: str, sample_card: Scorecard
) -> None:
    rows = league_rows(parse_html(sample_html))
    assert len(rows) == len(SITES)
    ranked = ranked_sites(sample_card)
    assert sorted(s.id for s in ranked) == sorted(SITES)
    assert [int(r.find_all("td")[0].text()) for r in rows] == list(range(1, len(SITES) + 1))
    assert [r.find_all("th")[0].text() for r in rows] == [f"{s.id} {s.name}" for s in ranked]
    best = ranked[0]
    assert best.composite is not None and best.previous_composite is not None
    first = [c.text() for c in rows[0].find_all("td")]
    assert first[1:] == [
        "Teleworks Global",
        "Asia Pacific",
        format_score(best.composite),
        f"\u25cf {STATUS_LABEL[best.status]}",
        f"{best.composite - best.previous_composite:+.1f}",
    ]


def test_sample_html_has_header_sections_cards_and_charts(
    sample_html: str, sample_card: Scorecard
) -> None:
    page = parse_html(sample_html)
    [h1] = page.find_all("h1")
    assert h1.text() == "Example Global T&S Operations: 2026-10"
    meta = {
        dt.text(): dd.text()
        for dt, dd in zip(page.find_all("dt"), page.find_all("dd"), strict=True)
        if dt.text() in {"Period", "Compared with", "Framework", "Currency", "Report date"}
    }
    assert meta == {
        "Period": "2026-10",
        "Compared with": "2026-09",
        "Framework": "trust_safety 2026.1",
        "Currency": "USD",
        "Report date": REPORT_DATE,
    }
    h2 = [h.text() for h in page.find_all("h2")]
    for wanted in (
        "Findings",
        "Overall and regions",
        "Vendors",
        "League table of sites",
        "KPIs, whole operation",
        "Scored KPIs by site, against target",
        "By queue, whole operation",
        "Sites",
    ):
        assert wanted in h2
    assert list(site_cards(page)) == [s.id for s in ranked_sites(sample_card)]
    # No rows were left out of the sample month: no banner.
    assert not page.find_all("p", class_="banner")
    assert "left out" not in sample_html


def test_site_card_marks_override_targets_and_breaks_down_queues(sample_html: str) -> None:
    page = parse_html(sample_html)
    cards = site_cards(page)
    mnl1 = cards["MNL1"]
    [kpis, queues] = mnl1.find_all("table")
    row = next(r for r in kpis.find_all("tr") if r.text().startswith("Turnaround SLA attainment"))
    cells = [c.text() for c in row.find_all("td")]
    assert cells[:3] == ["84.2 %", "92.0 % override", "\u25a0 Red"]
    assert "Acme master services agreement" in mnl1.text()
    assert [th.text() for th in queues.find_all("thead")[0].find_all("th")] == [
        "KPI",
        "child_safety",
        "general",
    ]
    assert cards["KUL1"].find_all("span", class_="ovr") == []
    assert "No per-queue figures" in cards["BOG1"].text()


def test_every_scored_kpi_has_a_chart_with_a_bar_per_site_and_target_markers(
    sample_html: str, sample_card: Scorecard
) -> None:
    page = parse_html(sample_html)
    scored = [k for k in sample_card.kpis if k.category is not None and k.weight > 0]
    figures = page.find_all("figure", class_="chart")
    assert [f.find_all("figcaption")[0].children[0] for f in figures] == [k.name for k in scored]
    sla = figures[[k.id for k in scored].index("sla_attain")]
    [svg] = sla.find_all("svg")
    assert svg.attrs["role"] == "img"
    groups = [g for g in svg.find_all("g") if g.find_all("text", class_="site")]
    assert len(groups) == len(SITES)
    assert len(svg.find_all("line", class_="marker")) == len(SITES)
    # HYD1 and MNL1 have Acme's 92 % target: their markers say so, and so does the chart.
    assert len(svg.find_all("line", class_="override")) == 2
    assert "HYD1 92.0 %, MNL1 92.0 %" in sla.text()
    [desc] = svg.find_all("desc")
    assert "MNL1 Manila 84.2 % (Red), target 92.0 % from an override" in desc.text()


def test_page_is_structured_for_assistive_technology(sample_html: str) -> None:
    page = parse_html(sample_html)
    [html] = page.find_all("html")
    assert html.attrs["lang"] == "en"
    assert len(page.find_all("h1")) == 1
    levels = [int(e.tag[1]) for e in page.iter() if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    ids = [e.attrs["id"] for e in page.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids))
    for table in page.find_all("table"):
        assert table.find_all("caption"), "a table without a caption"
        for th in table.find_all("th"):
            assert th.attrs.get("scope") in {"col", "row", "rowgroup"}, th.text()
    for svg in page.find_all("svg"):
        if svg.attrs.get("aria-hidden") == "true":
            continue
        assert svg.attrs["role"] == "img"
        for ref in svg.attrs["aria-labelledby"].split():
            assert ref in ids
        assert svg.find_all("title") and svg.find_all("desc")
    for href in (a.attrs["href"] for a in page.find_all("a")):
        assert href[1:] in ids


def test_page_prints_one_site_card_per_page(sample_html: str) -> None:
    style = parse_html(sample_html).find_all("style")[0].text()
    printing = style[style.index("@media print") :]
    assert re.search(r"section\.site \{[^}]*break-before: page", printing)
    assert "break-inside: avoid" in printing


def test_banner_says_how_many_rows_were_left_out(sample_card: Scorecard) -> None:
    card = sample_card.model_copy(update={"invalid_rows_excluded": 7})
    page = parse_html(render_html(card, environment()).decode("utf-8"))
    [banner] = page.find_all("p", class_="banner")
    assert "7 rows with errors were left out" in banner.text()
    header = page.find_all("header")[0]
    assert banner in list(header.iter("p"))


def test_page_is_escaped_even_in_an_environment_without_autoescape(
    sample_card: Scorecard,
) -> None:
    env = environment()
    env.autoescape = False
    card = sample_card.model_copy(update={"workspace": XSS_SITE})
    html = render_html(card, env).decode("utf-8")
    assert XSS_SITE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Vendor-supplied strings are escaped everywhere.


def test_site_and_vendor_names_are_escaped_in_html(xss_out: Path) -> None:
    html = (xss_out / "scorecard.html").read_text(encoding="utf-8")
    assert XSS_SITE not in html
    assert "<script" not in html.lower()
    escaped_site = "&lt;script&gt;alert(1)&lt;/script&gt;"
    # The league table, the site card's heading, caption and KPI table, and every chart.
    assert html.count(escaped_site) >= 20
    assert "DUB1 &lt;script&gt;alert(\u2026</text>" in html  # a chart's shortened label
    assert '=HYPERLINK("http://x","y")' not in html
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in html
    assert not re.search(r"""(?:href|src)\s*=\s*["']?http""", html)
    page = parse_html(html)
    assert not page.find_all("script")
    dublin = next(r for r in league_rows(page) if r.find_all("th")[0].text().startswith("DUB1"))
    assert dublin.find_all("th")[0].text() == f"DUB1 {XSS_SITE}"
    assert dublin.find_all("td")[1].text() == XSS_VENDOR


def test_site_and_vendor_names_are_inert_in_markdown(xss_out: Path) -> None:
    md = (xss_out / "scorecard.md").read_text(encoding="utf-8")
    assert XSS_SITE not in md
    assert not re.search(r"(?<!\\)<\s*/?\s*script", md, re.IGNORECASE)
    assert r"\<script\>alert\(1\)\</script\>" in md
    assert "http://x" not in md  # no autolink: the colon is escaped
    league = md[md.index("## League table of sites") :].split("\n\n")[1].splitlines()
    assert all(line.count("|") - line.count(r"\|") == 8 for line in league)


def test_json_keeps_the_names_as_given(xss_out: Path) -> None:
    card = read_card(xss_out)
    names = {s["name"] for s in card["scopes"]}
    assert XSS_SITE in names and XSS_VENDOR in names


# Same inputs, same bytes.


def test_html_is_byte_identical_across_runs(sample_out: Path, tmp_path: Path) -> None:
    again = run_score(WORKSPACE, tmp_path / "again")
    assert (again / "scorecard.html").read_bytes() == (sample_out / "scorecard.html").read_bytes()


@pytest.mark.parametrize(
    ("values", "fmt", "expected"),
    [
        ([0.842, 0.976, 0.95], "percent", (0.0, 1.0, 0.25)),
        ([0.0, 1.0, 0.0], "count", (0.0, 1.0, 1.0)),
        ([0.0, 0.0], "count", (0.0, 1.0, 1.0)),
        ([321.0, 593.0, 540.0], "mm:ss", (0.0, 600.0, 300.0)),
        ([-2.0, 3.0], "number", (-2.0, 4.0, 2.0)),
    ],
)
def test_chart_axis_starts_at_zero_and_covers_every_value(
    values: list[float], fmt: str, expected: tuple[float, float, float]
) -> None:
    assert axis(values, fmt) == pytest.approx(expected)


# In a real browser.


@pytest.mark.slow
def test_chromium_renders_the_page_without_console_errors(sample_out: Path) -> None:
    run = dump_dom(sample_out / "scorecard.html")
    assert run.console == [], "\n".join(run.console)
    dom = parse_html(run.stdout)
    assert [h.text() for h in dom.find_all("h1")] == ["Example Global T&S Operations: 2026-10"]
    assert "League table of sites" in [h.text() for h in dom.find_all("h2")]
    assert len(league_rows(dom)) == len(SITES)
    charts = [s for s in dom.find_all("svg") if s.attrs.get("role") == "img"]
    assert len(charts) == 20
    assert not dom.find_all("script")


@pytest.mark.slow
def test_chromium_builds_no_script_from_hostile_names(xss_out: Path) -> None:
    run = dump_dom(xss_out / "scorecard.html")
    assert run.console == [], "\n".join(run.console)
    dom = parse_html(run.stdout)
    assert not dom.find_all("script")
    assert any(XSS_SITE in r.text() for r in league_rows(dom))


@pytest.mark.slow
def test_chromium_screenshot_is_a_real_picture(sample_out: Path, tmp_path: Path) -> None:
    png = tmp_path / "scorecard.png"
    run = screenshot(sample_out / "scorecard.html", png, 1280, 2000)
    assert run.console == [], "\n".join(run.console)
    from PIL import Image

    with Image.open(png) as picture:
        assert picture.size == (1280, 2000)
        pixels = picture.convert("RGB")
        counts: dict[tuple[int, ...], int] = {
            tuple(c) if isinstance(c, tuple) else (int(c),): n
            for n, c in pixels.getcolors(maxcolors=1 << 20) or []
        }
    # What a reader sees: the page is drawn (not blank white), and the status colours of the
    # sample month are on it: green, amber and red pills and bands, and the dark header text.
    white = counts.get((255, 255, 255), 0)
    assert white < 0.95 * 1280 * 2000, "the screenshot is a blank page"
    for name, rgb in {
        "green": (0xDA, 0xFB, 0xE1),
        "amber": (0xFF, 0xF8, 0xC5),
        "red": (0xFF, 0xEB, 0xE9),
    }.items():
        assert counts.get(rgb, 0) > 200, f"no {name} status on the page"
    assert any(max(c) < 0x40 for c in counts), "no text drawn"


@pytest.mark.slow
def test_browser_helper_reports_console_errors(tmp_path: Path) -> None:
    """The console check above can fail: a page that logs an error is caught."""
    page = tmp_path / "noisy.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        "<body><h1>t</h1><script>console.error('boom'); missingFunction();</script></body></html>",
        encoding="utf-8",
    )
    run = dump_dom(page)
    assert any("boom" in line for line in run.console)
    assert any("Uncaught ReferenceError" in line for line in run.console)
