"""The scorecard of a KPI test's rows on each engine: in process, DuckDB, Spark."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence

from opsgov.engines.compiler import SiteRow, SourceTable
from opsgov.engines.export import select_columns
from opsgov.engines.rows import harmonised_columns
from opsgov.engines.run import SqlEngine, month_on
from opsgov.fx import FxTable
from opsgov.harmonise.table import Block
from opsgov.models.results import Scorecard
from opsgov.pipeline import Definitions, workspace_fx
from opsgov.score.card import ScoreInputs, build_scorecard

ENGINES = ("numpy", "duckdb", "spark")
"""Every engine a KPI test can run on."""


def available_engines() -> list[str]:
    """The engines this machine can run: always numpy and DuckDB; Spark with pyspark and Java."""
    found = ["numpy", "duckdb"]
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return found
    if shutil.which("java") is not None:
        found.append("spark")
    return found


def month_inputs(
    defs: Definitions, blocks: Sequence[Block], period: str, fx: FxTable
) -> ScoreInputs:
    """What the scorecard of the test's rows of one month is computed from."""
    return ScoreInputs(
        framework=defs.framework,
        registry=defs.registry,
        settings=defs.settings,
        blocks=list(blocks),
        fx=fx,
        period=period,
        report_date=f"{period}-28",
        live_sites=[],  # only the sites given
        paths={},
        findings={},
    )


def _duck(columns: dict[str, object]) -> SqlEngine:
    from opsgov.engines.duck import DuckEngine

    engine = DuckEngine()
    engine.con.register("harmonised_raw", columns)
    engine.con.execute(
        f"CREATE VIEW harmonised AS SELECT {select_columns(list(columns))}, period "
        "FROM harmonised_raw"
    )
    return engine


def _spark(columns: dict[str, object]) -> SqlEngine:
    import numpy as np

    from opsgov.engines.spark import SparkEngine

    engine = SparkEngine.start()
    spark = engine.spark
    names = list(columns)
    arrays = [np.asarray(columns[n]) for n in names]
    records = []
    for i in range(len(arrays[0]) if arrays else 0):
        record = []
        for _name, array in zip(names, arrays, strict=True):
            value = array[i]
            if array.dtype.kind == "f":
                value = None if np.isnan(value) else float(value)
            elif array.dtype.kind == "i":
                value = int(value)
            record.append(value)
        records.append(record)
    kinds = {"f": "DOUBLE", "i": "BIGINT"}
    schema = ", ".join(
        f"`{n}` {kinds.get(a.dtype.kind, 'STRING')}" for n, a in zip(names, arrays, strict=True)
    )
    frame = spark.createDataFrame(records, schema)
    frame = frame.withColumn("date", frame["date"].cast("int"))
    frame.selectExpr(
        *[
            "date_add(DATE '1970-01-01', `date`) AS `date`" if n == "date" else f"`{n}`"
            for n in names
        ]
    ).createOrReplaceTempView("harmonised")
    return engine


def rates_for(
    defs: Definitions, periods: Sequence[str], rates: Mapping[str, float] | None
) -> FxTable:
    """The test's FX rates to the reporting currency in each month (default: the workspace's)."""
    if rates is None:
        return workspace_fx(defs)[0]
    target = defs.settings.reporting_currency
    return FxTable({(p, c, target): r for p in periods for c, r in rates.items()})


def scorecard_on(
    engine: str, defs: Definitions, blocks: Sequence[Block], period: str, fx: FxTable
) -> Scorecard:
    """The test rows' scorecard of one month, computed by `engine`."""
    inputs = month_inputs(defs, blocks, period, fx)
    if engine == "numpy":
        return build_scorecard(inputs)[0]
    columns = harmonised_columns(blocks, defs.framework, period)
    reporting = defs.settings.reporting_currency
    sites = [
        SiteRow(s.id, s.vendor, s.region, fx.rate(period, s.currency, reporting))
        for s in defs.registry.sites
    ]
    sql = _duck(dict(columns)) if engine == "duckdb" else _spark(dict(columns))
    try:
        month = month_on(sql, defs.framework, sites, period, SourceTable("harmonised"))
    finally:
        close = getattr(sql, "close", None)
        if close is not None:
            close()
    return build_scorecard(inputs, month)[0]
