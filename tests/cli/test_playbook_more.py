"""Playbooks: working-day lead times, global triggers, `--playbook-dir` on score and triggers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from opsgov.playbooks.calendar import WorkingCalendar
from tests.conftest import REPO, invoke
from tests.support.scorecard_file import read_card

SAMPLE = REPO / "sample_data"

BUSINESS_DAYS = """\
kind: playbook
id: business_days
title: Launch countdown in business days
purpose: Dated in working days of the site's calendar.
owner: HGO
applies_to: {site_statuses: [launching]}
triggers:
  - {type: site_status, site_status: launching}
anchor: go_live
phases:
  - id: final
    title: Final week
    steps:
      - {id: readiness, title: Readiness review, owner: HGO, lead_time_working_days: -5,
         duration_days: 1}
      - {id: comms, title: Comms to agents, owner: SL, lead_time_days: -5, duration_days: 0}
      - {id: cutover, title: Cutover, owner: SL, lead_time_working_days: 0, duration_days: 0,
         depends_on: [readiness]}
      - {id: hypercare_check, title: Hypercare check, owner: QP, lead_time_working_days: 2,
         duration_days: 0, depends_on: [cutover]}
"""

GLOBAL_RED = """\
kind: playbook
id: global_review
title: Global operations review
purpose: The whole operation is red.
owner: HGO
triggers:
  - {type: kpi, kpi: composite, status: red, level: global}
anchor: start
phases:
  - id: review
    title: Review
    steps:
      - {id: meet, title: Review meeting, owner: HGO, lead_time_days: 0, duration_days: 1}
"""


def _folder(tmp_path: Path, **playbooks: str) -> Path:
    folder = tmp_path / "pb"
    folder.mkdir()
    for name, text in playbooks.items():
        (folder / f"{name}.yaml").write_text(text, "utf-8")
    return folder


def test_lead_times_in_working_days_skip_weekends_and_holidays(tmp_path: Path) -> None:
    folder = _folder(tmp_path, business_days=BUSINESS_DAYS)
    out = tmp_path / "c.csv"
    args = ["playbook", "checklist", "business_days", "--site", "CAI1", "--start", "2026-12-01"]
    invoke([*args, "-f", "csv", "-o", str(out), "-w", str(SAMPLE), "--playbook-dir", str(folder)])
    rows = {r["Step id"]: r for r in csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))}
    # Go-live Mon 11 Jan 2027 in Cairo: Friday-Saturday weekend, Thu 7 Jan a holiday. Five
    # working days before: Sun 10, Wed 6, Tue 5, Mon 4, Sun 3 January.
    assert rows["readiness"]["Start"] == "2027-01-03"
    assert rows["comms"]["Start"] == "2027-01-06"  # five calendar days before, a Wednesday
    assert rows["cutover"]["Start"] == "2027-01-11"
    assert rows["hypercare_check"]["Start"] == "2027-01-13"  # Tue 12, Wed 13


def test_lint_wants_one_lead_time_per_step(tmp_path: Path) -> None:
    both = BUSINESS_DAYS.replace(
        "lead_time_working_days: -5,", "lead_time_working_days: -5, lead_time_days: -7,"
    )
    folder = _folder(tmp_path, business_days=both)
    result = invoke(["lint", str(folder / "business_days.yaml")], 1)
    assert "give exactly one of lead_time_days and lead_time_working_days" in result.stdout


@pytest.mark.parametrize(
    ("day", "shift", "expected"),
    [
        (dt.date(2026, 11, 9), -5, dt.date(2026, 11, 2)),  # Monday to Monday
        (dt.date(2026, 11, 9), 0, dt.date(2026, 11, 9)),
        (dt.date(2026, 11, 7), 0, dt.date(2026, 11, 9)),  # a Saturday: the next working day
        (dt.date(2026, 11, 6), 1, dt.date(2026, 11, 9)),  # Friday + 1 is Monday
        (dt.date(2026, 11, 9), -1, dt.date(2026, 11, 6)),
    ],
)
def test_shift_working(day: dt.date, shift: int, expected: dt.date) -> None:
    assert WorkingCalendar().shift_working(day, shift) == expected


def test_a_global_trigger_fires_on_the_whole_operation(tmp_path: Path) -> None:
    folder = _folder(tmp_path, global_review=GLOBAL_RED)
    base = ["--period", "2026-10", "-w", str(SAMPLE)]
    card_out = tmp_path / "out"
    invoke(["score", *base, "--out", str(card_out), "--no-history", "--playbook-dir", str(folder)])
    card = read_card(card_out)
    scope = next(s for s in card["scopes"] if s["level"] == "global" and s["queue"] is None)
    assert scope["status"] == "red"
    fired = [p for p in card["playbooks"] if p["playbook"] == "global_review"]
    assert [p["scope"] for p in fired] == ["global"]
    assert "composite" in fired[0]["why"] and "red" in fired[0]["why"]
    listed = json.loads(
        invoke(["playbook", "triggers", *base, "-f", "json", "--playbook-dir", str(folder)]).stdout
    )
    assert [p["scope"] for p in listed if p["playbook"] == "global_review"] == ["global"]
    without = json.loads(invoke(["playbook", "triggers", *base, "-f", "json"]).stdout)
    assert not [p for p in without if p["playbook"] == "global_review"]


def test_score_fires_the_workspace_playbooks_as_they_are_now(tmp_path: Path) -> None:
    """The workspace's library comes with its cached definitions: an edit is never missed."""
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE, ws, ignore=shutil.ignore_patterns("out", "*.sqlite*", "tests"))
    (ws / "playbooks").mkdir()
    review = ws / "playbooks" / "global_review.yaml"
    args = ["score", "--period", "2026-10", "-w", str(ws), "--no-history", "-q"]

    def fired(out: str) -> list[str]:
        invoke([*args, "--out", str(tmp_path / out)])
        card = read_card(tmp_path / out)
        return [p["scope"] for p in card["playbooks"] if p["playbook"] == "global_review"]

    assert fired("none") == []
    review.write_text(GLOBAL_RED, "utf-8")
    assert fired("red") == ["global"]
    assert fired("again") == ["global"]
    launch = "{type: site_status, site_status: launching}"
    review.write_text(
        GLOBAL_RED.replace("{type: kpi, kpi: composite, status: red, level: global}", launch),
        "utf-8",
    )
    assert fired("launching") == ["CAI1"]  # the sample's one launching site
    review.unlink()
    assert fired("gone") == []
