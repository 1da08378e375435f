"""`validate --export parquet`, then `score` on DuckDB and Spark: the same scorecard as in process.

The DuckDB scorecard is checked against the independent expected answers of the sample month
(`tests.support.expected_score`), and every engine's scorecard against the others' to 1e-9.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import duckdb
import pytest

from opsgov.models.results import Scorecard
from tests.cli.test_score import BEFORE, PERIOD, approx, load_card
from tests.conftest import invoke
from tests.support import expected_score as es
from tests.support import sample_month as sm


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the sample workspace, and its two months exported as Parquet."""
    root = tmp_path_factory.mktemp("engines")
    ws = root / "ws"
    shutil.copytree(sm.SAMPLE_WORKSPACE, ws)
    for period in (BEFORE, PERIOD):
        invoke(["validate", "-w", str(ws), "--period", period, "--export", "parquet",
                str(root / "pq")])  # fmt: skip
    return ws, root / "pq"


def _score(ws: Path, out: Path, *extra: str) -> Scorecard:
    invoke(["score", "-w", str(ws), "--period", PERIOD, "--out", str(out), "--no-history", *extra])
    return load_card(out)


@pytest.fixture(scope="module")
def numpy_card(exported: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Scorecard:
    return _score(exported[0], tmp_path_factory.mktemp("numpy"))


@pytest.fixture(scope="module")
def duck_card(exported: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Scorecard:
    ws, pq = exported
    return _score(ws, tmp_path_factory.mktemp("duck"), "--parquet", str(pq))


def assert_same(a: Scorecard, b: Scorecard) -> None:
    """Every number to 1e-9 relative; every status, rank, lineage and playbook equal."""
    assert [(s.level, s.id, s.queue) for s in a.scopes] == [
        (s.level, s.id, s.queue) for s in b.scopes
    ]
    wrong: list[str] = []

    def same(x: float | None, y: float | None) -> bool:
        if x is None or y is None:
            return x is None and y is None
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)

    for x, y in zip(a.scopes, b.scopes, strict=True):
        key = (x.level, x.id, x.queue)
        wrong += [f"{key} {m}" for m in x.measures if not same(x.measures[m], y.measures.get(m))]
        for p, q in zip(x.kpis, y.kpis, strict=True):
            if not (same(p.value, q.value) and same(p.score, q.score) and same(p.sample, q.sample)):
                wrong.append(f"{key} {p.kpi}: {p.value} vs {q.value}")
            if p.status != q.status or p.target != q.target:
                wrong.append(f"{key} {p.kpi}: {p.status} vs {q.status}")
        if not same(x.composite, y.composite) or (x.rank, x.status) != (y.rank, y.status):
            wrong.append(f"{key} composite {x.composite} vs {y.composite}")
        if x.sites != y.sites:
            wrong.append(f"{key} sites")
    assert not wrong, "\n".join(wrong)
    assert a.lineage == b.lineage
    assert a.playbooks == b.playbooks
    assert (a.previous_period, a.findings, a.inputs) == (b.previous_period, b.findings, b.inputs)


def test_export_writes_every_harmonised_row_partitioned_by_period(
    exported: tuple[Path, Path],
) -> None:
    _, pq = exported
    truth = sm.make_ground_truth(PERIOD, sm.SEEDS[PERIOD])
    folder = pq / f"period={PERIOD}"
    assert sorted(p.name for p in folder.iterdir()) == ["_opsgov.json", "part-0.parquet"]
    con = duckdb.connect()
    rel = f"read_parquet('{pq}/period=*/*.parquet', hive_partitioning = true)"
    counts = dict(con.execute(f"SELECT period, COUNT(*) FROM {rel} GROUP BY period").fetchall())
    assert set(counts) == {BEFORE, PERIOD}
    manifest = json.loads((folder / "_opsgov.json").read_text("utf-8"))
    assert manifest["rows"] == counts[PERIOD] and manifest["excluded_rows"] == 0
    assert manifest["findings"]["error"] == 0
    names = [d[0] for d in con.execute(f"SELECT * FROM {rel} LIMIT 0").description]
    assert names[:3] == ["site", "date", "queue"]
    assert {"file", "sheet", "sheet_id", "row", "profile", "items_handled"} <= set(names)
    # A site's handled items add up to the ground truth; provenance points at its sheet rows.
    handled = con.execute(
        f"SELECT SUM(items_handled) FROM {rel} WHERE period = '{PERIOD}' AND site = 'DUB1'"
    ).fetchone()
    assert handled is not None
    assert handled[0] == sum(r.values["items_handled"] for r in truth.rows("DUB1"))
    first = con.execute(
        f"SELECT file, sheet, MIN(row) FROM {rel} WHERE period = '{PERIOD}' AND site = 'DUB1' "
        "AND file LIKE '%daily_metrics%' GROUP BY file, sheet"
    ).fetchall()
    assert len(first) == 1 and first[0][0] == f"inbox/{PERIOD}/DUB1_daily_metrics_{PERIOD}.xlsx"
    assert first[0][2] == 2  # the first data row, under the header


def test_each_row_names_its_sheet_by_an_index_into_the_manifest(
    exported: tuple[Path, Path],
) -> None:
    _, pq = exported
    folder = pq / f"period={PERIOD}"
    sheets = [tuple(s) for s in json.loads((folder / "_opsgov.json").read_text("utf-8"))["sheets"]]
    rows = (
        duckdb.connect()
        .execute(
            f"SELECT DISTINCT sheet_id, file, sheet FROM '{folder / 'part-0.parquet'}' ORDER BY 1"
        )
        .fetchall()
    )
    assert len(sheets) == len(set(sheets)) == len(rows)
    assert [(i, *sheets[i]) for i in range(len(sheets))] == rows


def _copy_export(pq: Path, to: Path, period: str, drop: list[str]) -> None:
    """One exported period copied with some columns left out (and `sheets` if `sheet_id` is)."""
    folder = to / f"period={period}"
    folder.mkdir(parents=True)
    rows = pq / f"period={period}" / "part-0.parquet"
    leave_out = f"EXCLUDE ({', '.join(drop)})" if drop else ""
    duckdb.connect().execute(
        f"COPY (SELECT * {leave_out} FROM '{rows}') TO '{folder / 'part-0.parquet'}' "
        "(FORMAT parquet)"
    )
    manifest = json.loads((pq / f"period={period}" / "_opsgov.json").read_text("utf-8"))
    if "sheet_id" in drop:
        del manifest["sheets"]
    (folder / "_opsgov.json").write_text(json.dumps(manifest), "utf-8")


@pytest.mark.parametrize(
    ("before", "now"),
    [
        (["sheet_id"], ["sheet_id"]),  # both months exported before the sheet index existed
        (["sheet_id", "cost_total"], []),  # an older month without a column the newer one has
    ],
    ids=["older-export", "mixed-exports"],
)
def test_exports_of_other_layouts_score_the_same(
    exported: tuple[Path, Path],
    duck_card: Scorecard,
    tmp_path: Path,
    before: list[str],
    now: list[str],
) -> None:
    """Each period is read by its column names: one month's layout never hides another's."""
    ws, pq = exported
    _copy_export(pq, tmp_path / "pq", BEFORE, before)
    _copy_export(pq, tmp_path / "pq", PERIOD, now)
    assert_same(_score(ws, tmp_path / "out", "--parquet", str(tmp_path / "pq")), duck_card)


def test_export_again_replaces_the_period(exported: tuple[Path, Path]) -> None:
    ws, pq = exported
    before = (pq / f"period={PERIOD}" / "part-0.parquet").read_bytes()
    invoke(["validate", "-w", str(ws), "--period", PERIOD, "--export", "parquet", str(pq)])
    assert (pq / f"period={PERIOD}" / "part-0.parquet").read_bytes() == before
    assert sorted(p.name for p in pq.iterdir()) == [f"period={BEFORE}", f"period={PERIOD}"]


def test_export_needs_a_period(exported: tuple[Path, Path], tmp_path: Path) -> None:
    ws, _ = exported
    month = sorted((ws / "inbox" / PERIOD).iterdir())[0]
    result = invoke(["validate", "-w", str(ws), str(month), "--export", "parquet",
                     str(tmp_path)], code=2)  # fmt: skip
    assert "--period" in result.stderr


def test_duckdb_scorecard_has_the_known_answers(duck_card: Scorecard) -> None:
    expected = es.expected_card(PERIOD)
    wrong: list[str] = []
    for key, want in expected.items():
        got = duck_card.scope(*key)  # type: ignore[arg-type]
        assert got is not None, key
        for kpi_id, w in want.kpis.items():
            result = got.kpi(kpi_id)
            assert result is not None
            ok = result.value is None if w.value is None else result.value == approx(w.value)
            if not ok or result.status != w.status:
                wrong.append(f"{key} {kpi_id}: {result.value} {result.status}, expected {w}")
        if want.composite is not None:
            assert got.composite == approx(want.composite), key
        assert got.rank == want.rank, key
    assert not wrong, "\n".join(wrong)


def test_duckdb_and_numpy_give_the_same_scorecard(
    numpy_card: Scorecard, duck_card: Scorecard
) -> None:
    assert duck_card.previous_period == BEFORE
    assert_same(numpy_card, duck_card)


def test_duckdb_outputs_explain_a_kpi(exported: tuple[Path, Path]) -> None:
    ws, pq = exported
    invoke(["score", "-w", str(ws), "--period", PERIOD, "--parquet", str(pq), "--no-history"])
    assert (ws / "out" / PERIOD / "scorecard.html").is_file()
    result = invoke(["explain", "aht", "--site", "DUB1", "-w", str(ws), "--period", PERIOD])
    assert "handle_seconds" in result.stdout
    assert "2-63" in result.stdout  # the sheet rows the DuckDB lineage found (62 days)


def test_the_spark_engine_gives_the_same_scorecard(
    spark_session: object,
    exported: tuple[Path, Path],
    numpy_card: Scorecard,
    tmp_path: Path,
) -> None:
    ws, pq = exported
    spark_card = _score(ws, tmp_path, "--engine", "spark", "--parquet", str(pq))
    assert_same(numpy_card, spark_card)


def test_an_engine_without_rows_says_how_to_get_them(exported: tuple[Path, Path]) -> None:
    ws, _ = exported
    result = invoke(["score", "-w", str(ws), "--period", PERIOD, "--engine", "duckdb"], code=2)
    assert "--export parquet" in result.stderr


def test_history_exports_as_parquet_tables(exported: tuple[Path, Path], tmp_path: Path) -> None:
    ws, pq = exported
    history = tmp_path / "history.sqlite"
    invoke(["score", "-w", str(ws), "--period", PERIOD, "--parquet", str(pq), "--out",
            str(tmp_path / "out")])  # fmt: skip
    card = load_card(tmp_path / "out")
    shutil.move(ws / "history.sqlite", history)
    out = tmp_path / "tables"
    invoke(["history", "export", "--format", "parquet", "--out", str(out), "-w", str(ws),
            "--history", str(history)])  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["kpis", "measures"]
    assert sorted(p.name for p in (out / "kpis").iterdir()) == [f"period={PERIOD}"]
    con = duckdb.connect()
    kpis = f"read_parquet('{out}/kpis/*/*.parquet', hive_partitioning = true)"
    rows = con.execute(f"SELECT COUNT(*) FROM {kpis}").fetchone()
    assert rows is not None and rows[0] == sum(len(s.kpis) for s in card.scopes)
    value = con.execute(
        f"SELECT value FROM {kpis} WHERE level = 'site' AND scope = 'DUB1' AND queue = '' "
        "AND kpi = 'aht'"
    ).fetchone()
    site = card.scope("site", "DUB1")
    want = site.kpi("aht") if site else None
    assert value is not None and want is not None and want.value is not None
    assert value[0] == approx(want.value)


def test_a_warehouse_table_with_a_column_mapping(
    exported: tuple[Path, Path], numpy_card: Scorecard, tmp_path: Path
) -> None:
    """A DuckDB database whose table names its columns its own way."""
    ws, pq = exported
    copy = tmp_path / "ws"
    shutil.copytree(ws, copy, ignore=shutil.ignore_patterns("out", "history.sqlite"))
    db = copy / "ops.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE agent_day AS SELECT * EXCLUDE (site, items_handled, period), "
        "site AS site_code, items_handled AS handled, period AS month "
        f"FROM read_parquet('{pq}/period=*/*.parquet', hive_partitioning = true)"
    )
    con.close()
    settings = copy / "opsgov.yaml"
    settings.write_text(
        settings.read_text("utf-8") + "warehouse:\n  table: agent_day\n  database: ops.duckdb\n"
        "  columns: {site: site_code, items_handled: handled, period: month}\n",
        "utf-8",
    )
    out = tmp_path / "out"
    invoke(["score", "-w", str(copy), "--period", PERIOD, "--out", str(out), "--no-history"])
    card = load_card(out)
    # Without the manifest there is no lineage and no input list; the numbers are the same.
    assert card.lineage == []
    assert_same(
        numpy_card.model_copy(update={"lineage": [], "inputs": {}, "issues": card.issues}),
        card.model_copy(update={"findings": numpy_card.findings}),
    )
    sql = invoke(["sql", "-w", str(copy), "--period", PERIOD, "--dialect", "spark"]).stdout
    assert "`site_code`" in sql and "`handled`" in sql


def test_spark_reads_months_of_other_layouts_by_name(
    spark_session: object, exported: tuple[Path, Path], duck_card: Scorecard, tmp_path: Path
) -> None:
    ws, pq = exported
    _copy_export(pq, tmp_path / "pq", BEFORE, ["sheet_id", "cost_total"])
    _copy_export(pq, tmp_path / "pq", PERIOD, [])
    spark = _score(ws, tmp_path / "out", "--engine", "spark", "--parquet", str(tmp_path / "pq"))
    assert_same(spark, duck_card)


def test_rows_and_a_manifest_of_different_exports_are_refused_at_the_manifest(
    exported: tuple[Path, Path], tmp_path: Path
) -> None:
    ws, pq = exported
    _copy_export(pq, tmp_path / "pq", PERIOD, [])
    manifest = tmp_path / "pq" / f"period={PERIOD}" / "_opsgov.json"
    body = json.loads(manifest.read_text("utf-8"))
    body["sheets"] = body["sheets"][:1]  # the rows name more sheets than this manifest lists
    manifest.write_text(json.dumps(body), "utf-8")
    args = ["score", "-w", str(ws), "--period", PERIOD, "--no-history", "--out", str(tmp_path)]
    result = invoke([*args, "--parquet", str(tmp_path / "pq")], code=2)
    text = " ".join((result.stdout + result.stderr).split())
    assert f"which their manifest (period={PERIOD}/_opsgov.json) does not list" in text
    assert "Traceback" not in text
