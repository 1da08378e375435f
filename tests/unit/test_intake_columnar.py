"""Delimited text read into columns by Arrow gives what the `csv` module's row-by-row read gives.

Each comparison runs the same files twice: as opsgov reads them (the columnar read wherever it
applies) and with every delimited file read by the `csv` module, cell by cell, as before. The
cells, the harmonised rows and every finding must be the same. A generated month is also
written as xlsx with typed cells, so that the CSV's numbers are checked against values that
never went through text.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import random
from pathlib import Path

import pytest
from openpyxl import Workbook

from opsgov.errors import WorkbookError
from opsgov.intake import csvread, readers
from opsgov.intake.limits import Limits
from opsgov.pipeline import ValidationRun, load_definitions, validate

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLE = REPO / "sample_data"


@pytest.fixture
def row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every delimited file read by the `csv` module, as before the columnar read."""
    monkeypatch.setattr(
        readers, "read_delimited", functools.partial(csvread.read_delimited, columnar=False)
    )


def _read(path: Path, columnar: bool, limits: Limits | None = None) -> object:
    try:
        book = csvread.read_delimited(path, limits or Limits(), columnar=columnar)
    except WorkbookError as exc:
        return ("refused", [(i.code, i.message) for i in exc.issues])
    sheet = book.sheets[0]
    return (
        [list(r) for r in sheet.rows],
        sheet.first_row,
        sheet.truncated,
        book.text_format,
        [(n.code, n.message) for n in book.notes],
    )


def _text_files() -> list[Path]:
    files = sorted(SAMPLE.rglob("*.csv"))
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in {".csv", ".tsv"})
    return files


def test_every_sample_and_corpus_text_file_reads_the_same_cells() -> None:
    files = _text_files()
    assert len(files) > 30
    columnar = 0
    for path in files:
        assert _read(path, True) == _read(path, False), path.name
        try:
            book = csvread.read_delimited(path, Limits())
        except WorkbookError:
            continue
        columnar += book.sheets[0].columns is not None
    assert columnar >= 25  # the sample's monthly CSVs take the columnar read


@pytest.mark.parametrize(
    "text",
    [
        'a,b"c,d\n1,2,3\n',  # a quote inside a field is text
        'Site,Note\nDUB1,"two\nlines"\nLIS1,"say ""hi"""\n',
        "a;b\r1;2\r",  # old Mac line ends
        ",,\nSite,Calls,Note\nDUB1,3,x\n,,\n",  # rows without text around the table
        "Site,Calls\nDUB1,3\n\nLIS1,4\n",  # a blank line inside: the csv module reads it
        'Site,Calls\nDUB1,"3\n',  # a quote never closed: refused either way
        "Site,Calls\nDUB1,3,extra\n",  # a ragged row
        'Site,Note\nDUB1,"two\n\nparagraphs"\nLIS1,x\n',  # a blank line inside quotes
        'Site,Note\r\nDUB1,"a\r\n\r\nb"\r\n',
        "Site,Calls\nDUB1,3\n,\nLIS1,4\n",  # a row of empty fields inside
        "Site,Calls\nDUB1,3\n\n\n",  # blank lines after the table
        "Site,Note\nDUB1,a\u2028b\n",  # a line break CSV does not treat as one
        "Site,Note\nDUB1,a\x0cb\n",
        "Site,Note\nDUB1,caf\u00e9 \u2013 na\u00efve\n",  # UTF-8 beyond ASCII
        "\ufeffSite,Calls\nDUB1,3\n",  # a byte-order mark
        "Site,Calls\nDUB1,3\x00\n",  # a NUL
        "   \n\t\n",  # only blanks: refused either way
        "\u3000\n",
    ],
)
def test_edge_cases_read_the_same(tmp_path: Path, text: str) -> None:
    path = tmp_path / "vendor.csv"
    path.write_text(text, "utf-8", newline="")
    assert _read(path, True) == _read(path, False)


_LATE_CP1252 = ("Site,Note\n" + "DUB1,x\n" * 20_000 + "LIS1,caf\u00e9\n").encode("cp1252")
"""Valid UTF-8 for its first 64 KiB (all that is sniffed), not further on."""


@pytest.mark.parametrize(
    ("data", "declared", "encoding", "source"),
    [
        ("Site,Note\nDUB1,caf\u00e9\n".encode(), None, "utf-8", "utf-8"),
        (b"\xef\xbb\xbfSite,Note\nDUB1,caf\xc3\xa9\n", None, "utf-8-sig", "bom"),
        (b"\xef\xbb\xbfSite,Note\nDUB1,caf\xc3\xa9\n", "utf-8", "utf-8-sig", "declared"),
        ("Site,Note\nDUB1,caf\u00e9\n".encode(), "utf8", "utf8", "declared"),
        ("Site,Note\nDUB1,caf\u00e9\n".encode("cp1252"), None, "cp1252", "guessed"),
        ("Site,Note\nDUB1,caf\u00e9\n".encode("utf-16"), None, "utf-16-le", "bom"),
        # valid UTF-8 at the start, not further on: read as Windows-1252 after all
        (_LATE_CP1252, None, "cp1252", "guessed"),
    ],
)
def test_every_encoding_reads_the_same_in_columns(
    tmp_path: Path, data: bytes, declared: str | None, encoding: str, source: str
) -> None:
    path = tmp_path / "vendor.csv"
    path.write_bytes(data)
    options = csvread.CsvOptions(encoding=declared)
    fast = csvread.read_delimited(path, Limits(), options)
    slow = csvread.read_delimited(path, Limits(), options, columnar=False)
    assert fast.sheets[0].columns is not None  # Arrow split it
    assert [list(r) for r in fast.sheets[0].rows] == [list(r) for r in slow.sheets[0].rows]
    assert fast.sheets[0].rows[-1][1] in {"café", "x"}
    assert fast.text_format == slow.text_format
    assert fast.text_format is not None
    assert (fast.text_format.encoding, fast.text_format.encoding_source) == (encoding, source)
    assert [(n.code, n.message) for n in fast.notes] == [(n.code, n.message) for n in slow.notes]


def test_text_declared_utf8_that_is_not_is_refused_at_its_byte(tmp_path: Path) -> None:
    path = tmp_path / "vendor.csv"
    path.write_bytes(b"Site,Note\nDUB1,caf\xe9\n")
    options = csvread.CsvOptions(encoding="utf-8")
    for columnar in (True, False):
        with pytest.raises(WorkbookError) as caught:
            csvread.read_delimited(path, Limits(), options, columnar=columnar)
        assert caught.value.issues[0].code == "F214"
        assert "byte 18 cannot be decoded" in caught.value.issues[0].message


@pytest.mark.parametrize(
    "limits",
    [Limits(max_rows=3), Limits(max_cols=2), Limits(max_cells=10), Limits(max_cell_chars=4)],
)
def test_limits_hold_on_the_columnar_read(tmp_path: Path, limits: Limits) -> None:
    path = tmp_path / "vendor.csv"
    path.write_text("Site,Calls,Note\n" + "DUB1,3,hello\n" * 5, "utf-8")
    read = _read(path, True, limits)
    assert read == _read(path, False, limits)
    if limits.max_cells == 10 or limits.max_cell_chars == 4:
        assert read[0] == "refused"  # type: ignore[index]
    else:
        assert read[2] is True  # type: ignore[index]


def _outcome(run: ValidationRun) -> list[object]:
    def plain(values: object) -> object:
        return [None if isinstance(v, float) and math.isnan(v) else v for v in values]  # type: ignore[attr-defined]

    blocks = [
        (
            b.source,
            b.rows.tolist(),
            b.site,
            b.date.tolist(),
            b.queue,
            {m: plain(v.tolist()) for m, v in b.measures.items()},
            b.categories,
            b.keys,
            {m: v.tolist() for m, v in b.blanks.items()},
        )
        for b in run.blocks
    ]
    return [blocks, [i.model_dump() for i in run.issues], run.files]


@pytest.mark.parametrize("period", ["2026-10", "2026-03"])
def test_sample_months_harmonise_the_same_either_way(
    period: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SAMPLE)
    defs = load_definitions(SAMPLE)
    columnar = _outcome(validate(defs, period=period))
    monkeypatch.setattr(
        readers, "read_delimited", functools.partial(csvread.read_delimited, columnar=False)
    )
    assert _outcome(validate(defs, period=period)) == columnar


FRAMEWORK = """\
kind: framework
id: mini
version: "1"
name: Mini
owner: Ops
measures:
  - {id: date, name: Date, kind: date}
  - {id: queue, name: Queue, kind: category, values: [general, escalations]}
  - {id: items_handled, name: Items handled, kind: count, rollup: sum}
  - {id: handle_seconds, name: Handle time, kind: duration, rollup: sum}
  - {id: qa_audited, name: Audited, kind: count, unit: audits, rollup: sum}
  - {id: qa_correct, name: Correct, kind: count, unit: audits, rollup: sum}
  - {id: items_within_sla, name: Within SLA, kind: count, rollup: sum, required: false}
kpis:
  - {id: aht, name: AHT, formula: handle_seconds / items_handled, unit: seconds, format: "mm:ss",
     direction: lower_is_better}
checks:
  - id: qa_le
    condition: qa_correct <= qa_audited
    message: Audits passed cannot exceed audits sampled
"""
REGISTRY = """\
kind: registry
regions: [{id: EU, name: Europe}]
vendors: [{id: acme, name: Acme, type: bpo}]
sites:
  - {id: DUB1, name: Dublin, vendor: acme, region: EU, country: IE, currency: EUR,
     timezone: Europe/Dublin, status: live, go_live: "2020-01-01"}
  - {id: LIS1, name: Lisbon, vendor: acme, region: EU, country: PT, currency: EUR,
     timezone: Europe/Lisbon, status: live, go_live: "2020-01-01"}
"""
PROFILE = """\
kind: intake_profile
id: {id}
name: Agent days
files: {{pattern: "agent_day_{{period}}.{ext}"}}
site: {{source: column, column: Site}}
date: {{column: Date}}
keys: [Agent]
columns:
  - {{measure: queue, headers: [Queue], values: {{"General": general, "Escalations": escalations}}}}
  - {{measure: items_handled, headers: [Handled]}}
  - {{measure: handle_seconds, headers: ["Handle (min)"], unit: minutes}}
  - {{measure: qa_audited, headers: [Audits]}}
  - {{measure: qa_correct, headers: [Passed]}}
  - {{measure: items_within_sla, headers: [SLA %], unit: percent_0_100, percent_of: items_handled}}
"""
HEADER = ["Date", "Site", "Queue", "Agent", "Handled", "Handle (min)", "Audits", "Passed", "SLA %"]


def _month(rows: int) -> list[list[object]]:
    rng = random.Random(7)
    out: list[list[object]] = []
    for i in range(rows):
        audits = rng.randint(0, 6)
        out.append(
            [
                dt.datetime(2026, 10, 1 + i % 31),
                ["DUB1", "LIS1"][i % 2],
                ["General", "Escalations"][i % 3 == 0],
                f"A{i % 97:03d}",
                rng.randint(0, 400),
                round(rng.uniform(0, 480), 2),
                audits,
                rng.randint(0, audits + (i % 50 == 0)),  # now and then more passed than audited
                rng.choice([round(rng.uniform(60, 100), 1), 100, 0]),
            ]
        )
    return out


def _workspace(root: Path, ext: str) -> Path:
    (root / "profiles").mkdir(parents=True)
    (root / "inbox" / "2026-10").mkdir(parents=True)
    (root / "opsgov.yaml").write_text(
        "kind: workspace\nname: T\nframework: framework.yaml\nregistry: registry.yaml\n"
        "reporting_currency: EUR\n",
        "utf-8",
    )
    (root / "framework.yaml").write_text(FRAMEWORK, "utf-8")
    (root / "registry.yaml").write_text(REGISTRY, "utf-8")
    (root / "profiles" / "agent_day.yaml").write_text(
        PROFILE.format(id="agent_day", ext=ext), "utf-8"
    )
    return root / "inbox" / "2026-10" / f"agent_day_2026-10.{ext}"


def _csv(path: Path, rows: list[list[object]], *, comma: bool, extra: list[list[str]]) -> None:
    def text(value: object) -> str:
        if isinstance(value, dt.datetime):
            return value.strftime("%d/%m/%Y") if comma else value.date().isoformat()
        return str(value).replace(".", ",") if comma else str(value)

    with path.open("w", encoding="cp1252" if comma else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";" if comma else ",")
        writer.writerow(HEADER)
        writer.writerows([[text(v) for v in row] for row in rows] + extra)


def _xlsx(path: Path, rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)


@pytest.mark.parametrize("comma", [False, True])
def test_generated_month_the_same_either_way_and_as_typed_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, comma: bool
) -> None:
    rows = _month(3000)
    day, no_day = ("05/10/2026", "31/02/2026") if comma else ("2026-10-05", "2026-02-31")
    bad = [
        [day, "DUB1", "General", "A001", "1,234.5" if comma else "1.234,5", "n/a", "#N/A", "2",
         "12 %"],
        [no_day, "LIS1", "Unknown", "A002", "5", "1e400", "3", "4", "101"],
    ]  # fmt: skip
    text_file = _workspace(tmp_path / "text", "csv")
    _csv(text_file, rows, comma=comma, extra=bad)
    defs = load_definitions(tmp_path / "text")
    monkeypatch.chdir(tmp_path / "text")
    book = csvread.read_delimited(text_file, Limits())
    assert book.sheets[0].columns is not None  # the columnar read is the one under test
    columnar = validate(defs, period="2026-10")
    with monkeypatch.context() as patched:
        patched.setattr(
            readers, "read_delimited", functools.partial(csvread.read_delimited, columnar=False)
        )
        assert _outcome(validate(defs, period="2026-10")) == _outcome(columnar)
    bad_rows = {i.location.row for i in columnar.issues if i.location and i.location.row}
    assert {3002, 3003} <= bad_rows  # the two broken rows, named by their sheet row
    typed_file = _workspace(tmp_path / "typed", "xlsx")
    _xlsx(typed_file, rows)
    monkeypatch.chdir(tmp_path / "typed")
    typed = validate(load_definitions(tmp_path / "typed"), period="2026-10")
    (text_block,), (typed_block,) = columnar.blocks, typed.blocks
    good = slice(0, 3000)
    assert text_block.rows[good].tolist() == typed_block.rows.tolist()
    assert text_block.date[good].tolist() == typed_block.date.tolist()
    assert text_block.site[good] == typed_block.site
    assert text_block.keys == {"Agent": typed_block.keys["Agent"] + ["A001", "A002"]}
    for measure, values in typed_block.measures.items():
        assert text_block.measures[measure][good].tolist() == pytest.approx(
            values.tolist(), rel=1e-12, nan_ok=True
        ), measure
    assert text_block.measures["handle_seconds"][0] == pytest.approx(float(str(rows[0][5])) * 60)
