"""Vendor text is never console markup, an emoji code or a terminal control sequence.

Sheet names and headers come from vendors: `Defs [/bold]` and `[/]` are invalid markup (rich
raises), `[link=...]` would become a live hyperlink, an escape sequence could rewrite the
terminal. Each must print exactly as written (control characters as U+FFFD), everywhere.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from tests.conftest import REPO, invoke

LINK = "[link=https://evil.example/]CLICK[/link] and a long sheet name"
BOLD = "Defs [/bold]"
ESCAPE = "\x1b]8;;https://evil.example/\x1b\\Queue\x1b]8;;\x1b\\"


def _rename_sheets(path: Path, names: dict[str, str]) -> None:
    """Rename sheets in the workbook's XML: Excel and openpyxl refuse `[` in a sheet name."""
    with zipfile.ZipFile(path) as src:
        parts = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts:
            if info.filename == "xl/workbook.xml":
                for old, new in names.items():
                    data = data.replace(f'name="{old}"'.encode(), f'name="{new}"'.encode())
            out.writestr(info, data)


def _hostile_workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(REPO / "sample_data", ws, ignore=shutil.ignore_patterns("out", "history*"))
    for path in [*ws.glob("inbox/*/MNL1_*.xlsx"), *ws.glob("inbox/*/HYD1_*.xlsx")]:
        _rename_sheets(path, {"Daily Report": LINK, "Definitions": BOLD})
    profile = ws / "profiles" / "acme_daily_ops.yaml"
    text = profile.read_text("utf-8").replace("  name: Daily Report", f'  name: "{LINK}"')
    profile.write_text(text, "utf-8")
    return ws


def test_inspect_prints_sheet_names_and_headers_as_written(tmp_path: Path) -> None:
    ws = _hostile_workspace(tmp_path)
    out = invoke(["inspect", str(ws / "inbox" / "2026-10" / "MNL1_ops_2026-10.xlsx")]).stdout
    flat = "".join(out.split())
    assert "".join(f"Sheet '{LINK}'".split()) in flat
    assert "".join(f"Sheet '{BOLD}'".split()) in flat


def test_inspect_of_a_csv_with_markup_and_escape_sequences_in_headers(tmp_path: Path) -> None:
    csv = tmp_path / "vendor.csv"
    csv.write_text(f"Date,[/],[bold]Items,:smile:,{ESCAPE}\n2026-10-01,1,2,3,4\n", "utf-8")
    out = invoke(["inspect", str(csv)]).stdout
    assert "[/]" in out and "[bold]Items" in out and ":smile:" in out
    assert "\x1b" not in out and "\ufffd]8;;https://evil.example/" in "".join(out.split())


def test_explain_and_validate_print_the_sheet_names_as_written(tmp_path: Path) -> None:
    ws = _hostile_workspace(tmp_path)
    args = ["--period", "2026-10", "-w", str(ws)]
    out = invoke(["explain", "sla_attain", "--site", "MNL1", *args]).stdout
    assert "".join(LINK.split()) in "".join(out.split())
    flawed = ws / "inbox" / "2026-10" / "HYD1_ops_2026-10.xlsx"
    shutil.copy(REPO / "sample_data" / "flawed" / "HYD1_ops_2026-10.xlsx", flawed)
    _rename_sheets(flawed, {"Daily Report": LINK, "Definitions": BOLD})
    found = invoke(["validate", str(flawed), *args], 1).stdout
    assert f"HYD1_ops_2026-10.xlsx {LINK}!" in found


def test_score_prints_vendor_names_from_the_registry_as_written(tmp_path: Path) -> None:
    ws = _hostile_workspace(tmp_path)
    registry = ws / "registry.yaml"
    registry.write_text(
        registry.read_text("utf-8").replace(
            "name: Manila", "name: '[link=https://evil.example/]Manila[/]'"
        ),
        "utf-8",
    )
    out = invoke(
        ["score", "-p", "2026-10", "-w", str(ws), "--no-history", "-o", str(tmp_path / "o")]
    ).stdout
    assert "[link=https://evil.example/]Manila[/]" in "".join(out.split()) or (
        "".join(["[link=https://evil.example/]Manila[/]"]) in "".join(out.split())
    )
