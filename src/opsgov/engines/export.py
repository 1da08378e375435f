"""Write a validated month's harmonised rows as Parquet, partitioned by period.

`DIR/period=YYYY-MM/part-0.parquet` holds the rows, `DIR/period=YYYY-MM/_opsgov.json` the
manifest (finding counts, input hashes, the sheet column of each measure). A period is
replaced whole: the new folder is written beside the old one and swapped in, so a reader
never sees half a month. Rows with errors are left out, as `opsgov score` leaves them out,
and the manifest counts them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from opsgov.atomic import write_text
from opsgov.engines.compiler import quote
from opsgov.engines.manifest import MANIFEST_NAME, Manifest, SourceEntry
from opsgov.engines.rows import harmonised_columns, sheet_list, sources
from opsgov.errors import OpsgovError
from opsgov.issues import Severity
from opsgov.pipeline import Definitions, ValidationRun, excluding_invalid, run_wide
from opsgov.score.card import file_sha256

PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2"
"""How the rows are written. Parquet 2's encodings keep the sheet row numbers delta-encoded
(a few bytes per million rows rather than eight bytes a row to decompress), so reading them
for lineage costs next to nothing; DuckDB, Spark 3.3+ and Arrow read them."""


def partition(folder: Path, period: str) -> Path:
    """The folder of one period's rows."""
    return folder / f"period={period}"


def select_columns(columns: list[str]) -> str:
    """The harmonised columns as written: `date` from days since 1970 to a DATE, no period."""
    out = []
    for name in columns:
        quoted = quote(name)
        if name == "date":
            out.append(f"CAST(DATE '1970-01-01' + CAST({quoted} AS INTEGER) AS DATE) AS {quoted}")
        elif name != "period":  # the partition folder carries it
            out.append(quoted)
    return ", ".join(out)


def export_parquet(defs: Definitions, run: ValidationRun, period: str, folder: Path) -> Manifest:
    """Write the period's harmonised rows and manifest under `folder`; return the manifest."""
    blocks, excluded = excluding_invalid(run)
    fw = defs.framework
    columns = harmonised_columns(blocks, fw, period)
    counts = {s.value: sum(1 for i in run.issues if i.severity == s) for s in Severity}
    manifest = Manifest(
        period=period,
        framework=f"{fw.id} {fw.version}",
        rows=sum(len(b) for b in blocks),
        excluded_rows=excluded,
        findings=counts,
        issues=[i for i in run.issues if run_wide(i)],
        inputs={name: file_sha256(path) for name, path in sorted(run.paths.items())},
        sources=[SourceEntry(**vars(s)) for s in sources(blocks)],
        sheets=sheet_list(blocks),
    )
    target = partition(folder, period)
    staging = _staging(folder, f"period={period}")
    try:
        con = duckdb.connect()
        con.register("harmonised", columns)
        out = str(staging / "part-0.parquet").replace("'", "''")
        con.execute(
            f"COPY (SELECT {select_columns(list(columns))} FROM harmonised) TO '{out}' "
            f"({PARQUET_OPTIONS})"
        )
        con.close()
        write_text(staging / MANIFEST_NAME, manifest.model_dump_json(indent=2) + "\n")
        os.chmod(staging, 0o777 & ~_umask())
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _staging(folder: Path, name: str) -> Path:
    """A new hidden folder inside `folder` to write `name` into before it is swapped in."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{name}.", dir=folder))
    except OSError as exc:
        raise OpsgovError(f"cannot write to {folder}: {exc.strerror or exc}") from exc


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap(staging: Path, target: Path) -> None:
    """Put `staging` where `target` is, replacing it; the old folder is removed after."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(old)
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def export_tables(
    tables: dict[str, tuple[list[str], list[dict[str, object]]]], folder: Path
) -> None:
    """Write row tables (name -> columns, rows with a `period`) as `folder/NAME/period=.../`.

    Each table's folder is written beside the old one and swapped in whole.
    """
    for name, (columns, rows) in tables.items():
        staging = _staging(folder, name)
        try:
            con = duckdb.connect()
            cols = ", ".join(f"{quote(c)} {_type(c, rows)}" for c in columns)
            con.execute(f"CREATE TABLE t ({cols})")
            if rows:
                marks = ", ".join("?" * len(columns))
                con.executemany(
                    f"INSERT INTO t VALUES ({marks})", [[r.get(c) for c in columns] for r in rows]
                )
            out = str(staging / "data").replace("'", "''")
            con.execute(f"COPY t TO '{out}' (FORMAT parquet, PARTITION_BY (period))")
            con.close()
            _swap(staging / "data" if rows else staging, folder / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _type(column: str, rows: list[dict[str, object]]) -> str:
    """DOUBLE when any value is a number with a fraction, BIGINT for whole numbers, else text."""
    kinds = {type(v) for r in rows if (v := r.get(column)) is not None}
    if kinds and kinds <= {int, float}:
        return "DOUBLE" if float in kinds else "BIGINT"
    return "VARCHAR"
