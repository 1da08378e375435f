"""The workspace's history: every scored period in an embedded SQLite store, and its trends.

`opsgov score` records each period (`record_score`); re-scoring replaces it in one transaction
and keeps the restated numbers. `opsgov history` reads it; `opsgov report` turns it into the
governance pack, the vendor QBR and the executive dashboard.
"""

from opsgov.history.quality import Submission
from opsgov.history.schema import SCHEMA_VERSION, HistoryError, connect
from opsgov.history.store import Change, HistoryStore, Recorded

__all__ = [
    "SCHEMA_VERSION",
    "Change",
    "HistoryError",
    "HistoryStore",
    "Recorded",
    "Submission",
    "connect",
]
