"""Delimited text: encodings, separators, line endings, quotes, NUL bytes and limits."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest

from opsgov.errors import WorkbookError
from opsgov.intake.csvread import CsvOptions, detect_delimiter, guess_decimal_comma
from opsgov.intake.limits import Limits
from opsgov.intake.readers import read_workbook
from opsgov.intake.sniff import FileFormat
from opsgov.issues import Issue

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not present"
)

TEXT = "Site,Calls,Note\nManila,10,Café\nSão Paulo,7,€ 5\n"
ROWS = [["Site", "Calls", "Note"], ["Manila", "10", "Café"], ["São Paulo", "7", "€ 5"]]


def _write(tmp_path: Path, data: bytes, name: str = "vendor.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _codes(notes: Sequence[Issue]) -> list[str]:
    return [n.code for n in notes]


@pytest.mark.parametrize(
    ("data", "encoding", "source"),
    [
        (TEXT.encode("utf-8"), "utf-8", "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig", "bom"),
        (b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16-le", "bom"),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be", "bom"),
        (TEXT.encode("utf-16-le"), "utf-16-le", "detected"),
        (TEXT.encode("utf-16-be"), "utf-16-be", "detected"),
        (TEXT.encode("cp1252"), "cp1252", "guessed"),
    ],
)
def test_encodings(tmp_path: Path, data: bytes, encoding: str, source: str) -> None:
    book = read_workbook(_write(tmp_path, data))
    assert book.format is FileFormat.CSV
    assert book.sheets[0].rows == ROWS
    assert book.text_format is not None
    assert (book.text_format.encoding, book.text_format.encoding_source) == (encoding, source)
    assert ("F208" in _codes(book.notes)) == (source == "guessed")


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path: Path) -> None:
    # 0x81 and 0x9D have no Windows-1252 character; 0xE9 is é.
    book = read_workbook(_write(tmp_path, b"a,b\n\x81,\xe9\x9d\n"))
    assert book.sheets[0].rows == [["a", "b"], ["\x81", "é\x9d"]]


def test_declared_encoding_wins(tmp_path: Path) -> None:
    greek = "id,name\n1,Αλέξανδρος\n".encode("iso-8859-7")
    guessed = read_workbook(_write(tmp_path, greek))
    declared = read_workbook(_write(tmp_path, greek), csv_options=CsvOptions(encoding="iso-8859-7"))
    assert guessed.sheets[0].rows[1][1] != "Αλέξανδρος"  # mojibake, with a F208 note
    assert "F208" in _codes(guessed.notes)
    assert declared.sheets[0].rows[1][1] == "Αλέξανδρος"
    assert declared.notes == []
    assert declared.text_format is not None
    assert declared.text_format.encoding_source == "declared"


def test_wrong_declared_encoding_is_w214(tmp_path: Path) -> None:
    path = _write(tmp_path, "a\né\n".encode("cp1252"))
    with pytest.raises(WorkbookError) as err:
        read_workbook(path, csv_options=CsvOptions(encoding="utf-8"))
    assert err.value.issues[0].code == "F214"


def test_unknown_encoding_is_refused_by_the_options() -> None:
    with pytest.raises(ValueError, match="unknown text encoding"):
        CsvOptions(encoding="no-such-codec")


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiters_are_detected(tmp_path: Path, sep: str) -> None:
    text = sep.join(["site", "calls", "aht"]) + "\n" + sep.join(["MNL", "1,5", "300"]) + "\n"
    if sep == ",":
        text = 'site,calls,aht\nMNL,"1,5",300\n'
    book = read_workbook(_write(tmp_path, text.encode()))
    assert book.text_format is not None
    assert book.text_format.delimiter == sep
    assert book.text_format.delimiter_source == "detected"
    assert book.sheets[0].rows == [["site", "calls", "aht"], ["MNL", "1,5", "300"]]


def test_semicolon_file_with_decimal_commas_is_not_split_on_commas(tmp_path: Path) -> None:
    text = "site;aht;sla\nMNL;1,5;0,93\nCEB;2,25;0,88\nDVO;3,5;0,91\n"
    book = read_workbook(_write(tmp_path, text.encode()))
    assert book.text_format is not None
    assert book.text_format.delimiter == ";"
    assert book.text_format.decimal == ","
    assert book.text_format.decimal_source == "guessed"
    assert book.sheets[0].rows[1] == ["MNL", "1,5", "0,93"]


def test_declared_delimiter_wins(tmp_path: Path) -> None:
    book = read_workbook(_write(tmp_path, b"a;b,c\n1;2,3\n"), csv_options=CsvOptions(delimiter=","))
    assert book.sheets[0].rows == [["a;b", "c"], ["1;2", "3"]]


def test_one_column_without_separator(tmp_path: Path) -> None:
    book = read_workbook(_write(tmp_path, b"site\nMNL\nCEB\n"))
    assert book.text_format is not None
    assert book.text_format.delimiter_source == "default"
    assert book.sheets[0].rows == [["site"], ["MNL"], ["CEB"]]


def test_detect_delimiter_counts_fields_outside_quotes() -> None:
    sample = 'name;note\n"Smith, J.";"a, b, c"\n"Lee, K.";"d, e"\n'
    assert detect_delimiter(sample) == (";", "detected")


def test_old_mac_line_endings_and_quoted_line_break(tmp_path: Path) -> None:
    book = read_workbook(_write(tmp_path, b'a,b\r"line1\rline2",2\r3,4\r'))
    assert book.sheets[0].rows == [["a", "b"], ["line1\rline2", "2"], ["3", "4"]]
    assert book.text_format is not None
    assert book.text_format.newline == "cr"


def test_positions_follow_records_not_physical_lines(tmp_path: Path) -> None:
    book = read_workbook(_write(tmp_path, b'\n\nh1,h2\n"multi\nline",x\nlast,y\n\n'))
    sheet = book.sheets[0]
    assert sheet.first_row == 3  # two blank records before the header
    assert sheet.cell(3, 1) == "h1"
    assert sheet.cell(4, 1) == "multi\nline"
    assert sheet.cell(5, 2) == "y"
    assert sheet.last_row == 5  # the trailing blank record is not data


def test_nul_bytes_are_removed_and_reported(tmp_path: Path) -> None:
    book = read_workbook(_write(tmp_path, b"a,b\n1\x00,2\n3,\x004\x00\n"))
    assert book.sheets[0].rows == [["a", "b"], ["1", "2"], ["3", "4"]]
    (note,) = [n for n in book.notes if n.code == "F209"]
    assert "3 NUL characters" in note.message
    assert note.location is not None
    assert note.location.line == 2


def test_unclosed_quote_at_the_end_is_w214(tmp_path: Path) -> None:
    path = _write(tmp_path, b'site,note\nMNL,"ok"\nCEB,"never closed\nDVO,x\n')
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    issue = err.value.issues[0]
    assert issue.code == "F214"
    assert issue.location is not None
    assert issue.location.line == 3


def test_unclosed_quote_cannot_swallow_a_large_file(tmp_path: Path) -> None:
    body = b"".join(b"row%d,value\n" % i for i in range(20_000))
    path = _write(tmp_path, b'site,note\nMNL,"oops\n' + body)
    before = csv.field_size_limit()
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    assert err.value.issues[0].code == "F214"
    assert err.value.issues[0].location is not None
    assert err.value.issues[0].location.line == 2
    assert csv.field_size_limit() == before  # restored


def test_quote_inside_unquoted_field_is_kept(tmp_path: Path) -> None:
    book = read_workbook(_write(tmp_path, b'item,size\ntape,12" wide\ncable,"3"m\n'))
    assert book.sheets[0].rows == [["item", "size"], ["tape", '12" wide'], ["cable", "3m"]]


def test_empty_fields_stay_empty_strings(tmp_path: Path) -> None:
    book = read_workbook(_write(tmp_path, b"a,b,c\n1,,3\n"))
    assert book.sheets[0].rows == [["a", "b", "c"], ["1", "", "3"]]


def test_blank_text_file_is_w207(tmp_path: Path) -> None:
    path = _write(tmp_path, b"\n\n  \n" + b"\n" * 9000)
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    assert err.value.issues[0].code == "F207"


def test_rows_beyond_the_limit_are_cut_with_w215(tmp_path: Path) -> None:
    data = b"".join(b"%d,x\n" % i for i in range(1, 11))
    book = read_workbook(_write(tmp_path, data), limits=Limits(max_rows=4))
    sheet = book.sheets[0]
    assert [r[0] for r in sheet.rows] == ["1", "2", "3", "4"]
    assert sheet.truncated
    assert "F215" in _codes(book.notes)


def test_columns_beyond_the_limit_are_cut_with_w215(tmp_path: Path) -> None:
    book = read_workbook(_write(tmp_path, b"a,b,c,d\n1,2,3,4\n"), limits=Limits(max_cols=2))
    assert book.sheets[0].rows == [["a", "b"], ["1", "2"]]
    assert "F215" in _codes(book.notes)


def test_too_many_cells_is_w206(tmp_path: Path) -> None:
    data = b"".join(b"1,2,3\n" for _ in range(10))
    with pytest.raises(WorkbookError) as err:
        read_workbook(_write(tmp_path, data), limits=Limits(max_cells=20))
    assert err.value.issues[0].code == "F206"


def test_too_many_characters_is_w206(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError) as err:
        read_workbook(
            _write(tmp_path, b"a,b\n" + b"x" * 200 + b",y\n"), Limits(max_total_chars=100)
        )
    assert err.value.issues[0].code == "F206"


def test_field_longer_than_a_cell_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, b"a,b\n" + b"x" * 70 + b",1\n")
    with pytest.raises(WorkbookError) as err:
        read_workbook(path, limits=Limits(max_cell_chars=50))
    assert err.value.issues[0].code == "F214"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1,7", "200.000.000", ""], True),
        (["1.234,56", "12,5"], True),
        (["1.7", "1,234.56", "200,000,000"], False),
        (["1,234", "1.234", "12"], False),  # ambiguous values do not vote
        (["Manila", "n/a", ""], False),
        (["0,25", "0,5", "3.14"], True),
    ],
)
def test_guess_decimal_comma(values: list[str], expected: bool) -> None:
    assert guess_decimal_comma(values) is expected


@needs_corpus
@pytest.mark.parametrize(
    ("name", "rows", "delimiter"),
    [
        ("csv_encoding/test_utf8_bom.csv", [["foo", "bar", "baz"], ["1", "2", "3"],
                                            ["4", "5", "ʤ"]], ","),
        ("csv_encoding/test_utf16_little.csv", [["a", "b", "c"], ["1", "2", "3"],
                                                ["4", "5", "ʤ"]], ","),
        ("csv_encoding/test_utf16_big.csv", [["a", "b", "c"], ["1", "2", "3"],
                                             ["4", "5", "ʤ"]], ","),
        ("csv_encoding/test_latin1.csv", [["a", "b", "c"], ["1", "2", "3"],
                                          ["4", "5", "©"]], ","),
        ("csv_encoding/delimiter.csv", [["id", "name"], ["1", "english"], ["2", "中国人"]], ";"),
        ("csv_encoding/mac_newlines.csv", [["a", "b", "c"], ["1", "2", "3"],
                                           ["Once upon\ra time", "5", "6"]], ","),
        ("csv_encoding/null_byte.csv", [["a", "b", "c"], ["", "2", "3"]], ","),
        ("csv_structure/issue-1009-semicolon.csv", [["fieldNameA", "fieldNameB"],
                                                    ["0123", "c"]], ";"),
        ("csv_structure/test_locale.csv", [["a", "b", "c"], ["1,7", "200.000.000", ""]], ","),
        ("csv_structure/invalid.csv", [["id", "name", "", "name"], ["1", "english"],
                                       ["1", "english"], [], ["2", "german", "1", "2", "3"]],
         ","),
    ],
)  # fmt: skip
def test_corpus_csv_files(name: str, rows: list[list[str]], delimiter: str) -> None:
    book = read_workbook(CORPUS / name)
    assert book.sheets[0].rows == rows
    assert book.text_format is not None
    assert book.text_format.delimiter == delimiter


@needs_corpus
def test_corpus_greek_file_is_guessed_and_says_so() -> None:
    book = read_workbook(CORPUS / "csv_encoding/table-infer-iso-8859-7.csv")
    assert "F208" in _codes(book.notes)
    declared = read_workbook(
        CORPUS / "csv_encoding/table-infer-iso-8859-7.csv",
        csv_options=CsvOptions(encoding="iso-8859-7"),
    )
    assert declared.sheets[0].rows[0] == ["id", "age", "name"]
    name = declared.sheets[0].rows[1][2]
    assert isinstance(name, str)
    assert name.startswith("Λ")


@needs_corpus
def test_corpus_decimal_comma_is_recorded() -> None:
    book = read_workbook(CORPUS / "csv_structure/test_locale.csv")
    assert book.text_format is not None
    assert (book.text_format.decimal, book.text_format.decimal_source) == (",", "guessed")
