"""Hostile and surprising YAML: each gets its own finding at its own position, never a crash."""

from __future__ import annotations

import time
from pathlib import Path

from opsgov.definitions import load_definition
from opsgov.yamlio import MAX_BYTES, parse_yaml, read_yaml


def codes_at(text: str) -> list[tuple[str, int | None, int | None]]:
    _, issues = parse_yaml(text, "f.yaml")
    return [(i.code, i.location.line, i.location.column) for i in issues if i.location]


def test_duplicate_key_is_d101_at_the_second_key() -> None:
    assert codes_at("a: 1\nb: 2\na: 3\n") == [("D101", 3, 1)]


def test_duplicate_key_keeps_the_first_value_and_names_the_first_line() -> None:
    doc, issues = parse_yaml("x:\n  k: 1\n  k: 2\n", "f.yaml")
    assert doc is not None and doc.data == {"x": {"k": 1}}
    assert "first defined on line 2" in issues[0].message


def test_alias_is_refused_at_the_alias() -> None:
    assert codes_at("a: &x [1, 2]\nb: *x\n") == [("D102", 2, 4)]


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    started = time.perf_counter()
    found = codes_at("\n".join(lines) + "\n")
    assert found == [("D102", 2, 10)]  # a1: &a1 [*a0 ... the first alias is column 10
    assert time.perf_counter() - started < 1.0


def test_merge_key_uses_an_alias_and_is_refused() -> None:
    assert codes_at("base: &b {x: 1}\nchild:\n  <<: *b\n")[0][0] == "D102"


def test_tab_indentation_is_d105() -> None:
    assert codes_at("a:\n\tb: 1\n") == [("D105", 2, 1)]


def test_truncated_file_is_d100_saying_where_it_started() -> None:
    _, issues = parse_yaml("kpis:\n  - id: aht\n    name: 'Average handle\n", "f.yaml")
    assert [i.code for i in issues] == ["D100"]
    assert "started on line 3" in issues[0].message


def test_unclosed_bracket_is_d100() -> None:
    assert [c for c, *_ in codes_at("a: [1, 2\nb: 3\n")] == ["D100"]


def test_binary_junk_is_d104(tmp_path: Path) -> None:
    path = tmp_path / "junk.yaml"
    path.write_bytes(b"kind: framework\n\x00\x01\x02\xff\xfe binary")
    doc, issues = read_yaml(path)
    assert doc is None
    assert [(i.code, i.location.line, i.location.column) for i in issues if i.location] == [
        ("D104", 2, 4)
    ]


def test_nul_byte_in_utf8_text_is_d104(tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"a: 1\nb: \x00\n")
    _, issues = read_yaml(path)
    assert [(i.code, i.location.line, i.location.column) for i in issues if i.location] == [
        ("D104", 2, 4)
    ]


def test_latin1_file_is_d104_at_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: ok\nowner: Jos\u00e9\n".encode("latin-1"))
    _, issues = read_yaml(path)
    assert [(i.code, i.location.line, i.location.column) for i in issues if i.location] == [
        ("D104", 2, 11)
    ]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    doc, issues = read_yaml(path)
    assert issues == [] and doc is not None and doc.data == {"a": 1}


def test_file_of_many_megabytes_is_d103_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * (5 * MAX_BYTES) + b"\n")
    started = time.perf_counter()
    doc, issues = read_yaml(path)
    assert doc is None and [i.code for i in issues] == ["D103"]
    assert time.perf_counter() - started < 1.0


def test_empty_file_is_d106() -> None:
    assert codes_at("# only a comment\n") == [("D106", 1, 1)]


def test_python_tag_is_d108_and_nothing_is_constructed() -> None:
    doc, issues = parse_yaml("a: !!python/object/apply:os.system ['true']\n", "f.yaml")
    assert [i.code for i in issues] == ["D108"]
    assert doc is not None and doc.data == {"a": None}


def test_deep_nesting_is_d109_not_a_recursion_error() -> None:
    assert [c for c, *_ in codes_at("[" * 50_000)] == ["D109"]


def test_yaml11_surprises_stay_text() -> None:
    doc, _ = parse_yaml("a: NO\nb: on\nc: 0123\nd: 1:30\ne: yes\nf: true\ng: 012\n", "f.yaml")
    assert doc is not None
    assert doc.data == {
        "a": "NO",
        "b": "on",
        "c": "0123",
        "d": "1:30",
        "e": "yes",
        "f": True,
        "g": "012",
    }


def test_positions_of_nested_values() -> None:
    doc, _ = parse_yaml("kpis:\n  - id: aht\n    target: 420\n", "f.yaml")
    assert doc is not None
    loc = doc.locate(("kpis", 0, "target"))
    assert (loc.line, loc.column, loc.path) == (3, 13, "kpis[0].target")
    key = doc.locate(("kpis", 0, "target"), key=True)
    assert (key.line, key.column) == (3, 5)


REGISTRY_HEAD = (
    "kind: registry\nregions: [{id: EU, name: Europe}]\nvendors: [{id: v, name: V, type: bpo}]\n"
)


def test_country_no_is_norway_not_false(tmp_path: Path) -> None:
    path = tmp_path / "reg.yaml"
    path.write_text(
        REGISTRY_HEAD
        + "sites:\n  - id: OSL1\n    name: Oslo\n    vendor: v\n    region: EU\n    country: NO\n"
        "    currency: NOK\n    timezone: Europe/Oslo\n    status: live\n    go_live: 2024-01-01\n",
        "utf-8",
    )
    loaded = load_definition(path)
    assert loaded.issues == []
    assert loaded.definition is not None
    site = loaded.definition.model_dump()["sites"][0]
    assert site["country"] == "NO"
    assert str(site["go_live"]) == "2024-01-01"


def test_boolean_key_with_yes_is_d112_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "fw.yaml"
    path.write_text(
        "kind: framework\nid: f\nversion: '1'\nname: F\nowner: O\n"
        "measures:\n  - id: m\n    name: M\n    kind: count\n    rollup: sum\n    required: yes\n"
        "kpis:\n  - id: k\n    name: K\n    formula: m\n    unit: count\n    format: count\n"
        "    direction: higher_is_better\n",
        "utf-8",
    )
    loaded = load_definition(path)
    [issue] = loaded.issues
    assert (
        issue.code,
        issue.location and issue.location.line,
        issue.location and issue.location.column,
    ) == ("D112", 11, 15)
    assert issue.hint is not None and "true or false" in issue.hint


def test_unquoted_version_number_is_d112_suggesting_quotes(tmp_path: Path) -> None:
    path = tmp_path / "fw.yaml"
    path.write_text(
        "kind: framework\nid: f\nversion: 1.2\nname: F\nowner: O\n"
        "measures:\n  - id: m\n    name: M\n    kind: count\n    rollup: sum\n"
        "kpis:\n  - id: k\n    name: K\n    formula: m\n    unit: count\n    format: count\n"
        "    direction: higher_is_better\n",
        "utf-8",
    )
    [issue] = load_definition(path).issues
    assert (issue.code, issue.location and issue.location.line) == ("D112", 3)
    assert issue.hint == 'Quote it to make it text: "1.2".'
