"""Recording a scored period in the history store: whole, once, with its restatements.

`HistoryStore.record` writes a period in one `BEGIN IMMEDIATE` ... `COMMIT`. When the period is
already there, the earlier figures are compared with the new ones, every number that changed
(KPI values, measures, composites; per level, scope and queue) is written to `restatements`
with its old and new value, and the earlier run is deleted in the same transaction: a period is
never there twice, and a process killed mid-write leaves the previous state (SQLite's atomic
commit). Every recording is kept in `run_log` with its inputs' checksums, even when nothing
changed (outcome `unchanged`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from opsgov.history.quality import Submission
from opsgov.history.schema import connect, rollback, store_failure
from opsgov.models.results import KpiInfo, KpiResult, Scorecard

Outcome = Literal["new", "unchanged", "restated"]
NumberKey = tuple[str, str, str, str, str]
"""(level, scope, queue, kind, item): queue is '' for a whole scope; kind kpi/measure/composite."""

REL_TOLERANCE = 1e-12
"""Two numbers closer than this (relatively) are the same: float noise is not a restatement."""


@dataclass(frozen=True)
class Change:
    """One number a re-score (or a second period) changed."""

    level: str
    scope: str
    queue: str
    kind: str
    item: str
    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        """The new value minus the old, when both exist."""
        return None if self.old is None or self.new is None else self.new - self.old


@dataclass(frozen=True)
class Recorded:
    """What recording a period did."""

    period: str
    outcome: Outcome
    changes: tuple[Change, ...]
    log_id: int
    replaced: int | None

    @property
    def message(self) -> str:
        """One line for the terminal."""
        if self.outcome == "new":
            return f"history: recorded {self.period}"
        if self.outcome == "unchanged":
            return f"history: {self.period} re-scored, no number changed"
        return (
            f"history: {self.period} restated, {len(self.changes)} number(s) changed; "
            f"`opsgov history diff {self.period}` lists them"
        )


def same(a: float | None, b: float | None) -> bool:
    """Equal, both missing, or equal but for float noise."""
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=REL_TOLERANCE, abs_tol=REL_TOLERANCE)


def card_numbers(card: Scorecard) -> dict[NumberKey, float | None]:
    """Every number of a scorecard that history keeps, by key."""
    out: dict[NumberKey, float | None] = {}
    for s in card.scopes:
        queue = s.queue or ""
        out[(s.level, s.id, queue, "composite", "composite")] = s.composite
        for m, v in s.measures.items():
            out[(s.level, s.id, queue, "measure", m)] = v
        for k in s.kpis:
            out[(s.level, s.id, queue, "kpi", k.kpi)] = k.value
    return out


def compare(
    old: Mapping[NumberKey, float | None], new: Mapping[NumberKey, float | None]
) -> list[Change]:
    """The numbers that differ between two sets, in a stable order."""
    changes = [
        Change(*key, old.get(key), new.get(key))
        for key in sorted(set(old) | set(new))
        if not same(old.get(key), new.get(key))
    ]
    return changes


def inputs_digest(inputs: Mapping[str, str]) -> str:
    """One SHA-256 over every input file's name and checksum."""
    text = "".join(f"{name}\t{sha}\n" for name, sha in sorted(inputs.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now() -> str:
    """The current UTC time, to the second, ISO 8601."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class HistoryStore:
    """The workspace's history: every scored period, its figures and its restatements."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> HistoryStore:
        """Open the store at `path` (creating it unless `create` is False)."""
        return cls(connect(path, create=create), path)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
        if isinstance(exc, sqlite3.Error):
            raise store_failure(self.path, exc) from exc

    def numbers(self, run_id: int) -> dict[NumberKey, float | None]:
        """Every number of one stored run, by key."""
        out: dict[NumberKey, float | None] = {}
        rows = self.conn.execute(
            "SELECT s.level, s.scope, s.queue, 'kpi', k.kpi, k.value FROM kpi_results k "
            "JOIN scopes s ON s.id = k.scope_id WHERE s.run_id = ? "
            "UNION ALL SELECT s.level, s.scope, s.queue, 'measure', m.measure, m.value "
            "FROM measures m JOIN scopes s ON s.id = m.scope_id WHERE s.run_id = ? "
            "UNION ALL SELECT level, scope, queue, 'composite', 'composite', composite "
            "FROM scopes WHERE run_id = ?",
            (run_id, run_id, run_id),
        )
        for level, scope, queue, kind, item, value in rows:
            out[(level, scope, queue, kind, item)] = value
        return out

    def record(
        self,
        card: Scorecard,
        *,
        framework_id: str,
        framework_version: str,
        rollups: Mapping[str, str] | None = None,
        submissions: Iterable[Submission] = (),
        run_time: str | None = None,
    ) -> Recorded:
        """Write a scored period, replacing (and auditing) an earlier run of it.

        Args:
            card: The period's scorecard.
            framework_id: The framework's id.
            framework_version: The framework's version.
            rollups: Measure id -> roll-up rule (sum, snapshot_end, ...), for quarter totals.
            submissions: Each site's submission (files, findings, missing).
            run_time: When the period was scored (ISO 8601; default now).

        Returns:
            Whether the period was new, unchanged or restated, and what changed.
        """
        when = run_time or now()
        new_numbers = card_numbers(card)
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            old = conn.execute(
                "SELECT id, log_id FROM runs WHERE period = ?", (card.period,)
            ).fetchone()
            changes: list[Change] = []
            earlier: dict[str, tuple[bool, bool]] = {}
            if old is not None:
                changes = compare(self.numbers(old[0]), new_numbers)
                earlier = {
                    site: (bool(missing), bool(late))
                    for site, missing, late in conn.execute(
                        "SELECT site, missing, late FROM submissions WHERE run_id = ?", (old[0],)
                    )
                }
            outcome: Outcome = "new" if old is None else ("restated" if changes else "unchanged")
            log_id = self._log(card, when, framework_id, framework_version, outcome, changes, old)
            if old is not None:
                conn.execute("DELETE FROM runs WHERE id = ?", (old[0],))
            run_id = self._run(card, when, framework_id, framework_version, log_id, rollups)
            self._submissions(run_id, submissions, earlier)
            conn.executemany(
                "INSERT INTO restatements (log_id, previous_log_id, period, level, scope, queue, "
                "kind, item, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ((log_id, old[1], card.period, *_change_row(c)) for c in changes),
            )
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
        return Recorded(card.period, outcome, tuple(changes), log_id, old[1] if old else None)

    def _log(
        self,
        card: Scorecard,
        when: str,
        framework_id: str,
        framework_version: str,
        outcome: Outcome,
        changes: list[Change],
        old: tuple[int, int] | None,
    ) -> int:
        cur = self.conn.execute(
            "INSERT INTO run_log (period, run_time, framework_id, framework_version, "
            "inputs_digest, outcome, changes, replaced) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                card.period,
                when,
                framework_id,
                framework_version,
                inputs_digest(card.inputs),
                outcome,
                len(changes),
                old[1] if old else None,
            ),
        )
        log_id = int(cur.lastrowid or 0)
        self.conn.executemany(
            "INSERT INTO run_inputs (log_id, file, sha256) VALUES (?, ?, ?)",
            ((log_id, f, sha) for f, sha in sorted(card.inputs.items())),
        )
        return log_id

    def _run(
        self,
        card: Scorecard,
        when: str,
        framework_id: str,
        framework_version: str,
        log_id: int,
        rollups: Mapping[str, str] | None,
    ) -> int:
        conn = self.conn
        cur = conn.execute(
            "INSERT INTO runs (period, log_id, run_time, framework_id, framework_version, "
            "workspace, reporting_currency, report_date, previous_period, scoring_method, "
            "invalid_rows_excluded, findings_error, findings_warning, findings_info) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                card.period,
                log_id,
                when,
                framework_id,
                framework_version,
                card.workspace,
                card.reporting_currency,
                card.report_date,
                card.previous_period,
                card.scoring_method,
                card.invalid_rows_excluded,
                card.findings.get("error", 0),
                card.findings.get("warning", 0),
                card.findings.get("info", 0),
            ),
        )
        run_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT INTO kpi_defs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (run_id, i, k.id, k.name, k.category, k.formula, k.unit, k.format, *_kpi_tail(k))
                for i, k in enumerate(card.kpis)
            ),
        )
        conn.executemany(
            "INSERT INTO category_defs VALUES (?, ?, ?, ?, ?)",
            ((run_id, i, c.id, c.name, c.weight) for i, c in enumerate(card.categories)),
        )
        measures = sorted({m for s in card.scopes for m in s.measures})
        conn.executemany(
            "INSERT INTO measure_defs VALUES (?, ?, ?)",
            ((run_id, m, (rollups or {}).get(m, "sum")) for m in measures),
        )
        conn.executemany(
            "INSERT INTO playbooks VALUES (?, ?, ?, ?, ?)",
            ((run_id, i, p.playbook, p.scope, p.why) for i, p in enumerate(card.playbooks)),
        )
        for s in card.scopes:
            scope_id = int(
                conn.execute(
                    "INSERT INTO scopes (run_id, level, scope, queue, name, vendor, region, "
                    "sites, composite, coverage, status, rank, previous_composite) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        run_id,
                        s.level,
                        s.id,
                        s.queue or "",
                        s.name,
                        s.vendor,
                        s.region,
                        json.dumps(s.sites),
                        s.composite,
                        s.coverage,
                        s.status,
                        s.rank,
                        s.previous_composite,
                    ),
                ).lastrowid
                or 0
            )
            conn.executemany(
                "INSERT INTO measures VALUES (?, ?, ?)",
                ((scope_id, m, v) for m, v in s.measures.items()),
            )
            conn.executemany(
                "INSERT INTO kpi_results VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _kpi_rows(scope_id, s.kpis),
            )
            conn.executemany(
                "INSERT INTO category_results VALUES (?, ?, ?, ?)",
                ((scope_id, c.category, c.score, c.coverage) for c in s.categories),
            )
        return run_id

    def _submissions(
        self,
        run_id: int,
        submissions: Iterable[Submission],
        earlier: Mapping[str, tuple[bool, bool]],
    ) -> None:
        self.conn.executemany(
            "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    run_id,
                    s.site,
                    s.vendor,
                    s.region,
                    s.files,
                    s.errors,
                    s.warnings,
                    *_flags(s, earlier),
                )
                for s in submissions
            ),
        )


def _flags(s: Submission, earlier: Mapping[str, tuple[bool, bool]]) -> tuple[int, int]:
    """(missing, late): late when the earlier run of the period had it missing (or late)."""
    was_missing, was_late = earlier.get(s.site, (False, False))
    return int(s.missing), int(s.late or (not s.missing and (was_missing or was_late)))


def _change_row(c: Change) -> tuple[object, ...]:
    return (c.level, c.scope, c.queue, c.kind, c.item, c.old, c.new)


def _kpi_tail(k: KpiInfo) -> tuple[object, ...]:
    return (k.direction, k.owner, k.description, k.weight)


def _kpi_rows(scope_id: int, kpis: Iterable[KpiResult]) -> Iterator[tuple[object, ...]]:
    for k in kpis:
        t = k.target
        green_band = t.band_green or (None, None)
        amber_band = t.band_amber or (None, None)
        yield (
            scope_id,
            k.kpi,
            k.value,
            k.status,
            k.score,
            k.sample,
            t.target,
            t.green,
            t.amber,
            *green_band,
            *amber_band,
            t.floor,
            t.min_sample,
            t.source,
            t.reason,
            k.previous,
            k.change,
        )
