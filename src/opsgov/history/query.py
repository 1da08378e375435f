"""Reading the history store: periods, a period's scorecard, diffs, restatements, series."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from opsgov.history.quality import Submission
from opsgov.history.schema import HistoryError
from opsgov.history.store import Change, HistoryStore, compare
from opsgov.models.results import (
    CategoryInfo,
    CategoryResult,
    KpiInfo,
    KpiResult,
    ScopeResult,
    Scorecard,
    Target,
    TriggeredPlaybook,
)

SeriesKey = tuple[str, str, str, str]
"""(level, scope, queue, kpi); queue is '' for a whole scope, kpi 'composite' for composites."""


@dataclass(frozen=True)
class PeriodSummary:
    """One stored period, as `opsgov history list` shows it."""

    period: str
    run_time: str
    framework: str
    recordings: int
    restatements: int
    inputs: int
    composite: float | None
    status: str


@dataclass(frozen=True)
class LogEntry:
    """One recording of a period: when, with which framework and inputs, and what it did."""

    id: int
    period: str
    run_time: str
    framework: str
    outcome: str
    changes: int
    replaced: int | None
    inputs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Restatement:
    """A re-score that changed numbers: its log entry, the one it replaced, and the changes."""

    entry: LogEntry
    previous: LogEntry
    changes: tuple[Change, ...]

    @property
    def changed_inputs(self) -> dict[str, tuple[str | None, str | None]]:
        """Input file -> (old checksum, new checksum), for files added, removed or changed."""
        old, new = self.previous.inputs, self.entry.inputs
        return {
            f: (old.get(f), new.get(f))
            for f in sorted(set(old) | set(new))
            if old.get(f) != new.get(f)
        }


@dataclass
class SeriesTable:
    """Monthly values of every KPI (and composite) at every scope, with names and statuses."""

    periods: list[str]
    values: dict[SeriesKey, dict[str, float | None]]
    statuses: dict[SeriesKey, dict[str, str]]
    names: dict[tuple[str, str], str]
    """(level, scope) -> name, from the latest period that has the scope."""
    parents: dict[tuple[str, str], tuple[str | None, str | None]]
    """(site level, site id) -> (vendor, region)."""

    def series(self, key: SeriesKey) -> dict[str, float | None]:
        """Period -> value for one scope and KPI (empty when never recorded)."""
        return self.values.get(key, {})


def run_id(store: HistoryStore, period: str) -> int:
    """The stored run of a period; a HistoryError when there is none."""
    row = store.conn.execute("SELECT id FROM runs WHERE period = ?", (period,)).fetchone()
    if row is None:
        known = periods(store)
        listed = f"it has {known[0]} to {known[-1]}" if known else "it is empty"
        raise HistoryError(f"the history has no {period} ({listed}); score it first")
    return int(row[0])


def periods(store: HistoryStore) -> list[str]:
    """Every stored period, oldest first."""
    return [p for (p,) in store.conn.execute("SELECT period FROM runs ORDER BY period")]


def list_periods(store: HistoryStore) -> list[PeriodSummary]:
    """Every stored period with its latest run, how often it was recorded and restated."""
    rows = store.conn.execute(
        "SELECT r.period, r.run_time, r.framework_id || ' ' || r.framework_version, "
        "(SELECT count(*) FROM run_log l WHERE l.period = r.period), "
        "(SELECT count(*) FROM run_log l WHERE l.period = r.period AND l.outcome = 'restated'), "
        "(SELECT count(*) FROM run_inputs i WHERE i.log_id = r.log_id), "
        "s.composite, coalesce(s.status, 'no_data') "
        "FROM runs r LEFT JOIN scopes s ON s.run_id = r.id AND s.level = 'global' "
        "AND s.queue = '' ORDER BY r.period"
    )
    return [PeriodSummary(*row) for row in rows]


def _entry(store: HistoryStore, row: Sequence[Any]) -> LogEntry:
    log_id = int(row[0])
    inputs = dict(
        store.conn.execute(
            "SELECT file, sha256 FROM run_inputs WHERE log_id = ? ORDER BY file", (log_id,)
        ).fetchall()
    )
    return LogEntry(log_id, row[1], row[2], row[3], row[4], row[5], row[6], inputs)


_LOG_COLUMNS = (
    "id, period, run_time, framework_id || ' ' || framework_version, outcome, changes, replaced"
)


def log(store: HistoryStore, period: str) -> list[LogEntry]:
    """Every recording of a period, oldest first."""
    rows = store.conn.execute(
        f"SELECT {_LOG_COLUMNS} FROM run_log WHERE period = ? ORDER BY id", (period,)
    ).fetchall()
    return [_entry(store, row) for row in rows]


def restatements(store: HistoryStore, period: str) -> list[Restatement]:
    """Every re-score of a period that changed numbers, oldest first, with its changes."""
    entries = {e.id: e for e in log(store, period)}
    out: list[Restatement] = []
    for entry in entries.values():
        if entry.outcome != "restated" or entry.replaced is None:
            continue
        rows = store.conn.execute(
            "SELECT level, scope, queue, kind, item, old_value, new_value FROM restatements "
            "WHERE log_id = ? ORDER BY id",
            (entry.id,),
        )
        out.append(Restatement(entry, entries[entry.replaced], tuple(Change(*row) for row in rows)))
    return out


def last_changes(store: HistoryStore, period: str) -> tuple[LogEntry, list[Change]]:
    """What the latest recording of a period changed from the one before (nothing if new)."""
    run_id(store, period)
    entry = log(store, period)[-1]
    rows = store.conn.execute(
        "SELECT level, scope, queue, kind, item, old_value, new_value FROM restatements "
        "WHERE log_id = ? ORDER BY id",
        (entry.id,),
    )
    return entry, [Change(*row) for row in rows]


def diff_periods(store: HistoryStore, first: str, second: str) -> list[Change]:
    """Every number that differs between two stored periods (old: first, new: second)."""
    return compare(store.numbers(run_id(store, first)), store.numbers(run_id(store, second)))


def _target(row: Sequence[Any]) -> Target:
    (target, green, amber, gl, gh, al, ah, floor, min_sample, source, reason) = row
    return Target(
        target=target,
        green=green,
        amber=amber,
        band_green=None if gl is None else (gl, gh),
        band_amber=None if al is None else (al, ah),
        floor=floor,
        min_sample=min_sample,
        source=source,
        reason=reason,
    )


def load_card(store: HistoryStore, period: str) -> Scorecard:
    """A stored period as a scorecard (without lineage: history keeps figures, not cells)."""
    rid = run_id(store, period)
    conn = store.conn
    run = conn.execute(
        "SELECT period, previous_period, report_date, workspace, framework_id, "
        "framework_version, reporting_currency, scoring_method, invalid_rows_excluded, "
        "findings_error, findings_warning, findings_info, log_id FROM runs WHERE id = ?",
        (rid,),
    ).fetchone()
    kpis = [
        KpiInfo(
            id=r[0],
            name=r[1],
            category=r[2],
            formula=r[3],
            unit=r[4],
            format=r[5],
            direction=r[6],
            owner=r[7],
            description=r[8],
            weight=r[9],
        )
        for r in conn.execute(
            "SELECT kpi, name, category, formula, unit, format, direction, owner, description, "
            "weight FROM kpi_defs WHERE run_id = ? ORDER BY position",
            (rid,),
        )
    ]
    order = {k.id: i for i, k in enumerate(kpis)}
    categories = [
        CategoryInfo(id=r[0], name=r[1], weight=r[2])
        for r in conn.execute(
            "SELECT category, name, weight FROM category_defs WHERE run_id = ? ORDER BY position",
            (rid,),
        )
    ]
    measures: dict[int, dict[str, float | None]] = {}
    for scope_id, measure, value in conn.execute(
        "SELECT m.scope_id, m.measure, m.value FROM measures m JOIN scopes s ON s.id = m.scope_id "
        "WHERE s.run_id = ?",
        (rid,),
    ):
        measures.setdefault(scope_id, {})[measure] = value
    results: dict[int, list[KpiResult]] = {}
    for r in conn.execute(
        "SELECT k.scope_id, k.kpi, k.value, k.status, k.score, k.sample, k.previous, k.change, "
        "k.target, k.green, k.amber, k.band_green_low, k.band_green_high, k.band_amber_low, "
        "k.band_amber_high, k.floor, k.min_sample, k.target_source, k.target_reason "
        "FROM kpi_results k JOIN scopes s ON s.id = k.scope_id WHERE s.run_id = ?",
        (rid,),
    ):
        results.setdefault(r[0], []).append(
            KpiResult(
                kpi=r[1],
                value=r[2],
                status=r[3],
                score=r[4],
                sample=r[5],
                previous=r[6],
                change=r[7],
                target=_target(r[8:]),
            )
        )
    cats: dict[int, list[CategoryResult]] = {}
    cat_order = {c.id: i for i, c in enumerate(categories)}
    for scope_id, category, score, coverage in conn.execute(
        "SELECT c.scope_id, c.category, c.score, c.coverage FROM category_results c "
        "JOIN scopes s ON s.id = c.scope_id WHERE s.run_id = ?",
        (rid,),
    ):
        cats.setdefault(scope_id, []).append(
            CategoryResult(category=category, score=score, coverage=coverage)
        )
    scopes = []
    for r in conn.execute(
        "SELECT id, level, scope, queue, name, vendor, region, sites, composite, coverage, "
        "status, rank, previous_composite FROM scopes WHERE run_id = ? ORDER BY id",
        (rid,),
    ):
        scopes.append(
            ScopeResult(
                level=r[1],
                id=r[2],
                queue=r[3] or None,
                name=r[4],
                vendor=r[5],
                region=r[6],
                sites=json.loads(r[7]),
                measures=measures.get(r[0], {}),
                kpis=sorted(results.get(r[0], []), key=lambda k: order.get(k.kpi, 0)),
                categories=sorted(cats.get(r[0], []), key=lambda c: cat_order.get(c.category, 0)),
                composite=r[8],
                coverage=r[9],
                status=r[10],
                rank=r[11],
                previous_composite=r[12],
            )
        )
    playbooks = [
        TriggeredPlaybook(playbook=p, scope=s, why=w)
        for p, s, w in conn.execute(
            "SELECT playbook, scope, why FROM playbooks WHERE run_id = ? ORDER BY position",
            (rid,),
        )
    ]
    inputs = dict(
        conn.execute(
            "SELECT file, sha256 FROM run_inputs WHERE log_id = ? ORDER BY file", (run[12],)
        ).fetchall()
    )
    return Scorecard(
        period=run[0],
        previous_period=run[1],
        report_date=run[2],
        workspace=run[3],
        framework=f"{run[4]} {run[5]}",
        reporting_currency=run[6],
        scoring_method=run[7],
        invalid_rows_excluded=run[8],
        findings={"error": run[9], "warning": run[10], "info": run[11]},
        categories=categories,
        kpis=kpis,
        scopes=scopes,
        lineage=[],
        playbooks=playbooks,
        inputs=inputs,
    )


def rollups(store: HistoryStore, period: str) -> dict[str, str]:
    """Measure id -> roll-up rule, as recorded with a period."""
    return dict(
        store.conn.execute(
            "SELECT measure, rollup FROM measure_defs WHERE run_id = ?", (run_id(store, period),)
        ).fetchall()
    )


def submissions(store: HistoryStore, first: str, last: str) -> dict[str, list[Submission]]:
    """Period -> each site's submission, for the stored periods from `first` to `last`."""
    out: dict[str, list[Submission]] = {}
    for row in store.conn.execute(
        "SELECT r.period, s.site, s.vendor, s.region, s.files, s.errors, s.warnings, s.missing, "
        "s.late FROM submissions s JOIN runs r ON r.id = s.run_id "
        "WHERE r.period BETWEEN ? AND ? ORDER BY r.period, s.site",
        (first, last),
    ):
        out.setdefault(row[0], []).append(
            Submission(
                site=row[1],
                vendor=row[2],
                region=row[3],
                files=row[4],
                errors=row[5],
                warnings=row[6],
                missing=bool(row[7]),
                late=bool(row[8]),
            )
        )
    return out


def measure_series(
    store: HistoryStore, level: str, scope: str, first: str, last: str
) -> dict[str, dict[str, float | None]]:
    """Period -> measures of one whole scope, for the stored periods from `first` to `last`."""
    out: dict[str, dict[str, float | None]] = {}
    for period, measure, value in store.conn.execute(
        "SELECT r.period, m.measure, m.value FROM measures m JOIN scopes s ON s.id = m.scope_id "
        "JOIN runs r ON r.id = s.run_id WHERE s.level = ? AND s.scope = ? AND s.queue = '' "
        "AND r.period BETWEEN ? AND ?",
        (level, scope, first, last),
    ):
        out.setdefault(period, {})[measure] = value
    return out


def series_table(
    store: HistoryStore,
    first: str,
    last: str,
    *,
    levels: Sequence[str] = ("global", "region", "vendor", "site"),
) -> SeriesTable:
    """KPI values, statuses and composites of whole scopes, for the periods first..last."""
    conn = store.conn
    marks = ", ".join("?" for _ in levels)
    stored = [
        p
        for (p,) in conn.execute(
            "SELECT period FROM runs WHERE period BETWEEN ? AND ? ORDER BY period", (first, last)
        )
    ]
    values: dict[SeriesKey, dict[str, float | None]] = {}
    statuses: dict[SeriesKey, dict[str, str]] = {}
    names: dict[tuple[str, str], str] = {}
    parents: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for period, level, scope, name, vendor, region, composite, status in conn.execute(
        "SELECT r.period, s.level, s.scope, s.name, s.vendor, s.region, s.composite, s.status "
        "FROM scopes s JOIN runs r ON r.id = s.run_id "
        f"WHERE s.queue = '' AND s.level IN ({marks}) AND r.period BETWEEN ? AND ? "
        "ORDER BY r.period",
        (*levels, first, last),
    ):
        key = (level, scope, "", "composite")
        values.setdefault(key, {})[period] = composite
        statuses.setdefault(key, {})[period] = status
        names[(level, scope)] = name
        if level == "site":
            parents[(level, scope)] = (vendor, region)
    for period, level, scope, kpi, value, status in conn.execute(
        "SELECT r.period, s.level, s.scope, k.kpi, k.value, k.status FROM kpi_results k "
        "JOIN scopes s ON s.id = k.scope_id JOIN runs r ON r.id = s.run_id "
        f"WHERE s.queue = '' AND s.level IN ({marks}) AND r.period BETWEEN ? AND ?",
        (*levels, first, last),
    ):
        key = (level, scope, "", kpi)
        values.setdefault(key, {})[period] = value
        statuses.setdefault(key, {})[period] = status
    return SeriesTable(stored, values, statuses, names, parents)


EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "measures": ("period", "level", "scope", "queue", "name", "measure", "value"),
    "kpis": (
        "period", "framework", "framework_version", "level", "scope", "queue", "name", "kpi",
        "value", "status", "score", "target", "target_source", "run_time",
    ),
}  # fmt: skip
"""The columns of `history export`, for each kind of row."""


def export_rows(
    store: HistoryStore, what: str = "kpis", period: str | None = None
) -> Iterator[dict[str, object]]:
    """Rows for a CSV export: every KPI result (or measure) of every stored period."""
    where, args = ("AND r.period = ?", (period,)) if period else ("", ())
    if what == "measures":
        rows = store.conn.execute(
            "SELECT r.period, s.level, s.scope, s.queue, s.name, m.measure, m.value "
            "FROM measures m JOIN scopes s ON s.id = m.scope_id JOIN runs r ON r.id = s.run_id "
            f"WHERE 1 = 1 {where} ORDER BY r.period, s.id, m.measure",
            args,
        )
        for row in rows:
            yield dict(zip(EXPORT_COLUMNS["measures"], row, strict=True))
        return
    if what != "kpis":
        raise HistoryError(f"nothing to export called {what!r}: kpis or measures")
    rows = store.conn.execute(
        "SELECT r.period, r.framework_id, r.framework_version, s.level, s.scope, s.queue, "
        "s.name, k.kpi, k.value, k.status, k.score, k.target, k.target_source, r.run_time "
        "FROM kpi_results k JOIN scopes s ON s.id = k.scope_id JOIN runs r ON r.id = s.run_id "
        f"JOIN kpi_defs d ON d.run_id = r.id AND d.kpi = k.kpi WHERE 1 = 1 {where} "
        "ORDER BY r.period, s.id, d.position",
        args,
    )
    for row in rows:
        yield dict(zip(EXPORT_COLUMNS["kpis"], row, strict=True))


def playbooks(store: HistoryStore, first: str, last: str) -> list[tuple[str, str, str, str]]:
    """(period, playbook, scope, why) of the playbooks that fired from `first` to `last`."""
    return [
        (p, b, s, w)
        for p, b, s, w in store.conn.execute(
            "SELECT r.period, p.playbook, p.scope, p.why FROM playbooks p "
            "JOIN runs r ON r.id = p.run_id WHERE r.period BETWEEN ? AND ? "
            "ORDER BY r.period, p.position",
            (first, last),
        )
    ]
