"""Vendor text in findings and reports: bounded in length, inert in Markdown wikis."""

from __future__ import annotations

import json
from pathlib import Path

from opsgov.issues import MAX_FOUND, MAX_MESSAGE, make_issue
from opsgov.render.formatting import md_text
from tests.cli.test_validate import _good_rows, _workspace, _xlsx
from tests.conftest import invoke


def test_a_huge_cell_is_quoted_by_its_start_and_end(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    rows = _good_rows(2)
    huge = "see note: " + "A1," * 100_000  # 300,000 characters of text in a number column
    rows[1][2] = huge
    path = _xlsx(root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx", rows)
    result = invoke(["validate", str(path), "-w", str(root), "--format", "json"], 1)
    (issue,) = [i for i in json.loads(result.stdout)["issues"] if i["cell"] == "C5"]
    assert issue["code"] == "V302"
    assert len(issue["message"]) <= MAX_MESSAGE + 60
    assert "characters left out" in issue["message"]
    assert issue["message"].endswith("; expected a number")
    assert issue["found"].startswith("see note: A1,A1,") and len(issue["found"]) <= MAX_FOUND + 60
    text = invoke(["validate", str(path), "-w", str(root)], 1).stdout
    assert max(len(line) for line in text.splitlines()) < 1000


def test_short_messages_are_kept_whole() -> None:
    message = "Handled: found the text 'lots'; expected a whole number"
    assert make_issue("V302", message, found="lots").message == message


def test_liquid_and_jinja_markup_is_inert_in_markdown() -> None:
    assert md_text("{{ 7*7 }} {% if x %}y{% endif %}") == (
        r"\{\{ 7\*7 \}\} \{% if x %\}y\{% endif %\}"
    )


def test_vendor_braces_reach_the_scorecard_markdown_escaped(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    registry = root / "registry.yaml"
    registry.write_text(
        registry.read_text("utf-8").replace("name: Dublin", "name: '{{ 7*7 }} Dublin'"), "utf-8"
    )
    for site in ("DUB1", "LIS1"):
        _xlsx(root / "inbox" / "2026-10" / f"{site}_ops_2026-10.xlsx", _good_rows())
    out = tmp_path / "out"
    invoke(["score", "--period", "2026-10", "-w", str(root), "--out", str(out), "--no-history"])
    md = (out / "scorecard.md").read_text("utf-8")
    assert r"\{\{ 7\*7 \}\} Dublin" in md
    assert "{{" not in md.replace(r"\{\{", "")
