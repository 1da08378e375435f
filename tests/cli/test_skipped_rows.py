"""Rows that are not data: a totals row is recognised by what it is, and every skipped row is
reported. Queue names that merely begin like a totals word are data, and their items count."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from opsgov.pipeline import load_definitions, validate
from tests.cli.test_validate import HEADER, _workspace, _xlsx
from tests.conftest import invoke

QUEUES = {"Summer Surge": "escalations", "Summary reviews": "general", "@SUM(1)": "general"}


def _workspace_with_queues(tmp_path: Path) -> Path:
    root = _workspace(tmp_path)
    profile = root / "profiles" / "acme.yaml"
    mapping = ", ".join(f'"{k}": {v}' for k, v in QUEUES.items())
    profile.write_text(
        profile.read_text("utf-8").replace(
            'values: {"General Moderation": general}',
            f'values: {{"General Moderation": general, {mapping}}}',
        ),
        "utf-8",
    )
    return root


def _row(day: int, queue: str, handled: int) -> list[object]:
    return [dt.datetime(2026, 10, day), queue, handled, "07:00", 10, 9, 95.0]


def _handled(root: Path, path: Path) -> float:
    run = validate(load_definitions(root), files=[path])
    return float(sum(block.measures["items_handled"].sum() for block in run.blocks))


def _issues(root: Path, path: Path, code: int = 0) -> list[dict[str, str]]:
    result = invoke(
        [
            "validate",
            "--workspace",
            str(root),
            "--format",
            "json",
            str(path),
            "--period",
            "2026-10",
        ],
        code,
    )
    issues: list[dict[str, str]] = json.loads(result.stdout)["issues"]
    return issues


def test_queue_names_that_begin_like_a_total_are_data(tmp_path: Path) -> None:
    root = _workspace_with_queues(tmp_path)
    rows = [
        _row(1, "General Moderation", 100),
        _row(1, "Summer Surge", 20_510),
        _row(2, "Summary reviews", 300),
        _row(3, "@SUM(1)", 7),
    ]
    path = _xlsx(root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx", rows)
    assert _handled(root, path) == 100 + 20_510 + 300 + 7
    assert _issues(root, path) == []


def test_a_totals_label_whose_figures_add_nothing_up_is_read_as_data(tmp_path: Path) -> None:
    # "Total Care" could be a queue: its 55 items are no sum of the rows above (101, 102),
    # and data follows it, so it is data, with a warning at its label.
    root = _workspace_with_queues(tmp_path)
    rows = [
        _row(1, "General Moderation", 101),
        _row(2, "General Moderation", 102),
        [dt.datetime(2026, 10, 4), "Total Care", 55, "07:00", 3, 2, 95.0],
        _row(3, "General Moderation", 103),
    ]
    profile = root / "profiles" / "acme.yaml"
    profile.write_text(
        profile.read_text("utf-8").replace('"@SUM(1)": general', '"Total Care": general'),
        "utf-8",
    )
    path = _xlsx(root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx", rows)
    assert _handled(root, path) == 101 + 102 + 55 + 103
    found = [(i["code"], i["severity"], i["cell"], i["found"]) for i in _issues(root, path)]
    assert found == [("V341", "warning", "B6", "Total Care")]


def test_a_last_totals_row_that_does_not_add_up_is_left_out_with_a_warning(
    tmp_path: Path,
) -> None:
    root = _workspace_with_queues(tmp_path)
    rows: list[list[object]] = [
        _row(1, "General Moderation", 101),
        _row(2, "General Moderation", 102),
        [None, "Total", 999, None, 99, 98, None],  # no figure is a sum of rows 4-5
    ]
    path = _xlsx(root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx", rows)
    assert _handled(root, path) == 101 + 102
    found = {(i["code"], i["severity"], i["cell"]) for i in _issues(root, path)}
    assert found == {("V340", "info", "B6"), ("V342", "warning", "B6")}


def test_blank_rows_and_profile_skips_are_reported_with_their_rows(tmp_path: Path) -> None:
    root = _workspace_with_queues(tmp_path)
    profile = root / "profiles" / "acme.yaml"
    profile.write_text(profile.read_text("utf-8") + "skip: {matching: [Note]}\n", "utf-8")
    rows: list[list[object]] = [
        _row(1, "General Moderation", 101),
        [None] * len(HEADER),
        _row(2, "General Moderation", 102),
        [None, "Note: figures are provisional", None, None, None, None, None],
    ]
    path = _xlsx(root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx", rows)
    assert _handled(root, path) == 101 + 102
    (issue,) = _issues(root, path)
    assert (issue["code"], issue["found"]) == ("V340", "2")
    assert issue["cell"] == "A5"  # the first row left out
    assert "; blank row 5" in issue["message"]
    assert ": row 7 starting with a text the profile skips" in issue["message"]
