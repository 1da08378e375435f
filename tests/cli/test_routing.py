"""Which intake profile reads each file: name, then the registry's vendor, then the content.

The sample month's real files (Acme's report with its 'Daily Report' sheet and title banner; the
in-house export, saved by LibreOffice, with its 'daily_metrics' sheet) are renamed so that both
vendors name files `{site}_{period}.xlsx`. Expected routes and row counts are worked out from
the registry (each site's vendor and queues) and the calendar: a daily file has one row per day
of October (31) and queue.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import invoke
from tests.support import sample_month as sm
from tests.support.scorecard_file import read_card

PERIOD = "2026-10"
DAYS = 31
RENAMED = {  # the sample's file -> the name both vendors now use
    "MNL1_ops_2026-10.xlsx": "MNL1_2026-10.xlsx",  # Acme (acme_bpo), queues general, child_safety
    "HYD1_ops_2026-10.xlsx": "HYD1_2026-10.xlsx",  # Acme, queue general
    "DUB1_daily_metrics_2026-10.xlsx": "DUB1_2026-10.xlsx",  # in-house, general, escalations
    "AUS1_daily_metrics_2026-10.ods": "AUS1_2026-10.ods",  # in-house, general, escalations
}


def _set_pattern(root: Path, profile: str, pattern: str, **changes: Any) -> None:
    path = root / "profiles" / f"{profile}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["files"]["pattern"] = pattern
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")


def _add_profile(root: Path, source: str, new_id: str, **changes: Any) -> None:
    data = yaml.safe_load((root / "profiles" / f"{source}.yaml").read_text("utf-8"))
    data["id"] = new_id
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    (root / "profiles" / f"{new_id}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.fixture
def shared_names(tmp_path: Path) -> Path:
    """The sample workspace with only October, Acme and in-house files named `{site}_{period}`."""
    root = tmp_path / "ws"
    shutil.copytree(sm.SAMPLE_WORKSPACE, root, ignore=shutil.ignore_patterns("inbox", "out"))
    month = root / "inbox" / PERIOD
    shutil.copytree(sm.SAMPLE_WORKSPACE / "inbox" / PERIOD, month)
    for old, new in RENAMED.items():
        (month / old).rename(month / new)
    _set_pattern(root, "acme_daily_ops", "{site}_{period}.xlsx")
    _set_pattern(root, "inhouse_daily_metrics", "{site}_{period}.*")
    return root


def _validate(root: Path, *args: str, code: int = 0) -> dict[str, Any]:
    result = invoke(["validate", "-w", str(root), "--format", "json", *args], code)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _reads(data: dict[str, Any]) -> dict[str, tuple[str | None, str | None, list[str], int]]:
    return {
        Path(r["file"]).name: (r["profile"], r["rule"], r["sites"], r["rows"])
        for r in data["reads"]
    }


def test_each_vendor_s_files_go_to_its_own_profile(shared_names: Path) -> None:
    data = _validate(shared_names, "--period", PERIOD)
    reads = _reads(data)
    # both patterns take MNL1_2026-10.xlsx; MNL1 is acme_bpo's site, so Acme's profile reads it
    assert reads["MNL1_2026-10.xlsx"] == ("acme_daily_ops", "vendor", ["MNL1"], DAYS * 2)
    assert reads["HYD1_2026-10.xlsx"] == ("acme_daily_ops", "vendor", ["HYD1"], DAYS * 1)
    assert reads["DUB1_2026-10.xlsx"] == ("inhouse_daily_metrics", "vendor", ["DUB1"], DAYS * 2)
    # only the in-house pattern (`.*`) takes an .ods name
    assert reads["AUS1_2026-10.ods"] == ("inhouse_daily_metrics", "name", ["AUS1"], DAYS * 2)
    assert reads["TW_KUL1_202610.csv"] == ("teleworks_daily_csv", "name", ["KUL1"], DAYS)
    # the sample month's results are unchanged: no error, no warning
    assert (data["summary"]["error"], data["summary"]["warning"]) == (0, 0)
    assert data["summary"]["not_read"] == 0


def test_text_output_shows_file_profile_sites_rows(shared_names: Path) -> None:
    out = invoke(["validate", "-w", str(shared_names), "--period", PERIOD]).stdout
    lines = out.splitlines()
    at = lines.index("  inbox/2026-10/MNL1_2026-10.xlsx")
    assert lines[at + 1] == "    -> acme_daily_ops (by vendor) -> MNL1 -> 62 rows"
    assert max(len(line) for line in lines[: lines.index(lines[at]) + 2]) <= 80


def test_the_content_decides_between_two_profiles_of_the_vendor(shared_names: Path) -> None:
    # Acme's new template: same file names, a 'Daily KPIs' sheet the current files do not have
    _add_profile(shared_names, "acme_daily_ops", "acme_daily_kpis", sheet={"name": "Daily KPIs"})
    # a profile of no vendor that reads any `{site}_{period}` file with a 'daily_metrics' sheet
    _add_profile(shared_names, "inhouse_daily_metrics", "generic_metrics", vendor=None)
    data = _validate(shared_names, "--period", PERIOD, code=1)
    reads = _reads(data)
    # MNL1: acme_daily_ops, acme_daily_kpis and generic_metrics take the name; only the first
    # has its sheet ('Daily Report') in the file
    assert reads["MNL1_2026-10.xlsx"] == ("acme_daily_ops", "content", ["MNL1"], 62)
    assert reads["HYD1_2026-10.xlsx"] == ("acme_daily_ops", "content", ["HYD1"], 31)
    # DUB1: the in-house profile and the vendor-less copy both fit: an error naming both
    assert reads["DUB1_2026-10.xlsx"] == (None, None, [], 0)
    ties = [i for i in data["issues"] if i["code"] == "V326"]
    assert {Path(i["file"]).name for i in ties} == {"DUB1_2026-10.xlsx", "AUS1_2026-10.ods"}
    for tie in ties:
        assert tie["severity"] == "error"
        assert "`generic_metrics`" in tie["message"]
        assert "`inhouse_daily_metrics`" in tie["message"]


def test_profile_forces_one_and_a_tie_names_both(shared_names: Path) -> None:
    _add_profile(shared_names, "acme_daily_ops", "acme_daily_ops_copy")
    month = shared_names / "inbox" / PERIOD
    named = str(month / "MNL1_2026-10.xlsx")
    data = _validate(shared_names, named, code=1)
    [tie] = [i for i in data["issues"] if i["code"] == "V326"]
    assert tie["file"] == "inbox/2026-10/MNL1_2026-10.xlsx"
    assert "`acme_daily_ops` and `acme_daily_ops_copy`" in tie["message"]
    assert _reads(data)["MNL1_2026-10.xlsx"][0] is None

    forced = _validate(shared_names, named, "--profile", "acme_daily_ops_copy")
    assert _reads(forced)["MNL1_2026-10.xlsx"] == ("acme_daily_ops_copy", "forced", ["MNL1"], 62)
    assert forced["summary"]["error"] == 0

    unknown = invoke(["validate", "-w", str(shared_names), named, "--profile", "nope"], 2)
    assert "no intake profile has this id" in unknown.stderr
    period_only = invoke(["validate", "-w", str(shared_names), "-p", PERIOD, "--profile", "x"], 2)
    assert "--profile reads the files you name" in period_only.stderr
    invoice = invoke(["validate", "-w", str(shared_names), named, "--profile", "acme_invoice"], 2)
    assert "`opsgov credits` reconciles" in invoice.stderr


def test_forced_profile_whose_pattern_gives_the_site_needs_a_matching_name(
    shared_names: Path,
) -> None:
    month = shared_names / "inbox" / PERIOD
    odd = month / "manila october.xlsx"
    shutil.copy(month / "MNL1_2026-10.xlsx", odd)
    data = _validate(shared_names, str(odd), "--profile", "acme_daily_ops", code=1)
    [issue] = [i for i in data["issues"] if i["code"] == "V329"]
    assert issue["found"] == "manila october.xlsx"
    assert issue["expected"] == "{site}_{period}.xlsx"


def test_a_named_file_nothing_reads_is_an_error(shared_names: Path) -> None:
    month = shared_names / "inbox" / PERIOD
    odd = month / "odd_name.xlsx"
    shutil.copy(month / "MNL1_2026-10.xlsx", odd)
    data = _validate(shared_names, str(odd), code=1)
    [issue] = data["issues"]
    assert (issue["code"], issue["severity"]) == ("V328", "error")
    assert data["reads"] == [
        {"file": "inbox/2026-10/odd_name.xlsx", "profile": None, "rule": None}
        | {"sites": [], "rows": 0}
    ]
    assert data["summary"]["not_read"] == 1
    text = invoke(["validate", "-w", str(shared_names), str(odd)], 1).stdout
    assert "odd_name.xlsx\n    -> no profile: not read" in text
    assert "error V328" in text


def test_an_unread_file_of_the_inbox_is_a_warning_the_summary_names(shared_names: Path) -> None:
    month = shared_names / "inbox" / PERIOD
    shutil.copy(month / "MNL1_2026-10.xlsx", month / "odd_name.xlsx")
    # named for MNL1 (Acme's site), taken only by the in-house pattern: not the in-house profile's
    shutil.copy(month / "TW_KUL1_202610.csv", month / "MNL1_2026-10.csv")
    data = _validate(shared_names, "--period", PERIOD)  # warnings only: exit 0
    unread = {Path(i["file"]).name: i for i in data["issues"] if i["code"] == "V322"}
    assert set(unread) == {"odd_name.xlsx", "MNL1_2026-10.csv"}
    assert {i["severity"] for i in unread.values()} == {"warning"}
    assert (
        "inhouse_daily_metrics is inhouse's, and MNL1 is acme_bpo's site"
        in (unread["MNL1_2026-10.csv"]["message"])
    )
    assert data["summary"]["not_read"] == 2
    summary = invoke(["validate", "-w", str(shared_names), "-p", PERIOD, "-q"]).stdout
    assert summary.strip().endswith(
        "Not read by any profile (2): inbox/2026-10/MNL1_2026-10.csv, inbox/2026-10/odd_name.xlsx."
    )


def test_scorecard_json_records_which_profile_read_each_file(
    shared_names: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    invoke(["score", "-p", PERIOD, "-w", str(shared_names), "--out", str(out), "--no-history"])
    card = read_card(out)
    reads = {Path(r["file"]).name: r for r in card["reads"]}
    assert set(reads) == {*RENAMED.values(), *(p.name for p in _others())}
    assert reads["MNL1_2026-10.xlsx"] == {
        "file": "inbox/2026-10/MNL1_2026-10.xlsx",
        "profile": "acme_daily_ops",
        "rule": "vendor",
        "sites": ["MNL1"],
        "rows": 62,
    }
    # one row per live site (CAI1 is launching)
    assert reads["Finance_site_costs_2026-10.xlsx"]["rows"] == 8
    assert reads["DUB1_2026-10.xlsx"]["profile"] == "inhouse_daily_metrics"


def _others() -> list[Path]:
    month = sm.SAMPLE_WORKSPACE / "inbox" / PERIOD
    invoice = "ACME_invoice_2026-10.xlsx"  # read by `opsgov credits`, never scored
    return [p for p in month.iterdir() if p.name not in RENAMED and p.name != invoice]


def _lint(root: Path, code: int) -> list[dict[str, Any]]:
    result = invoke(["lint", str(root), "--format", "json"], code)
    issues: list[dict[str, Any]] = json.loads(result.stdout)["issues"]
    return issues


def test_lint_refuses_a_profile_vendor_the_registry_does_not_have(shared_names: Path) -> None:
    path = shared_names / "profiles" / "acme_daily_ops.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("vendor: acme_bpo", "vendor: acme"), "utf-8")
    line = 1 + text.splitlines().index("vendor: acme_bpo")
    [issue] = [i for i in _lint(shared_names, 1) if i["code"] == "D154"]
    assert (issue["file"].endswith("acme_daily_ops.yaml"), issue["line"]) == (True, line)
    assert issue["found"] == "acme" and "`acme_bpo`" in issue["hint"]


def test_lint_warns_of_two_profiles_no_rule_can_tell_apart(shared_names: Path) -> None:
    _add_profile(shared_names, "acme_daily_ops", "acme_daily_ops_copy")
    # a vendor-less copy of the in-house profile with another sheet is told apart by content
    _add_profile(
        shared_names, "inhouse_daily_metrics", "other", vendor=None, sheet={"name": "Other"}
    )
    [issue] = [i for i in _lint(shared_names, 0) if i["code"] == "D153"]
    assert issue["severity"] == "warning"
    assert "`acme_daily_ops`" in issue["message"] and "`acme_daily_ops_copy`" in issue["message"]


def test_a_file_whose_content_fits_none_of_its_vendor_s_profiles(shared_names: Path) -> None:
    _add_profile(shared_names, "acme_daily_ops", "acme_daily_kpis", sheet={"name": "Daily KPIs"})
    month = shared_names / "inbox" / PERIOD
    # the in-house export sent under an Acme site's name: Acme's two profiles take the name,
    # the in-house one is not HYD1's vendor's, and the file has neither Acme sheet
    (month / "HYD1_2026-10.xlsx").unlink()
    shutil.copy(month / "DUB1_2026-10.xlsx", month / "HYD1_2026-10.xlsx")
    data = _validate(shared_names, str(month / "HYD1_2026-10.xlsx"), code=1)
    [issue] = data["issues"]
    assert (issue["code"], issue["found"]) == (
        "V327",
        "acme_daily_kpis, acme_daily_ops",
    )  # file-name order
    assert "acme_daily_ops: no sheet named 'Daily Report'" in issue["message"]
    assert "acme_daily_kpis: no sheet named 'Daily KPIs'" in issue["message"]
    assert _reads(data)["HYD1_2026-10.xlsx"] == (None, None, [], 0)


def test_a_profile_s_listed_file_is_read_in_every_month_s_folder(tmp_path: Path) -> None:
    """`files.paths` names a file of the month's input folder, whatever the month."""
    root = tmp_path / "ws"
    shutil.copytree(sm.SAMPLE_WORKSPACE, root, ignore=shutil.ignore_patterns("inbox", "out"))
    month = root / "inbox" / PERIOD
    shutil.copytree(sm.SAMPLE_WORKSPACE / "inbox" / PERIOD, month)
    as_named = _reads(_validate(root, "--period", PERIOD))[f"HR_headcount_{PERIOD}.xlsx"]
    (month / f"HR_headcount_{PERIOD}.xlsx").rename(month / "People headcount.xlsx")
    path = root / "profiles" / "hr_headcount_monthly.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["files"] = {"paths": ["People headcount.xlsx"]}
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    invoke(["lint", "-w", str(root)])
    reads = _reads(_validate(root, "--period", PERIOD))
    profile, _rule, sites, rows = reads["People headcount.xlsx"]
    assert profile == "hr_headcount_monthly"
    assert (sites, rows) == (as_named[2], as_named[3])  # the same rows as under its usual name
