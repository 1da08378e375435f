"""The history store's SQLite file: connection settings, schema and its version.

Every connection runs in WAL mode with `synchronous=FULL` (a commit survives a power cut: the
history is small, durability beats speed), foreign keys on (SQLite leaves them off unless each
connection asks) and a busy timeout, so a second writer waits instead of failing. Transactions
are explicit (`BEGIN IMMEDIATE` ... `COMMIT`): a period is written whole or not at all.

WAL needs every connection on one machine: keep the workspace's history on a local disk, not a
network share (https://www.sqlite.org/wal.html).

Tables:

- `run_log`: every recording of a period, never deleted (the audit trail), with the inputs'
  checksums in `run_inputs`;
- `runs`: the current figures of each period (one row per period: re-scoring replaces it), with
  the framework's KPI, category and measure definitions, every scope (level, id, queue) with its
  measures, KPI results and category scores, the playbooks that fired, and each site's
  submission (files, errors, missing, late);
- `restatements`: each number a re-score changed (old and new), per scope and KPI or measure;
- `credit_months` and `credit_ledger` (schema 2): each contract's monthly credits as
  `opsgov credits` last worked them out (money as exact decimal text, in the contract's
  currency), per month and per service level, with the earn-back status.

Upgrades are migrations in order (`_MIGRATIONS`): a store of an older schema is brought up to
date in one transaction when it is opened.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from opsgov.errors import OpsgovError

SCHEMA_VERSION = 2
"""`PRAGMA user_version` of the current schema."""
BUSY_TIMEOUT_MS = 30_000

_SCHEMA = """
CREATE TABLE run_log (
  id INTEGER PRIMARY KEY,
  period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
  run_time TEXT NOT NULL,
  framework_id TEXT NOT NULL,
  framework_version TEXT NOT NULL,
  inputs_digest TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('new', 'unchanged', 'restated')),
  changes INTEGER NOT NULL DEFAULT 0,
  replaced INTEGER REFERENCES run_log(id)
);
CREATE INDEX run_log_period ON run_log(period, id);
CREATE TABLE run_inputs (
  log_id INTEGER NOT NULL REFERENCES run_log(id),
  file TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  PRIMARY KEY (log_id, file)
) WITHOUT ROWID;
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  period TEXT NOT NULL UNIQUE,
  log_id INTEGER NOT NULL UNIQUE REFERENCES run_log(id),
  run_time TEXT NOT NULL,
  framework_id TEXT NOT NULL,
  framework_version TEXT NOT NULL,
  workspace TEXT NOT NULL,
  reporting_currency TEXT NOT NULL,
  report_date TEXT NOT NULL,
  previous_period TEXT,
  scoring_method TEXT NOT NULL,
  invalid_rows_excluded INTEGER NOT NULL,
  findings_error INTEGER NOT NULL,
  findings_warning INTEGER NOT NULL,
  findings_info INTEGER NOT NULL
);
CREATE TABLE kpi_defs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  kpi TEXT NOT NULL,
  name TEXT NOT NULL,
  category TEXT,
  formula TEXT NOT NULL,
  unit TEXT NOT NULL,
  format TEXT NOT NULL,
  direction TEXT NOT NULL,
  owner TEXT NOT NULL,
  description TEXT NOT NULL,
  weight REAL NOT NULL,
  PRIMARY KEY (run_id, kpi)
) WITHOUT ROWID;
CREATE TABLE category_defs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  category TEXT NOT NULL,
  name TEXT NOT NULL,
  weight REAL NOT NULL,
  PRIMARY KEY (run_id, category)
) WITHOUT ROWID;
CREATE TABLE measure_defs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  measure TEXT NOT NULL,
  rollup TEXT NOT NULL,
  PRIMARY KEY (run_id, measure)
) WITHOUT ROWID;
CREATE TABLE scopes (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  level TEXT NOT NULL CHECK (level IN ('global', 'region', 'vendor', 'site')),
  scope TEXT NOT NULL,
  queue TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  vendor TEXT,
  region TEXT,
  sites TEXT NOT NULL,
  composite REAL,
  coverage REAL NOT NULL,
  status TEXT NOT NULL,
  rank INTEGER,
  previous_composite REAL,
  UNIQUE (run_id, level, scope, queue)
);
CREATE TABLE measures (
  scope_id INTEGER NOT NULL REFERENCES scopes(id) ON DELETE CASCADE,
  measure TEXT NOT NULL,
  value REAL,
  PRIMARY KEY (scope_id, measure)
) WITHOUT ROWID;
CREATE TABLE kpi_results (
  scope_id INTEGER NOT NULL REFERENCES scopes(id) ON DELETE CASCADE,
  kpi TEXT NOT NULL,
  value REAL,
  status TEXT NOT NULL,
  score REAL,
  sample REAL,
  target REAL,
  green REAL,
  amber REAL,
  band_green_low REAL,
  band_green_high REAL,
  band_amber_low REAL,
  band_amber_high REAL,
  floor REAL,
  min_sample REAL,
  target_source TEXT NOT NULL,
  target_reason TEXT NOT NULL,
  previous REAL,
  change REAL,
  PRIMARY KEY (scope_id, kpi)
) WITHOUT ROWID;
CREATE TABLE category_results (
  scope_id INTEGER NOT NULL REFERENCES scopes(id) ON DELETE CASCADE,
  category TEXT NOT NULL,
  score REAL,
  coverage REAL NOT NULL,
  PRIMARY KEY (scope_id, category)
) WITHOUT ROWID;
CREATE TABLE playbooks (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  playbook TEXT NOT NULL,
  scope TEXT NOT NULL,
  why TEXT NOT NULL,
  PRIMARY KEY (run_id, position)
) WITHOUT ROWID;
CREATE TABLE submissions (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  site TEXT NOT NULL,
  vendor TEXT NOT NULL,
  region TEXT NOT NULL,
  files INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  warnings INTEGER NOT NULL,
  missing INTEGER NOT NULL CHECK (missing IN (0, 1)),
  late INTEGER NOT NULL CHECK (late IN (0, 1)),
  PRIMARY KEY (run_id, site)
) WITHOUT ROWID;
CREATE TABLE restatements (
  id INTEGER PRIMARY KEY,
  log_id INTEGER NOT NULL REFERENCES run_log(id),
  previous_log_id INTEGER NOT NULL REFERENCES run_log(id),
  period TEXT NOT NULL,
  level TEXT NOT NULL,
  scope TEXT NOT NULL,
  queue TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('kpi', 'measure', 'composite')),
  item TEXT NOT NULL,
  old_value REAL,
  new_value REAL
);
CREATE INDEX restatements_period ON restatements(period, log_id);
"""

_CREDITS = """
CREATE TABLE credit_months (
  contract TEXT NOT NULL,
  period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
  vendor TEXT NOT NULL,
  version TEXT NOT NULL,
  currency TEXT NOT NULL,
  charges TEXT,
  at_risk TEXT,
  cap TEXT,
  before_cap TEXT NOT NULL,
  cap_binds INTEGER NOT NULL CHECK (cap_binds IN (0, 1)),
  credited TEXT NOT NULL,
  earned_back TEXT NOT NULL,
  net TEXT NOT NULL,
  recorded TEXT NOT NULL,
  PRIMARY KEY (contract, period)
) WITHOUT ROWID;
CREATE TABLE credit_ledger (
  contract TEXT NOT NULL,
  period TEXT NOT NULL,
  sl TEXT NOT NULL,
  kpi TEXT NOT NULL,
  critical INTEGER NOT NULL CHECK (critical IN (0, 1)),
  value REAL,
  target REAL NOT NULL,
  minimum REAL NOT NULL,
  status TEXT NOT NULL,
  credit TEXT NOT NULL,
  credited TEXT NOT NULL,
  earn_back TEXT,
  earned TEXT NOT NULL,
  PRIMARY KEY (contract, period, sl),
  FOREIGN KEY (contract, period) REFERENCES credit_months(contract, period) ON DELETE CASCADE
) WITHOUT ROWID;
"""

_MIGRATIONS: dict[int, str] = {1: _SCHEMA, 2: _CREDITS}
"""Version -> the statements that bring a store from the version before up to it."""


class HistoryError(OpsgovError):
    """The history store cannot be opened or used."""


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already (it has on a full disk)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def store_failure(path: Path, exc: sqlite3.Error) -> HistoryError:
    """What SQLite's refusal means for the person who looks after the store."""
    cause = str(exc)
    if "full" in cause:
        fix = (
            "free space on that disk (or point the workspace's `history` setting elsewhere) "
            "and score the period again"
        )
    elif "malformed" in cause or "not a database" in cause or "corrupt" in cause:
        fix = "the file is damaged: restore it from a backup, or move it aside to start a new one"
    elif "no such" in cause or "has no column" in cause or "constraint" in cause:
        fix = (
            "its tables were changed by something other than opsgov: restore it from a backup, "
            "or move it aside to start a new one"
        )
    elif "locked" in cause or "busy" in cause:
        fix = "another opsgov run is writing it: wait for that run, then try again"
    else:
        fix = "check the file and the disk it is on"
    return HistoryError(
        f"the history at {path} could not be used ({cause}); the store was left as it was: {fix}"
    )


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and create or upgrade) the history store at `path`.

    Args:
        path: The SQLite file.
        create: Create the file when it is missing; otherwise a missing store is an error.

    Returns:
        A connection in autocommit mode (transactions are explicit), WAL journal,
        `synchronous=FULL`, foreign keys on, busy timeout set.
    """
    if not create and not path.is_file():
        raise HistoryError(
            f"no history at {path}: `opsgov score` records each period there (unless --no-history)"
        )
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise HistoryError(f"cannot open the history at {path}: {exc}") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if str(mode).lower() != "wal":
            raise HistoryError(
                f"{path} cannot use SQLite's WAL journal (journal mode {mode}); keep the history "
                "on a local disk, not a network share"
            )
        _migrate(conn, path)
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise store_failure(path, exc) from exc
        raise
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"{path} was written by a newer opsgov (history schema {version}; this one reads "
            f"up to {SCHEMA_VERSION}); upgrade opsgov"
        )
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if current == 0:
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
            if tables.fetchone()[0]:
                raise HistoryError(f"{path} is an SQLite file, but not an opsgov history store")
        for target in range(current + 1, SCHEMA_VERSION + 1):
            for statement in _MIGRATIONS[target].split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
