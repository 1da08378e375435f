"""`opsgov playbook`: list, show, checklist in every format for every shipped playbook, triggers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from opsgov.pipeline import load_definitions
from opsgov.playbooks.library import load_playbook_file
from opsgov.playbooks.outputs import COLUMNS
from opsgov.playbooks.resolve import not_applicable
from opsgov.playbooks.xlsx import HEADER_ROW
from tests.conftest import REPO, invoke
from tests.support.libreoffice import convert
from tests.support.scorecard_file import read_card
from tests.unit.test_playbook_engine import LAUNCH_YAML

SAMPLE = REPO / "sample_data"
SHIPPED = sorted((REPO / "playbooks").glob("*.yaml"))
FORMATS = ("md", "csv", "html", "xlsx")
START = "2026-07-01"


def sample_site(path: Path) -> tuple[str, list[str]]:
    """A sample site the playbook is for (and --force when none is), plus the options needed."""
    pb = load_playbook_file(path)
    registry = load_definitions(SAMPLE).registry
    for site in registry.sites:
        vendor = next(v for v in registry.vendors if v.id == site.vendor)
        if not not_applicable(pb, site, vendor):
            break
    else:
        site = registry.sites[0]
        return site.id, ["--force", "--anchor-date", "2026-10-01"]
    anchor = pb.anchor in {"go_live", "closed"} and getattr(site, pb.anchor) is None
    return site.id, (["--anchor-date", "2026-10-01"] if anchor else [])


def test_shipped_playbooks_exist() -> None:
    assert (REPO / "playbooks" / "new_site_launch.yaml") in SHIPPED


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_playbook_renders_in_every_format(
    path: Path, fmt: str, tmp_path: Path
) -> None:
    pb = load_playbook_file(path)
    site, extra = sample_site(path)
    out = tmp_path / f"checklist.{fmt}"
    args = ["playbook", "checklist", pb.id, "--site", site, "--start", START, "--format", fmt]
    args += ["--out", str(out), "--workspace", str(SAMPLE), "--as-of", "2026-10-01", *extra]
    invoke(args)
    step_ids = {s.id for s in pb.steps()}
    if fmt == "xlsx":
        sheet = load_workbook(out)["Checklist"]
        ids = {sheet.cell(r, 2).value for r in range(HEADER_ROW + 1, sheet.max_row + 1)}
        assert step_ids - {v for v in ids if v} <= {s for v in pb.variants for s in v.remove}
        return
    text = out.read_text("utf-8-sig")
    missing = {s for s in step_ids if s not in text}
    assert missing <= {s for v in pb.variants for s in v.remove}
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert tuple(rows[0]) == COLUMNS and len(rows) > 1
    if fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "<script" not in text
        assert "http://" not in text and "https://" not in text


def test_outputs_are_deterministic(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}.xlsx"
        invoke(
            [
                "playbook",
                "checklist",
                "new_site_launch",
                "--site",
                "CAI1",
                "--start",
                START,
                "-f",
                "xlsx",
                "-o",
                str(out),
                "-w",
                str(SAMPLE),
            ]
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_markdown_goes_to_stdout_with_the_critical_path_and_owners() -> None:
    result = invoke(
        [
            "playbook",
            "checklist",
            "new_site_launch",
            "--site",
            "CAI1",
            "--start",
            "2026-08-01",
            "-w",
            str(SAMPLE),
        ]
    )
    assert "# New site / new BPO launch: CAI1 Cairo" in result.stdout
    path_line = next(x for x in result.stdout.splitlines() if x.startswith("- **Critical path"))
    assert path_line.index("demand") < path_line.index("location") < path_line.index("cutover")
    assert "Maria Lindqvist" in result.stdout
    assert "P620" in result.stderr  # 2026-08-01 leaves the first steps short of their lead time


@pytest.mark.slow
def test_the_xlsx_opens_in_libreoffice(tmp_path: Path) -> None:
    out = tmp_path / "checklist.xlsx"
    invoke(
        [
            "playbook",
            "checklist",
            "new_site_launch",
            "--site",
            "DUB1",
            "--start",
            START,
            "-f",
            "xlsx",
            "-o",
            str(out),
            "-w",
            str(SAMPLE),
            "--force",
            "--as-of",
            "2026-12-01",
        ]
    )
    assert load_workbook(out)["Checklist"].freeze_panes == "C5"
    resaved = convert(out, "xlsx", tmp_path / "lo")
    book = load_workbook(resaved)
    sheet = book["Checklist"]
    header = [c.value for c in sheet[HEADER_ROW]][: len(COLUMNS)]
    assert tuple(header) == COLUMNS
    assert sheet.cell(HEADER_ROW + 1, 2).value == "demand_model"
    # (LibreOffice run headless drops frozen panes on any file; the rest must survive.)
    assert sheet.data_validations.dataValidation, "the status drop-down survives"
    assert list(sheet.conditional_formatting), "the overdue highlighting survives"
    assert sheet["F2"].value == dt.datetime(2026, 12, 1)


def hostile_playbook(folder: Path) -> None:
    """The test launch playbook under the built-in launch playbook's id, with hostile titles."""
    text = LAUNCH_YAML.replace("id: launch_demo", "id: new_site_launch")
    text = text.replace("title: Demand model", 'title: "=HYPERLINK(\\"x\\")"')
    text = text.replace("title: Location options", 'title: "<script>alert(1)</script>"')
    text = text.replace("title: Business case", 'title: "@SUM(A1)"')
    text = text.replace("title: RFP", 'title: "-2+3"')
    folder.mkdir()
    (folder / "new_site_launch.yaml").write_text(text, "utf-8")


def test_text_stays_text_and_html_is_escaped(tmp_path: Path) -> None:
    hostile_playbook(tmp_path / "pb")
    base = ["playbook", "checklist", "new_site_launch", "--site", "CAI1", "--start", START]
    base += ["-w", str(SAMPLE), "--playbook-dir", str(tmp_path / "pb")]
    invoke([*base, "-f", "xlsx", "-o", str(tmp_path / "c.xlsx")])
    sheet = load_workbook(tmp_path / "c.xlsx")["Checklist"]
    titles = {sheet.cell(r, 4).value: sheet.cell(r, 4).data_type for r in range(5, 9)}
    assert set(titles) == {'=HYPERLINK("x")', "<script>alert(1)</script>", "@SUM(A1)", "-2+3"}
    assert set(titles.values()) == {"s"}
    html = invoke([*base, "-f", "html"]).stdout
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    rows = list(csv.reader(io.StringIO(invoke([*base, "-f", "csv"]).stdout.lstrip("\ufeff"))))
    assert rows[1][3] == '\'=HYPERLINK("x")'


def test_list_shows_where_each_playbook_was_found(tmp_path: Path) -> None:
    hostile_playbook(tmp_path / "pb")
    result = invoke(
        [
            "playbook",
            "list",
            "-w",
            str(SAMPLE),
            "--playbook-dir",
            str(tmp_path / "pb"),
            "-f",
            "json",
        ]
    )
    data = json.loads(result.stdout)
    sources = {p["id"]: p["source"] for p in data["playbooks"]}
    assert sources["new_site_launch"] == "--playbook-dir"
    assert all(s == "built-in" for k, s in sources.items() if k != "new_site_launch")
    assert [s["id"] for s in data["shadowed"]] == ["new_site_launch"]
    text = invoke(["playbook", "list", "-w", str(SAMPLE)]).stdout
    assert "new_site_launch" in text and "built-in" in text


def test_show_prints_the_playbook() -> None:
    data = json.loads(invoke(["playbook", "show", "new_site_launch", "-f", "json"]).stdout)
    assert data["id"] == "new_site_launch" and data["anchor"] == "go_live"
    assert "Go/no-go decision" in invoke(["playbook", "show", "new_site_launch"]).stdout
    assert "Did you mean" in invoke(["playbook", "show", "new_site_lunch"], 2).stderr


def test_checklist_usage_errors(tmp_path: Path) -> None:
    base = ["playbook", "checklist", "new_site_launch", "-w", str(SAMPLE)]
    assert "no site 'CAI2'" in invoke([*base, "--site", "CAI2", "--start", START], 2).stderr
    assert "YYYY-MM-DD" in invoke([*base, "--site", "CAI1", "--start", "1/7/26"], 2).stderr
    assert "--out" in invoke([*base, "--site", "CAI1", "--start", START, "-f", "xlsx"], 2).stderr
    assert "not for site DUB1" in invoke([*base, "--site", "DUB1", "--start", START], 2).stderr


def test_triggers_lists_what_fires_and_why() -> None:
    data = json.loads(
        invoke(
            ["playbook", "triggers", "--period", "2026-10", "-w", str(SAMPLE), "-f", "json"]
        ).stdout
    )
    assert {
        "playbook": "new_site_launch",
        "scope": "CAI1",
        "why": "site CAI1 is launching (go-live 2027-01-11)",
    } in data
    text = invoke(["playbook", "triggers", "--period", "2026-10", "-w", str(SAMPLE)]).stdout
    assert "new_site_launch" in text and "CAI1" in text


def test_score_outputs_show_the_triggered_playbooks(tmp_path: Path) -> None:
    invoke(
        ["score", "--period", "2026-10", "-w", str(SAMPLE), "--out", str(tmp_path), "--no-history"]
    )
    card = read_card(tmp_path)
    assert any(p["playbook"] == "new_site_launch" for p in card["playbooks"])
    markdown = (tmp_path / "scorecard.md").read_text("utf-8")
    assert "## Playbooks triggered" in markdown
    row = next(x for x in markdown.splitlines() if x.startswith("| new\\_site\\_launch | CAI1 |"))
    assert "CAI1 is launching" in row and "2027-01-11" in row


def test_init_scaffolds_an_example_playbook_that_lints_clean(tmp_path: Path) -> None:
    target = tmp_path / "ws"
    invoke(["init", str(target)])
    assert (target / "playbooks" / "new_site_launch.yaml").is_file()
    assert "No problems found" in invoke(["lint", "-w", str(target)]).stdout
    result = invoke(["playbook", "list", "-w", str(target), "-f", "json"])
    sources = {p["id"]: p["source"] for p in json.loads(result.stdout)["playbooks"]}
    assert sources["new_site_launch"] == "workspace"
    shutil.rmtree(target)


def test_csv_dates_of_the_test_launch_playbook(tmp_path: Path) -> None:
    folder = tmp_path / "pb"
    folder.mkdir()
    (folder / "launch_demo.yaml").write_text(LAUNCH_YAML, "utf-8")
    out = tmp_path / "c.csv"
    invoke(
        [
            "playbook",
            "checklist",
            "launch_demo",
            "--site",
            "CAI1",
            "--start",
            START,
            "-f",
            "csv",
            "-o",
            str(out),
            "-w",
            str(SAMPLE),
            "--playbook-dir",
            str(folder),
        ]
    )
    rows = {r["Step id"]: r for r in csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))}
    # Go-live Mon 11 Jan 2027 in Cairo (Friday-Saturday weekend): cutover on the day, and the
    # go/no-go the day before (Sun 10 Jan, a working day in Egypt).
    assert rows["cutover"]["Start"] == rows["cutover"]["Due"] == "2027-01-11"
    assert rows["go_no_go"]["Due"] == "2027-01-10"
    assert rows["go_no_go"]["Critical path"] == "yes"
    assert rows["contract"]["Gate"] == (
        "Go/no-go by HGO (Maria Lindqvist): Credits agreed; Exit plan agreed"
    )
