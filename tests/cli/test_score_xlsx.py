"""`opsgov score` writes `scorecard.xlsx`: the sheets, formats, safety and determinism.

Values are checked against `scorecard.json` of the same run, read back through openpyxl and
through LibreOffice (re-saved as xlsx, and exported as CSV, one file per sheet).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from opsgov.render.xlsx import (
    KPI_COLUMNS,
    LINEAGE_COLUMNS,
    QUEUE_FIXED_COLUMNS,
    SECONDS_PER_DAY,
    SITE_COLUMNS,
    SITE_HEADER_ROW,
    SUMMARY_COLUMNS,
    SUMMARY_HEADER_ROW,
    clean_text,
    number_format,
    sheet_title,
)
from opsgov.render.zipfix import ZIP_TIME
from tests.conftest import REPO, invoke
from tests.support import expected_score as es
from tests.support.libreoffice import TIMEOUT_SECONDS, convert, soffice
from tests.support.scorecard_file import read_card

WORKSPACE = REPO / "sample_data"
PERIOD = "2026-10"
REPORT_DATE = "2026-11-05"
REL = 1e-9

EVIL_SITE = '=HYPERLINK("http://x","y")'
EVIL_VENDOR = "+1+cmd|' /C calc'!A0"
EVIL_REGION = "@SUM(1)"
ERROR_SITE = "#N/A"
TAB_VENDOR = "\t=1"

EXPECTED_FORMATS = {
    "vol_received": "#,##0",
    "automation_share": "0.0%",
    "aht": "[mm]:ss",
    "sla_attain": "0.0%",
    "backlog_age_avg": '0.0 "h"',
    "cost_per_case": '#,##0.00 "USD"',
}

CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def score_to(workspace: Path, out: Path, *extra: str) -> Path:
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
            *extra,
        ]
    )
    return out


def copy_workspace(dest: Path) -> Path:
    """The sample workspace without its outputs."""
    shutil.copytree(
        WORKSPACE,
        dest,
        ignore=lambda folder, names: ["out"] if Path(folder) == WORKSPACE else [],
    )
    return dest


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return score_to(WORKSPACE, tmp_path_factory.mktemp("scored"))


@pytest.fixture(scope="module")
def card(scored: Path) -> dict[str, Any]:
    data: dict[str, Any] = read_card(scored)
    return data


@pytest.fixture(scope="module")
def book(scored: Path) -> Any:
    return openpyxl.load_workbook(scored / "scorecard.xlsx")


def sites(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Top-level site scopes in league-table order."""
    found = [s for s in card["scopes"] if s["level"] == "site" and s["queue"] is None]
    return sorted(found, key=lambda s: (s["rank"] or 999, s["id"]))


def kpi_formats(card: dict[str, Any]) -> dict[str, str]:
    return {k["id"]: k["format"] for k in card["kpis"]}


def close(actual: float | None, expected: float | None) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    return math.isclose(actual, expected, rel_tol=REL, abs_tol=1e-12)


def stored(value: float | None, fmt: str) -> float | None:
    """A KPI value as the workbook stores it (time formats as fractions of a day)."""
    if value is None:
        return None
    return value / SECONDS_PER_DAY if fmt in {"mm:ss", "hh:mm:ss"} else value


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def raw_numbers(path: Path, sheet: str) -> dict[str, float]:
    """Cell reference -> the number the sheet's XML stores.

    openpyxl reads time-formatted cells as timedeltas rounded to the millisecond; the XML
    holds the full double.
    """
    ns = {"m": _MAIN}
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        rid = next(
            s.get(f"{{{_DOC_RELS}}}id")
            for s in book.iterfind("m:sheets/m:sheet", ns)
            if s.get("name") == sheet
        )
        target = next(r.get("Target", "") for r in rels if r.get("Id") == rid)
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        root = ElementTree.fromstring(archive.read(part))
    numbers = {}
    for cell in root.iterfind("m:sheetData/m:row/m:c", ns):
        value = cell.find("m:v", ns)
        if cell.get("t", "n") == "n" and value is not None and value.text:
            numbers[cell.get("r", "")] = float(value.text)
    return numbers


def at(numbers: dict[str, float], row: int, col: int) -> float | None:
    return numbers.get(f"{get_column_letter(col)}{row}")


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }


def assert_no_formula(path: Path) -> None:
    for name, text in xml_parts(path).items():
        assert not re.search(r"<f[\s>/]", text), f"{name} holds a formula"


# Structure -------------------------------------------------------------------------------


def _gates_sheet() -> list[str]:
    """The Gates sheet, second, when a gate fired anywhere (the ground truth says where)."""
    fired = any(s.gated for s in es.expected_card(PERIOD).values() if s.queue is None)
    return ["Gates"] if fired else []


def test_sheets_in_order(book: Any, card: dict[str, Any]) -> None:
    site_ids = [s["id"] for s in sites(card)]
    expected = ["Summary", *_gates_sheet(), *site_ids, "Queues", "Lineage", "Definitions"]
    assert book.sheetnames == expected


def test_summary_sheet(book: Any, card: dict[str, Any]) -> None:
    expected = es.expected_card(PERIOD)
    status = {"green": "Green", "amber": "Amber", "red": "Red"}
    ws = book["Summary"]
    assert ws["A1"].value == card["workspace"]
    facts = {ws.cell(2, c).value: ws.cell(3, c).value for c in range(1, 9)}
    assert facts["Period"] == PERIOD
    assert facts["Previous period"] == "2026-09"
    assert facts["Framework"] == card["framework"]
    assert facts["Reporting currency"] == "USD"
    assert facts["Report date"] == dt.datetime(2026, 11, 5)
    overall = expected["global", "global", None]
    assert facts["Overall status"] == status[overall.status]
    assert overall.composite is not None and close(facts["Overall composite"], overall.composite)
    # Every label and header can be read whole: its column is as wide as its longest word
    # (labels wrap onto a second line), and a header's column as wide as the header.
    for c in range(1, 9):
        label = ws.cell(2, c).value
        width = ws.column_dimensions[get_column_letter(c)].width
        assert width >= max(len(w) for w in label.split()), label
        assert ws.cell(2, c).alignment.wrap_text, label
    for c, name in enumerate(SUMMARY_COLUMNS, start=1):
        assert ws.column_dimensions[get_column_letter(c)].width >= len(name), name
    assert ws["A4"].value is None  # no banner: nothing was left out
    assert ws.freeze_panes == f"C{SUMMARY_HEADER_ROW + 1}"
    header = [ws.cell(SUMMARY_HEADER_ROW, c).value for c in range(1, len(SUMMARY_COLUMNS) + 1)]
    assert header == list(SUMMARY_COLUMNS)
    ranked = sites(card)
    last = SUMMARY_HEADER_ROW + len(ranked)
    assert ws.auto_filter.ref == f"A{SUMMARY_HEADER_ROW}:I{last}"
    for row, site in enumerate(ranked, start=SUMMARY_HEADER_ROW + 1):
        assert ws.cell(row, 1).value == site["rank"]
        assert ws.cell(row, 2).value == site["id"]
        assert ws.cell(row, 3).value == site["name"]
        assert ws.cell(row, 5).value == site["region"]
        assert close(ws.cell(row, 6).value, site["composite"])
        assert ws.cell(row, 6).number_format == "0.0"
        assert ws.cell(row, 7).value == status[expected["site", site["id"], None].status]
        change = site["composite"] - site["previous_composite"]
        assert close(ws.cell(row, 9).value, change)
    column_a = [ws.cell(r, 1).value for r in range(last + 1, ws.max_row + 1)]
    assert "Vendors" in column_a and "Regions" in column_a
    assert ws.column_dimensions["C"].width >= len("Kuala Lumpur")


def test_every_sheet_is_set_up_to_print(book: Any) -> None:
    for ws in book.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # One page wide (1 is also what an absent fitToWidth means), as many tall as needed.
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), ws.title
        header_row = int(re.sub(r"[A-Z]", "", ws.freeze_panes)) - 1
        if header_row:
            assert ws.print_title_rows == f"${header_row}:${header_row}", ws.title
        assert ws.oddFooter.right.text == "page &P of &N"
        assert PERIOD in ws.oddFooter.left.text


@pytest.mark.slow
def test_the_workbook_prints_a_few_pages_with_whole_headers(scored: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    pages = PdfReader(convert(scored / "scorecard.xlsx", "pdf", tmp_path)).pages
    book = openpyxl.load_workbook(scored / "scorecard.xlsx")
    # Each sheet fits the width of a page: a page or two per sheet, not 83 pages.
    assert len(pages) <= 2 * len(book.sheetnames)
    first = pages[0].extract_text()
    assert "Previous" in first and "period" in first and "Previous per " not in first
    assert first.strip().splitlines()[0].strip().endswith(f"page 1 of {len(pages)}")


def test_site_sheets(book: Any, card: dict[str, Any], scored: Path) -> None:
    formats = kpi_formats(card)
    for site in sites(card):
        ws = book[site["id"]]
        numbers = raw_numbers(scored / "scorecard.xlsx", site["id"])
        assert ws["A1"].value == f"{site['id']} {site['name']}"
        assert ws.freeze_panes == f"C{SITE_HEADER_ROW + 1}"
        header = [ws.cell(SITE_HEADER_ROW, c).value for c in range(1, len(SITE_COLUMNS) + 1)]
        assert header == list(SITE_COLUMNS)
        last = SITE_HEADER_ROW + len(site["kpis"])
        assert ws.auto_filter.ref == f"A{SITE_HEADER_ROW}:M{last}"
        for row, result in enumerate(site["kpis"], start=SITE_HEADER_ROW + 1):
            fmt = formats[result["kpi"]]
            assert ws.cell(row, 1).value == result["kpi"]
            value = ws.cell(row, 4)
            assert value.number_format == number_format(fmt, "USD")
            want = stored(result["value"], fmt)
            assert close(at(numbers, row, 4), want), (site["id"], result["kpi"])
            assert close(at(numbers, row, 9), result["score"])
            assert close(at(numbers, row, 10), stored(result["previous"], fmt))
            assert close(at(numbers, row, 11), result["change"])
            assert ws.cell(row, 12).value == result["target"]["source"]
            if result["kpi"] in EXPECTED_FORMATS:
                assert value.number_format == EXPECTED_FORMATS[result["kpi"]]


def test_time_values_are_fractions_of_a_day(book: Any, card: dict[str, Any], scored: Path) -> None:
    site = sites(card)[0]
    aht = next(k for k in site["kpis"] if k["kpi"] == "aht")
    row = SITE_HEADER_ROW + 1 + site["kpis"].index(aht)
    cell = book[site["id"]].cell(row, 4)
    assert cell.number_format == "[mm]:ss"
    assert isinstance(cell.value, dt.timedelta)  # what a spreadsheet shows: a duration
    assert math.isclose(cell.value.total_seconds(), aht["value"], rel_tol=1e-5)
    stored_days = at(raw_numbers(scored / "scorecard.xlsx", site["id"]), row, 4)
    assert stored_days is not None
    assert math.isclose(stored_days * SECONDS_PER_DAY, aht["value"], rel_tol=REL)
    assert book[site["id"]].cell(row, 11).number_format == '+#,##0 "s";-#,##0 "s";0 "s"'


def test_overrides_name_their_source(book: Any) -> None:
    ws = book["MNL1"]
    rows = {ws.cell(r, 1).value: r for r in range(SITE_HEADER_ROW + 1, ws.max_row + 1)}
    row = rows["sla_attain"]
    assert ws.cell(row, 12).value == "vendor acme_bpo (workspace)"
    assert "Acme master services agreement" in ws.cell(row, 13).value
    assert close(ws.cell(row, 5).value, 0.92)


def test_rag_conditional_formatting_on_site_sheets(book: Any, card: dict[str, Any]) -> None:
    for site in sites(card):
        ws = book[site["id"]]
        last = SITE_HEADER_ROW + len(site["kpis"])
        rules: dict[str, Any] = {}
        for formatting in ws.conditional_formatting:
            assert str(formatting.sqref) == f"H{SITE_HEADER_ROW + 1}:H{last}"
            for rule in formatting.rules:
                assert rule.type == "cellIs" and rule.operator == "equal"
                rules[rule.formula[0]] = rule
        assert set(rules) == {'"Green"', '"Amber"', '"Red"'}
        # A solid fill's colour: Excel's own files keep it as the background colour.
        fills = {
            label: {r.dxf.fill.fgColor.rgb, r.dxf.fill.bgColor.rgb} for label, r in rules.items()
        }
        assert "FFFFC7CE" in fills['"Red"'] and "FFC6EFCE" in fills['"Green"']


def test_queues_lineage_definitions(book: Any, card: dict[str, Any], scored: Path) -> None:
    formats = kpi_formats(card)
    kpi_ids = [k["id"] for k in card["kpis"]]
    queues = [s for s in card["scopes"] if s["queue"] is not None] + card["unsplit"]
    ws = book["Queues"]
    header = [c.value for c in ws[1]]
    assert header == [*QUEUE_FIXED_COLUMNS, *kpi_ids]
    assert ws.max_row == 1 + len(queues)
    assert ws.freeze_panes == "E2" and ws.auto_filter.ref is not None
    rows = {
        (ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 4).value): r
        for r in range(2, ws.max_row + 1)
    }
    fixed = len(QUEUE_FIXED_COLUMNS)
    numbers = raw_numbers(scored / "scorecard.xlsx", "Queues")
    for scope in queues:
        row = rows[scope["level"], scope["id"], scope["queue"]]
        assert close(ws.cell(row, 5).value, scope["composite"])
        for result in scope["kpis"]:
            col = fixed + 1 + kpi_ids.index(result["kpi"])
            want = stored(result["value"], formats[result["kpi"]])
            assert close(at(numbers, row, col), want), (scope["id"], scope["queue"], col)

    ws = book["Lineage"]
    assert [c.value for c in ws[1]] == list(LINEAGE_COLUMNS)
    spans = [(item, span) for item in card["lineage"] for span in item["cells"]]
    assert ws.max_row == 1 + len(spans)
    for row, (item, span) in enumerate(spans, start=2):
        got = [ws.cell(row, c).value for c in range(1, 8)]
        expected = [item["site"], item["measure"], span["file"], span["sheet"], span["column"]]
        assert got == [*expected, span["header"], span["rows"]]
        assert close(ws.cell(row, 9).value, item["fx_rate"])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:I{ws.max_row}"

    ws = book["Definitions"]
    assert [c.value for c in ws[1]][: len(KPI_COLUMNS)] == list(KPI_COLUMNS)
    for row, info in enumerate(card["kpis"], start=2):
        assert ws.cell(row, 1).value == info["id"]
        assert ws.cell(row, 4).value == info["formula"]
        assert close(ws.cell(row, 9).value, info["weight"])
        assert ws.cell(row, 10).value == info["description"]
    column_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    start = column_a.index("Categories") + 3
    for row, category in enumerate(card["categories"], start=start):
        assert ws.cell(row, 1).value == category["id"]
        assert close(ws.cell(row, 3).value, category["weight"])


def test_document_properties_come_from_the_report_date(scored: Path, book: Any) -> None:
    assert book.properties.creator == "opsgov"
    assert book.properties.created == dt.datetime(2026, 11, 5)
    assert book.properties.modified == dt.datetime(2026, 11, 5)
    with zipfile.ZipFile(scored / "scorecard.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIME}


def test_the_sample_month_writes_no_formula(scored: Path) -> None:
    assert_no_formula(scored / "scorecard.xlsx")


# Determinism -----------------------------------------------------------------------------


def test_same_card_same_bytes(scored: Path, tmp_path: Path) -> None:
    again = score_to(WORKSPACE, tmp_path / "again")
    assert (again / "scorecard.xlsx").read_bytes() == (scored / "scorecard.xlsx").read_bytes()


# Injection -------------------------------------------------------------------------------


def _poison(registry: Path) -> None:
    text = registry.read_text(encoding="utf-8")
    for old, new in (
        ("name: Dublin\n", 'name: \'=HYPERLINK("http://x","y")\'\n'),
        ("name: Lisbon\n", 'name: "#N/A"\n'),
        ("name: Manila\n", 'name: "\\a=1"\n'),
        ("name: Acme BPO Services,", "name: \"+1+cmd|' /C calc'!A0\","),
        ("name: Teleworks Global,", 'name: "\\t=1",'),
        ("{id: APAC, name: Asia Pacific}", '{id: APAC, name: "@SUM(1)"}'),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    registry.write_text(text, encoding="utf-8")


def test_vendor_text_is_never_a_formula(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    assert not (workspace / "out").exists()
    _poison(workspace / "registry.yaml")
    out = score_to(workspace, tmp_path / "out")
    path = out / "scorecard.xlsx"
    assert_no_formula(path)

    book = openpyxl.load_workbook(path)
    strings: dict[str, list[str]] = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    strings.setdefault(cell.value, []).append(f"{ws.title}!{cell.coordinate}")
                else:
                    assert cell.data_type in {"n", "d"}, (ws.title, cell.coordinate)
    for text in (EVIL_SITE, ERROR_SITE, EVIL_VENDOR, TAB_VENDOR, EVIL_REGION):
        assert text in strings, text
    assert f"DUB1 {EVIL_SITE}" in strings  # the site sheet's title
    assert "\ufffd=1" in strings  # the bell character cannot be stored; the report still saves
    summary = book["Summary"]
    names = {summary.cell(r, 2).value: summary.cell(r, 3).value for r in range(6, 14)}
    assert names["DUB1"] == EVIL_SITE

    xml = xml_parts(path)
    sheet_xml = "".join(text for name, text in xml.items() if "worksheets/" in name)
    assert 't="e"' not in sheet_xml  # `#N/A` is text, not an error value
    # Stored as text: an inline string of a sheet, or an entry of the shared strings.
    texts = sheet_xml + xml.get("xl/sharedStrings.xml", "")
    assert "<t>=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</t>" in texts or (
        '<t>=HYPERLINK("http://x","y")</t>' in texts
    )


def test_banner_when_rows_were_left_out(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    flawed = workspace / "flawed" / "HYD1_ops_2026-10.xlsx"
    shutil.copyfile(flawed, workspace / "inbox" / PERIOD / flawed.name)
    out = score_to(workspace, tmp_path / "out", "--allow-invalid")
    card = read_card(out)
    assert card["invalid_rows_excluded"] > 0
    ws = openpyxl.load_workbook(out / "scorecard.xlsx")["Summary"]
    assert ws["A4"].value.startswith(f"Scored despite {card['findings']['error']} errors")
    assert f"{card['invalid_rows_excluded']} rows with errors were left out" in ws["A4"].value
    assert ws["A4"].fill.fgColor.rgb == "FFC00000"
    assert ws["A4"].font.b


# Names and text --------------------------------------------------------------------------


def test_sheet_titles_follow_excels_rules() -> None:
    taken = {"summary"}
    assert sheet_title("DUB1", taken) == "DUB1"
    assert sheet_title("dub1", taken) == "dub1~2"
    assert sheet_title("a[b]:c*d?e/f\\g", taken) == "a_b__c_d_e_f_g"
    assert sheet_title("x" * 40, taken) == "x" * 31
    assert sheet_title("x" * 40, taken) == "x" * 29 + "~2"
    assert sheet_title("'quoted'", taken) == "quoted"
    assert sheet_title("Summary", taken) == "Summary~2"
    assert sheet_title("History", taken) == "History_"
    assert sheet_title("", taken) == "Site"
    assert all(len(name) <= 31 for name in taken)


def test_clean_text_replaces_what_xml_cannot_hold() -> None:
    assert clean_text("a\x00b\x1fc\td\ne\rf") == "a\ufffdb\ufffdc\td\ne\rf"
    assert len(clean_text("x" * 40000)) == 32767


# LibreOffice -----------------------------------------------------------------------------


def _site_values(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """KPI id -> the Value column of a site sheet's KPI table (which ends at a blank row)."""
    values = {}
    for row in rows[SITE_HEADER_ROW:]:
        if not row or not row[0]:
            break
        values[row[0]] = row[3]
    return values


@pytest.mark.slow
def test_libreoffice_resave_keeps_every_value(
    scored: Path, card: dict[str, Any], tmp_path: Path
) -> None:
    resaved = convert(scored / "scorecard.xlsx", "xlsx", tmp_path / "lo")
    book = openpyxl.load_workbook(resaved, data_only=True)
    assert book.sheetnames[0] == "Summary"
    formats = kpi_formats(card)
    summary = book["Summary"]
    for row, site in enumerate(sites(card), start=SUMMARY_HEADER_ROW + 1):
        assert summary.cell(row, 2).value == site["id"]
        assert close(summary.cell(row, 6).value, site["composite"])
        ws = book[site["id"]]
        numbers = raw_numbers(resaved, site["id"])
        rows = {ws.cell(r, 1).value: r for r in range(SITE_HEADER_ROW + 1, ws.max_row + 1)}
        for result in site["kpis"]:
            got = at(numbers, rows[result["kpi"]], 4)
            want = stored(result["value"], formats[result["kpi"]])
            assert close(got, want), (site["id"], result["kpi"], got, want)
        # Headless LibreOffice drops view settings such as frozen panes (it has no view);
        # the filter, the RAG rules and the number formats survive.
        assert ws.auto_filter.ref == f"A{SITE_HEADER_ROW}:M{SITE_HEADER_ROW + len(site['kpis'])}"
        assert len(list(ws.conditional_formatting)) == 1
        for kpi, fmt in EXPECTED_FORMATS.items():
            assert ws.cell(rows[kpi], 4).number_format.replace("&quot;", '"') in {
                fmt,
                fmt.replace(' "', '" '),
            }


def _csv_number(text: str, fmt: str) -> float | None:
    """A number as LibreOffice exports it: raw digits, `12.5%`, `05:21.36` or `12:07:00 AM`."""
    text = text.strip()
    if not text:
        return None
    if text.endswith("%"):
        return float(text[:-1]) / 100
    if ":" in text:
        clock, _, meridian = text.partition(" ")
        parts = [float(p) for p in clock.split(":")]
        if meridian:
            parts[0] = parts[0] % 12 + (12 if meridian == "PM" else 0)
        seconds = 0.0
        for part in parts:
            seconds = seconds * 60 + part
        return seconds
    number = float(text)
    return number * SECONDS_PER_DAY if fmt in {"mm:ss", "hh:mm:ss"} else number


def _export_csv(src: Path, outdir: Path) -> dict[str, list[list[str]]]:
    program = soffice()
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed: run scripts/install-system-deps.sh")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="opsgov-lo-profile-") as profile:
        done = subprocess.run(
            [
                program,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                CSV_ALL_SHEETS,
                "--outdir",
                str(outdir),
                str(src),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    sheets = {}
    for path in sorted(outdir.glob(f"{src.stem}-*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem.removeprefix(f"{src.stem}-")] = list(csv.reader(handle))
    return sheets


@pytest.mark.slow
def test_libreoffice_csv_export_matches_the_json(
    scored: Path, card: dict[str, Any], tmp_path: Path
) -> None:
    sheets = _export_csv(scored / "scorecard.xlsx", tmp_path / "csv")
    ranked = sites(card)
    assert set(sheets) == {"Summary", *_gates_sheet(), "Queues", "Lineage", "Definitions"} | {
        s["id"] for s in ranked
    }
    gated = {
        (s.level, s.id) for s in es.expected_card(PERIOD).values() if s.queue is None and s.gated
    }
    listed = {(row[0], row[1].split(" ")[0]) for row in sheets.get("Gates", [])[1:] if row}
    assert listed == gated
    formats = kpi_formats(card)
    summary = sheets["Summary"]
    for row, site in enumerate(ranked, start=SUMMARY_HEADER_ROW):
        assert summary[row][1] == site["id"]
        assert close(_csv_number(summary[row][5], "score"), site["composite"])
    for site in ranked:
        values = _site_values(sheets[site["id"]])
        for result in site["kpis"]:
            got = _csv_number(values[result["kpi"]], formats[result["kpi"]])
            assert close(got, result["value"]), (site["id"], result["kpi"], got)
