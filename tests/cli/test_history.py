"""The history store: one copy of each period, restatements audited, durable under a kill.

Restatements are checked on a copy of the sample workspace: one cell of Lisbon's file is changed
(items received on 1 October, 2,984 -> 3,084), which must restate exactly `items_received` and
the KPI `vol_received` by +100 at Lisbon, its queue, its vendor, its region, the whole operation
and the whole operation's queue, and nothing else. The same set is derived independently from
the two `scorecard.json` files the two runs wrote.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from opsgov.history import HistoryStore, Submission, connect
from opsgov.history import query as hq
from opsgov.history.export import safe_cell
from opsgov.history.schema import SCHEMA_VERSION
from opsgov.models.results import KpiInfo, KpiResult, Level, ScopeResult, Scorecard, Target
from tests.conftest import REPO, invoke

SAMPLE = REPO / "sample_data"
PERIOD = "2026-10"
LISBON = "TW_LIS1_202610.csv"
OLD_CELL = b"01/10/2026;Modera\xe7\xe3o Geral;2.984;"
NEW_CELL = b"01/10/2026;Modera\xe7\xe3o Geral;3.084;"


def copy_workspace(tmp: Path) -> Path:
    target = tmp / "ws"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("out", "history.sqlite*"))
    return target


def score(ws: Path, out: Path, *extra: str, code: int = 0) -> str:
    return invoke(
        ["score", "--period", PERIOD, "--workspace", str(ws), "--out", str(out), *extra], code
    ).stdout


def history_json(ws: Path, *args: str, code: int = 0) -> Any:
    result = invoke(["history", *args, "--workspace", str(ws), "--format", "json"], code)
    return json.loads(result.stdout)


def card_numbers(folder: Path) -> dict[tuple[str, str, str, str, str], float | None]:
    card = Scorecard.model_validate_json((folder / "scorecard.json").read_text("utf-8"))
    out: dict[tuple[str, str, str, str, str], float | None] = {}
    for s in card.scopes:
        out[(s.level, s.id, s.queue or "", "composite", "composite")] = s.composite
        for m, v in s.measures.items():
            out[(s.level, s.id, s.queue or "", "measure", m)] = v
        for k in s.kpis:
            out[(s.level, s.id, s.queue or "", "kpi", k.kpi)] = k.value
    return out


@pytest.fixture(scope="module")
def restated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Score 2026-10 twice unchanged, then once more after correcting Lisbon's file."""
    tmp = tmp_path_factory.mktemp("history")
    ws = copy_workspace(tmp)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", "120")
        mp.setenv("NO_COLOR", "1")
        first = score(ws, tmp / "first")
        again = score(ws, tmp / "again")
        lisbon = ws / "inbox" / PERIOD / LISBON
        data = lisbon.read_bytes()
        assert data.count(OLD_CELL) == 1
        lisbon.write_bytes(data.replace(OLD_CELL, NEW_CELL))
        third = score(ws, tmp / "restated")
    return {"ws": ws, "tmp": tmp, "outputs": [first, again, third]}


def test_store_connection_settings(tmp_path: Path) -> None:
    conn = connect(tmp_path / "h.sqlite")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_score_records_and_says_so(restated: dict[str, Any]) -> None:
    first, again, third = restated["outputs"]
    assert "history: recorded 2026-10" in first
    assert "history: 2026-10 re-scored, no number changed" in again
    assert "history: 2026-10 restated, 12 number(s) changed" in third
    assert (restated["ws"] / "history.sqlite").is_file()


def test_rescoring_leaves_one_copy(restated: dict[str, Any]) -> None:
    rows = history_json(restated["ws"], "list")
    assert [r["period"] for r in rows] == [PERIOD]
    assert rows[0]["recordings"] == 3 and rows[0]["restatements"] == 1
    with HistoryStore.open(restated["ws"] / "history.sqlite", create=False) as store:
        conn = store.conn
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
        scopes = conn.execute("SELECT count(*) FROM scopes").fetchone()[0]
        card = Scorecard.model_validate_json(
            (restated["tmp"] / "restated" / "scorecard.json").read_text("utf-8")
        )
        assert scopes == len(card.scopes)
        outcomes = [e.outcome for e in hq.log(store, PERIOD)]
        assert outcomes == ["new", "unchanged", "restated"]


def expected_restatement() -> set[tuple[str, str, str, str, str]]:
    scopes = [
        ("global", "global", ""),
        ("global", "global", "general"),
        ("region", "EMEA", ""),
        ("vendor", "teleworks", ""),
        ("site", "LIS1", ""),
        ("site", "LIS1", "general"),
    ]
    return {
        (*s, kind, item)
        for s in scopes
        for kind, item in (("measure", "items_received"), ("kpi", "vol_received"))
    }


def test_diff_shows_exactly_the_restated_numbers(restated: dict[str, Any]) -> None:
    changes = history_json(restated["ws"], "diff", PERIOD)
    got = {(c["level"], c["scope"], c["queue"] or "", c["kind"], c["item"]) for c in changes}
    assert got == expected_restatement()
    assert all(c["change"] == pytest.approx(100.0) for c in changes)
    # Independently: the numbers that differ between the two scorecard.json files.
    before = card_numbers(restated["tmp"] / "again")
    after = card_numbers(restated["tmp"] / "restated")
    differ = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert got == differ
    for c in changes:
        key = (c["level"], c["scope"], c["queue"] or "", c["kind"], c["item"])
        assert (c["old"], c["new"]) == (before[key], after[key])


def test_restatements_keep_the_audit_trail(restated: dict[str, Any]) -> None:
    [event] = history_json(restated["ws"], "restatements", PERIOD)
    assert event["previous_run_time"] <= event["run_time"]
    assert list(event["inputs"]) == [f"inbox/{PERIOD}/{LISBON}"]
    old_sha, new_sha = event["inputs"][f"inbox/{PERIOD}/{LISBON}"]
    assert old_sha != new_sha and len(new_sha) == 64
    assert len(event["changes"]) == 12
    shown = history_json(restated["ws"], "show", PERIOD)
    assert len(shown["restatements"]) == 1
    assert [r["outcome"] for r in shown["recordings"]] == ["new", "unchanged", "restated"]
    text = invoke(["history", "restatements", PERIOD, "--workspace", str(restated["ws"])]).stdout
    assert "items_received" in text and "+100" in text


def test_diff_between_two_periods_lists_only_differences(restated: dict[str, Any]) -> None:
    ws = restated["ws"]
    score_other = invoke(
        ["score", "--period", "2026-09", "--workspace", str(ws), "--out", str(ws / "o9"), "-q"]
    )
    assert score_other.exit_code == 0
    changes = history_json(ws, "diff", "2026-09", PERIOD, "--kind", "composite")
    assert changes and {c["kind"] for c in changes} == {"composite"}
    assert all(c["old"] != c["new"] for c in changes)
    assert history_json(ws, "diff", PERIOD, PERIOD) == []


def test_export_csv(restated: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "h.csv"
    invoke(
        [
            "history",
            "export",
            "--format",
            "csv",
            "--out",
            str(out),
            "--workspace",
            str(restated["ws"]),
        ]
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    lisbon = [
        r
        for r in rows
        if r["scope"] == "LIS1"
        and r["kpi"] == "vol_received"
        and r["queue"] == ""
        and r["period"] == PERIOD
    ]
    assert [float(r["value"]) for r in lisbon] == [86622.0]
    stdout = invoke(
        [
            "history",
            "export",
            "--what",
            "measures",
            "--period",
            PERIOD,
            "--workspace",
            str(restated["ws"]),
        ]
    ).stdout
    assert stdout.startswith("period,level,scope,queue,name,measure,value")


def test_csv_cells_cannot_become_formulas() -> None:
    for text in (
        "=1+1",
        '=HYPERLINK("http://x","y")',
        "+1+1",
        "-2+3",
        "@SUM(1)",
        "\t=1",
        "\r=1",
        " =1",
        "\u00a0=1",
        "ok\n=1",
    ):
        cell = safe_cell(text)
        assert isinstance(cell, str) and cell.startswith("'"), text
    assert safe_cell("Dublin") == "Dublin"
    assert safe_cell(-2.5) == "-2.5" and safe_cell(3) == 3 and safe_cell(None) == ""
    assert safe_cell("a\x07b") == "a\ufffdb"


def test_no_history_flag_and_workspace_setting(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    score(ws, tmp_path / "o", "--no-history", "-q")
    assert not (ws / "history.sqlite").exists()
    settings = ws / "opsgov.yaml"
    settings.write_text(settings.read_text("utf-8") + "history: data/ops-history.sqlite\n", "utf-8")
    score(ws, tmp_path / "o", "-q")
    assert (ws / "data" / "ops-history.sqlite").is_file()
    assert [r["period"] for r in history_json(ws, "list")] == [PERIOD]


def test_reading_commands_fail_clearly(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite"
    result = invoke(["history", "list", "--history", str(missing)], 2)
    assert "no history at" in result.stderr
    assert not missing.exists()
    store = tmp_path / "h.sqlite"
    HistoryStore.open(store).close()
    result = invoke(["history", "show", "2030-01", "--history", str(store)], 2)
    assert "the history has no 2030-01" in result.stderr
    assert "YYYY-MM" in invoke(["history", "diff", "2026-13", "--history", str(store)], 2).stderr


def test_a_submission_missing_at_first_and_sent_later_is_late(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    kul1 = ws / "inbox" / PERIOD / "TW_KUL1_202610.csv"
    kept = kul1.read_bytes()
    kul1.unlink()
    score(ws, tmp_path / "o", "-q", code=1)  # refused: KUL1's measures are missing (V323)
    score(ws, tmp_path / "o", "-q", "--allow-invalid")
    kul1.write_bytes(kept)
    score(ws, tmp_path / "o", "-q")
    with HistoryStore.open(ws / "history.sqlite", create=False) as store:
        entries = hq.log(store, PERIOD)
        assert [e.outcome for e in entries] == ["new", "restated"]
        assert f"inbox/{PERIOD}/TW_KUL1_202610.csv" not in entries[0].inputs
        assert f"inbox/{PERIOD}/TW_KUL1_202610.csv" in entries[1].inputs
        subs = {s.site: s for s in hq.submissions(store, PERIOD, PERIOD)[PERIOD]}
    assert subs["KUL1"].late and subs["KUL1"].status == "late" and not subs["KUL1"].missing
    assert {s.site for s in subs.values() if s.status != "ok"} == {"KUL1"}


def test_missing_and_invalid_submissions_are_recorded(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    inbox = ws / "inbox" / PERIOD
    (inbox / "TW_KUL1_202610.csv").unlink()
    lisbon = inbox / LISBON
    lisbon.write_bytes(lisbon.read_bytes().replace(OLD_CELL, OLD_CELL.replace(b"2.984", b"abc")))
    (inbox / "HYD1_ops_2026-10.xlsx").write_bytes(
        (ws / "flawed" / "HYD1_ops_2026-10.xlsx").read_bytes()
    )
    score(ws, tmp_path / "o", "-q", "--allow-invalid")
    with HistoryStore.open(ws / "history.sqlite", create=False) as store:
        subs = {s.site: s for s in hq.submissions(store, PERIOD, PERIOD)[PERIOD]}
    # KUL1's own file is gone: the HR, finance and compliance files still name it.
    assert subs["KUL1"].status == "missing" and subs["KUL1"].errors == 0
    assert subs["LIS1"].status == "invalid" and subs["LIS1"].errors == 1
    # The flawed HYD1 file lacks a required column (missing) and has cell errors.
    assert subs["HYD1"].status == "missing" and subs["HYD1"].errors > 5
    assert subs["DUB1"].status == "ok" and subs["DUB1"].files >= 1


# --- durability -------------------------------------------------------------------------------

KILL_PERIODS = ("2026-01", "2026-02", "2026-03", "2026-04")
SCOPES = 120
KPIS = 30


def marked_card(period: str, marker: float, scopes: int = SCOPES, kpis: int = KPIS) -> Scorecard:
    """A scorecard whose every number is `marker`: a half-written period would show two."""
    target = Target(
        target=None,
        green=None,
        amber=None,
        band_green=None,
        band_amber=None,
        floor=None,
        min_sample=None,
        source="framework",
    )
    infos = [
        KpiInfo(
            id=f"k{i}",
            name=f"KPI {i}",
            category=None,
            formula=f"m{i}",
            unit="count",
            format="count",
            direction="higher_is_better",
            owner="",
            description="",
            weight=0,
        )
        for i in range(kpis)
    ]
    results = [
        KpiResult(
            kpi=f"k{i}", value=marker, status="not_rated", score=None, sample=None, target=target
        )
        for i in range(kpis)
    ]
    measures = {f"m{i}": marker for i in range(kpis)}

    def scope(level: Level, sid: str) -> ScopeResult:
        return ScopeResult(
            level=level,
            id=sid,
            name=sid,
            sites=[sid],
            measures=measures,
            kpis=results,
            categories=[],
            composite=marker,
            coverage=1.0,
            status="green",
        )

    return Scorecard(
        period=period,
        previous_period=None,
        report_date=f"{period}-28",
        workspace="kill test",
        framework="kill 1",
        reporting_currency="USD",
        scoring_method="linear",
        invalid_rows_excluded=0,
        findings={},
        categories=[],
        kpis=infos,
        scopes=[scope("global", "global"), *(scope("site", f"S{j:03d}") for j in range(scopes))],
        lineage=[],
        inputs={f"in/{period}.csv": f"{int(marker):064d}"},
    )


WRITER = """
import itertools, sys
from pathlib import Path
from opsgov.history import HistoryStore
from tests.cli.test_history import KILL_PERIODS, marked_card

store = HistoryStore.open(Path(sys.argv[1]))
start = int(sys.argv[2])
print("ready", flush=True)
for i in itertools.count(start):
    period = KILL_PERIODS[i % len(KILL_PERIODS)]
    store.record(marked_card(period, float(i)), framework_id="kill", framework_version="1",
                 run_time=str(i))
    if i == start:
        print("committed", flush=True)
"""


def check_consistent(path: Path) -> dict[str, int]:
    """integrity_check ok, no dangling keys, and each period wholly one run's numbers."""
    conn = connect(path, create=False)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        markers: dict[str, int] = {}
        for run_id, period, run_time in conn.execute("SELECT id, period, run_time FROM runs"):
            marker = float(run_time)
            values = {
                v
                for (v,) in conn.execute(
                    "SELECT k.value FROM kpi_results k JOIN scopes s ON s.id = k.scope_id "
                    "WHERE s.run_id = ? UNION SELECT m.value FROM measures m JOIN scopes s "
                    "ON s.id = m.scope_id WHERE s.run_id = ? UNION SELECT composite FROM scopes "
                    "WHERE run_id = ?",
                    (run_id, run_id, run_id),
                )
            }
            assert values == {marker}, (period, run_time, sorted(values)[:5])
            counts = conn.execute(
                "SELECT count(*), (SELECT count(*) FROM kpi_results k JOIN scopes s "
                "ON s.id = k.scope_id WHERE s.run_id = ?) FROM scopes WHERE run_id = ?",
                (run_id, run_id),
            ).fetchone()
            assert counts == (SCOPES + 1, (SCOPES + 1) * KPIS)
            assert period in KILL_PERIODS
            markers[period] = int(marker)
        return markers
    finally:
        conn.close()


def _lines(process: subprocess.Popen[str]) -> Iterator[str]:
    assert process.stdout is not None
    yield from process.stdout


@pytest.mark.slow
def test_a_writer_killed_mid_write_leaves_the_store_consistent(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "src")])}
    seen: dict[str, int] = {}
    for round_ in range(8):
        process = subprocess.Popen(
            # each round starts at the next period and commits it before it can be killed, so
            # every period is written however slowly the machine runs
            [sys.executable, "-c", WRITER, str(path), str(1000 * (round_ + 1) + round_)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            lines = _lines(process)
            assert next(lines).strip() == "ready"
            assert next(lines).strip() == "committed"
            time.sleep(rng.uniform(0.05, 0.6))
        finally:
            process.send_signal(signal.SIGKILL)
            _, errors = process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL, errors
        markers = check_consistent(path)
        assert markers, "the writer committed at least once"
        for period, marker in markers.items():
            assert marker >= seen.get(period, 0)
        seen.update(markers)
    assert len(seen) == len(KILL_PERIODS)


def test_an_error_half_way_leaves_the_earlier_run(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with HistoryStore.open(path) as store:
        store.record(marked_card("2026-01", 1.0, 5, 3), framework_id="t", framework_version="1")

        def failing() -> Iterator[Submission]:
            yield Submission("S000", "v", "r", 1, 0, 0, False)
            raise RuntimeError("disk on fire")

        with pytest.raises(RuntimeError, match="disk on fire"):
            store.record(
                marked_card("2026-01", 2.0, 5, 3),
                framework_id="t",
                framework_version="1",
                submissions=failing(),
            )
        with pytest.raises(RuntimeError):
            store.record(
                marked_card("2026-02", 3.0, 5, 3),
                framework_id="t",
                framework_version="1",
                submissions=failing(),
            )
        conn = store.conn
        assert hq.periods(store) == ["2026-01"]
        assert {v for (v,) in conn.execute("SELECT value FROM kpi_results")} == {1.0}
        assert conn.execute("SELECT count(*) FROM run_log").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM restatements").fetchone()[0] == 0
        assert not conn.in_transaction


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    HistoryStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    result = invoke(["history", "list", "--history", str(path)], 2)
    assert "newer opsgov" in " ".join(result.stderr.split())
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    refused = invoke(["history", "list", "--history", str(other)], 2).stderr
    assert "not an opsgov history store" in " ".join(refused.split())
