"""Spark: the same compiled query on a local or cluster SparkSession (`pip install opsgov[spark]`).

The query is transpiled to Spark SQL by SQLGlot. It never divides by zero (every division is
by `NULLIF(x, 0)`), so Spark's ANSI mode, on by default since Spark 4, never raises.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opsgov.engines.run import engine_error
from opsgov.errors import OpsgovError

LOCAL_CONF = {
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    # `period=2026-10` folders stay text, whatever they look like.
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
}
"""Settings for a local session: no UI, loopback only, few shuffle partitions."""

LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")
"""Logging of a local session: errors only, so start-up notices stay off the console."""


def session(master: str | None = None) -> Any:
    """The active SparkSession, or a new one on `master` (default `local[1]`)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise OpsgovError(
            "the Spark engine needs pyspark and a Java runtime: pip install 'opsgov[spark]'"
        ) from exc
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName("opsgov").master(master or "local[1]")
    if master is None or master.startswith("local"):
        for key, value in LOCAL_CONF.items():
            builder = builder.config(key, value)
        logging = f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}"
        builder = builder.config("spark.driver.extraJavaOptions", logging)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # Java missing or the master unreachable
        raise OpsgovError(f"cannot start Spark on {master or 'local[1]'}: {exc}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class SparkEngine:
    """Queries on a SparkSession, in Spark's SQL dialect."""

    dialect = "spark"

    def __init__(self, spark: Any) -> None:
        self.spark = spark
        self._staged: dict[str, Any] = {}

    @classmethod
    def start(cls, master: str | None = None) -> SparkEngine:
        """An engine on the active session, or on a new one at `master`."""
        return cls(session(master))

    def register_parquet(self, name: str, folder: Path) -> None:
        """Expose an exported Parquet folder (every period) as a temporary view.

        `mergeSchema`: months exported with other columns each keep theirs (see
        `opsgov.engines.duck.parquet_relation`).
        """
        try:
            reader = self.spark.read.option("basePath", str(folder)).option("mergeSchema", "true")
            frame = reader.parquet(str(folder))
        except Exception as exc:
            raise engine_error("Spark", exc) from exc
        frame.createOrReplaceTempView(name)

    def query(self, sql: str) -> list[dict[str, object]]:
        """The result rows as dicts."""
        try:
            return [row.asDict() for row in self.spark.sql(sql).collect()]
        except Exception as exc:  # AnalysisException and friends: the engine's message
            raise engine_error("Spark", exc) from exc

    def columns(self, relation: str) -> list[str]:
        """The column names of a table or view."""
        try:
            return list(self.spark.table(relation).columns)
        except Exception as exc:
            raise engine_error("Spark", exc) from exc

    def stage(self, name: str, sql: str) -> None:
        """Keep a query's result as a cached temporary view, computed the first time it is read."""
        try:
            frame = self.spark.sql(sql).persist()
        except Exception as exc:
            raise engine_error("Spark", exc) from exc
        frame.createOrReplaceTempView(name)
        self._staged[name] = frame

    def unstage(self, name: str) -> None:
        """Drop a staged view and free its cache."""
        frame = self._staged.pop(name, None)
        if frame is not None:
            frame.unpersist()
        self.spark.catalog.dropTempView(name)
