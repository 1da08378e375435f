"""The harmonised data of one file's sheet: columns of measures, with where each came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from opsgov.issues import Location

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Source:
    """One sheet of one file, as read through one intake profile."""

    file: str
    sheet: str
    profile: str
    header_row: int
    columns: dict[str, int] = field(default_factory=dict)
    """Measure id (or `date`, `site`, `queue`) -> 1-based sheet column it was read from."""
    headers: dict[str, str] = field(default_factory=dict)
    """Measure id -> the header text the vendor used."""

    def cell(self, row: int, key: str) -> Location:
        """The location of the cell holding `key` on sheet row `row`."""
        return Location(file=self.file, sheet=self.sheet, row=row, col=self.columns.get(key))


@dataclass
class Block:
    """Harmonised rows from one source. Missing numbers are NaN; dates are ordinals (0: none)."""

    source: Source
    rows: IntArray
    """1-based sheet row of each harmonised row."""
    site: list[str | None]
    date: IntArray
    queue: list[str | None]
    measures: dict[str, FloatArray] = field(default_factory=dict)
    categories: dict[str, list[str | None]] = field(default_factory=dict)
    keys: dict[str, list[str | None]] = field(default_factory=dict)
    """Further key columns (profile `keys`), by header."""
    blanks: dict[str, BoolArray] = field(default_factory=dict)
    """Required measure -> rows whose cell is blank (not bad: bad cells are reported already)."""
    derived: frozenset[str] = frozenset()
    """Measures computed from a share or an average of another column (not whole counts)."""
    bases: dict[str, str] = field(default_factory=dict)
    """Derived measure -> the measure it was multiplied by (its `percent_of` or `per`)."""
    omitted: int = 0
    """Findings about these rows counted but not built: a check's findings past the cap."""
    omitted_error_rows: set[int] = field(default_factory=set)
    """Sheet rows with an error among the omitted findings (left out under --allow-invalid)."""

    def omit(self, rows: IntArray, error: bool) -> None:
        """Count findings not built for these sheet rows (the cap on one check's findings)."""
        self.omitted += len(rows)
        if error:
            self.omitted_error_rows.update(rows.tolist())

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    def take(self, keep: BoolArray) -> Block:
        """A copy of the rows where `keep` is true (no omitted findings carried over)."""
        picked = np.flatnonzero(keep).tolist()
        return Block(
            source=self.source,
            rows=self.rows[keep],
            site=[self.site[i] for i in picked],
            date=self.date[keep],
            queue=[self.queue[i] for i in picked],
            measures={m: v[keep] for m, v in self.measures.items()},
            categories={c: [v[i] for i in picked] for c, v in self.categories.items()},
            keys={k: [v[i] for i in picked] for k, v in self.keys.items()},
            blanks={m: v[keep] for m, v in self.blanks.items()},
            derived=self.derived,
            bases=self.bases,
        )

    def without_rows(self, rows: set[int]) -> Block:
        """A copy without the given sheet rows (rows with errors, under --allow-invalid)."""
        keep = ~np.isin(self.rows, np.fromiter(rows, dtype=np.int64, count=len(rows)))
        kept = self.take(keep)
        kept.omitted = self.omitted
        kept.omitted_error_rows = self.omitted_error_rows - rows
        return kept

    def date_of(self, index: int) -> dt.date | None:
        """The date of row `index`, if it has one."""
        ordinal = int(self.date[index])
        return dt.date.fromordinal(ordinal) if ordinal > 0 else None


def within_cap(indices: IntArray, cap: int | None) -> tuple[IntArray, IntArray]:
    """The first `cap` of one check's findings (in row order) to build, and the rest to count.

    Whatever a report keeps of a file's findings (the most serious, then the first by
    position, at most `cap`) is among each check's first `cap`: so capping while checking
    changes no report, and a file where every row breaks a rule builds `cap` findings.
    """
    if cap is None or len(indices) <= cap:
        return indices, indices[:0]
    return indices[:cap], indices[cap:]
