"""Lineage from a SQL engine: which sheet rows of which file each site measure came from.

Most of it comes from the partial sums the scorecard query makes anyway, in the same scan
(`Compiled.partial`: per site, day, queue, file and sheet, the rows' count, first and last
sheet row, and each measure's count of values). A site's groups in a sheet whose row ranges,
merged, are each filled by the site's own rows holding the measure on every row, are its
runs of rows, without looking at any row.

Where that does not hold (sites taking turns row by row, a site's rows of a day in two
places, a measure blank on some rows) those ranges of sheet rows alone are summarised again,
in buckets of `BUCKET` sheet rows (`lineage_sql`): a bucket where a measure's rows of a
site are contiguous is one run; the rows of the other buckets are fetched
(`bucket_rows_sql`). The runs of both are merged: the same rows found twice are one run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import cast

from opsgov.engines.compiler import count_column, literal
from opsgov.engines.manifest import SourceEntry
from opsgov.models.results import CellSpan

Row = Mapping[str, object]
RunKey = tuple[str, str, str, str]
"""site, file, sheet, measure."""
Runs = dict[RunKey, list[tuple[int, int]]]

BUCKET = 1024
"""Sheet rows are summarised in buckets of this many: a bucket whose rows of a site hold a
measure from its first to its last row is one run, without looking at the rows."""


_BUCKET_OF = f'CAST(FLOOR(CAST("row" AS DOUBLE) / {BUCKET}) AS BIGINT)'


def _col(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _int(value: object) -> int:
    return int(cast("int", value))


Ranges = dict[tuple[str, str], list[tuple[int, int]]]
"""(file, sheet) -> ranges of sheet rows."""

MAX_RANGES = 64
"""Past this many unsettled ranges in one sheet, the whole sheet is summarised again."""


def partial_runs(partial: Iterable[Row], measures: Sequence[str]) -> tuple[Runs, Ranges]:
    """The runs the partial sums settle, and the ranges of sheet rows they cannot settle."""
    groups: dict[RunKey, list[tuple[int, int, int]]] = {}
    unsettled: Ranges = {}
    for row in partial:
        site, file, sheet = row["site"], row["file"], row["sheet"]
        if site is None or file is None or sheet is None:
            continue
        n, lo, hi = _int(row["n"]), _int(row["lo"]), _int(row["hi"])
        for m in measures:
            count = _int(row[count_column(m)] or 0)
            if count == n:
                groups.setdefault((str(site), str(file), str(sheet), m), []).append((lo, hi, n))
            elif count:  # blank on some of the group's rows: which ones, only the rows say
                unsettled.setdefault((str(file), str(sheet)), []).append((lo, hi))
    runs: Runs = {}
    for key, found in groups.items():
        merged: list[list[int]] = []
        for lo, hi, n in sorted(found):
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(hi, merged[-1][1])
                merged[-1][2] += n
            else:
                merged.append([lo, hi, n])
        for lo, hi, n in merged:
            if n == hi - lo + 1:
                runs.setdefault(key, []).append((lo, hi))
            else:  # other rows in between: the site's rows there are looked at again
                unsettled.setdefault((key[1], key[2]), []).append((lo, hi))
    return runs, {sheet: _merge(ranges) for sheet, ranges in unsettled.items()}


def ranges_condition(ranges: Ranges) -> str:
    """The condition picking the rows of some ranges of sheet rows."""
    parts = []
    for (file, sheet), found in sorted(ranges.items()):
        where = f"file = {literal(file)} AND sheet = {literal(sheet)}"
        if len(found) <= MAX_RANGES:
            rows = " OR ".join(f'"row" BETWEEN {lo} AND {hi}' for lo, hi in found)
            where += f" AND ({rows})"
        parts.append(f"({where})")
    return " OR ".join(parts)


def lineage_sql(relation: str, measures: Sequence[str], where: str) -> str:
    """Per site, file, sheet and bucket of rows: each measure's count, first and last row."""
    parts = [
        f'COUNT({_col(m)}) AS c{i}, MIN(CASE WHEN {_col(m)} IS NOT NULL THEN "row" END) AS '
        f'lo{i}, MAX(CASE WHEN {_col(m)} IS NOT NULL THEN "row" END) AS hi{i}'
        for i, m in enumerate(measures)
    ]
    return (
        f"SELECT site, file, sheet, {_BUCKET_OF} AS b, {', '.join(parts)} "
        f"FROM {relation} WHERE {where} GROUP BY site, file, sheet, {_BUCKET_OF}"
    )


def bucket_rows_sql(
    relation: str, measures: Sequence[str], where: str, buckets: Iterable[int]
) -> str:
    """The rows of some buckets, with which measures each holds (for buckets with gaps)."""
    flags = ", ".join(
        f"CASE WHEN {_col(m)} IS NOT NULL THEN 1 ELSE 0 END AS f{i}" for i, m in enumerate(measures)
    )
    listed = ", ".join(str(b) for b in sorted(set(buckets)))
    return (
        f'SELECT site, file, sheet, "row", {flags} FROM {relation} WHERE {where} '
        f"AND {_BUCKET_OF} IN ({listed})"
    )


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for r in sorted(rows):
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        elif not out or r > out[-1][1]:
            out.append((r, r))
    return out


def _merge(runs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(runs):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out


def bucket_runs(
    summary: Iterable[Row],
    measures: Sequence[str],
    fetch: Callable[[list[int]], Iterable[Row]],
) -> Runs:
    """Runs from the bucket summary (`lineage_sql`).

    Buckets where a measure's rows of a site are contiguous give their run directly; the rows
    of the other buckets are fetched once (`fetch(buckets)`, by `bucket_rows_sql`).
    """
    runs: Runs = {}
    gaps: set[tuple[str, str, str, int, int]] = set()
    for row in summary:
        if row["site"] is None:
            continue
        site, file, sheet, bucket = (
            str(row["site"]), str(row["file"]), str(row["sheet"]), _int(row["b"]),
        )  # fmt: skip
        for i, m in enumerate(measures):
            count = _int(row[f"c{i}"] or 0)
            if not count:
                continue
            lo, hi = _int(row[f"lo{i}"]), _int(row[f"hi{i}"])
            if hi - lo + 1 == count:
                runs.setdefault((site, file, sheet, m), []).append((lo, hi))
            else:
                gaps.add((site, file, sheet, i, bucket))
    if gaps:
        wanted = {(s, f, sh, i) for s, f, sh, i, _ in gaps}
        held: dict[tuple[str, str, str, int], list[int]] = {}
        for row in fetch(sorted({g[4] for g in gaps})):
            site, file, sheet, r = (
                str(row["site"]), str(row["file"]), str(row["sheet"]), _int(row["row"]),
            )  # fmt: skip
            for i in range(len(measures)):
                key = (site, file, sheet, i)
                if key in wanted and row[f"f{i}"] and (site, file, sheet, i, r // BUCKET) in gaps:
                    held.setdefault(key, []).append(r)
        for (site, file, sheet, i), rows in held.items():
            runs.setdefault((site, file, sheet, measures[i]), []).extend(_runs(rows))
    return runs


def cell_spans(runs: Runs, sources: Sequence[SourceEntry]) -> dict[tuple[str, str], list[CellSpan]]:
    """Per (site, measure), the cells it came from: file, sheet, column, header and rows."""
    where = {(s.file, s.sheet, s.measure): s for s in sources}
    out: dict[tuple[str, str], list[CellSpan]] = {}
    for (site, file, sheet, measure), found in sorted(runs.items()):
        src = where.get((file, sheet, measure))
        if src is None:
            continue
        text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in _merge(found))
        out.setdefault((site, measure), []).append(
            CellSpan(file=file, sheet=sheet, column=src.column, header=src.header, rows=text)
        )
    return out
