"""DuckDB, embedded: the default engine for harmonised Parquet and DuckDB tables."""

from __future__ import annotations

from pathlib import Path

import duckdb

from opsgov.engines.run import engine_error


class DuckEngine:
    """One DuckDB connection (in memory, or a database file opened read-only)."""

    dialect = "duckdb"

    def __init__(self, database: Path | None = None) -> None:
        self.con = duckdb.connect(
            str(database) if database else ":memory:", read_only=bool(database)
        )

    def query(self, sql: str) -> list[dict[str, object]]:
        """The result rows as dicts."""
        try:
            cursor = self.con.execute(sql)
        except duckdb.Error as exc:
            raise engine_error("DuckDB", exc) from exc
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def columns(self, relation: str) -> list[str]:
        """The column names of a relation (a table, or a table function such as read_parquet)."""
        try:
            cursor = self.con.execute(f"SELECT * FROM {relation} LIMIT 0")
        except duckdb.Error as exc:
            raise engine_error("DuckDB", exc) from exc
        return [d[0] for d in cursor.description or []]

    def stage(self, name: str, sql: str) -> None:
        """Keep a query's result as a temporary table (in memory)."""
        self._run(f"CREATE OR REPLACE TEMPORARY TABLE {name} AS {sql}")

    def unstage(self, name: str) -> None:
        """Drop a temporary table."""
        self._run(f"DROP TABLE IF EXISTS {name}")

    def _run(self, sql: str) -> None:
        try:
            self.con.execute(sql)
        except duckdb.Error as exc:
            raise engine_error("DuckDB", exc) from exc

    def close(self) -> None:
        """Close the connection."""
        self.con.close()


def parquet_relation(folder: Path, period: str | None = None) -> str:
    """A `read_parquet` over exported periods (all, or one), with `period` from the folders.

    Columns are matched by name across the files (`union_by_name`): months exported with other
    columns (another measure, a profile's key, an older export without `sheet_id`) each keep
    theirs, NULL where a file lacks one. Without it DuckDB takes the first file's columns and
    silently drops the others' extra ones.
    """
    pattern = folder / (f"period={period}" if period else "period=*") / "*.parquet"
    text = str(pattern).replace("'", "''")
    return (
        f"read_parquet('{text}', hive_partitioning = true, hive_types = {{'period': VARCHAR}}, "
        "union_by_name = true)"
    )
