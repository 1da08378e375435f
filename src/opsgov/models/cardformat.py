"""The stored form of a scorecard (`scorecard.json`, format 2): tables, not repeated keys.

Format 1 wrote every KPI result of every scope as an object with its own keys and its own copy
of the target, and every lineage cell with the file, sheet and header spelt out: 24 MB for a
month of 200 sites, most of it repeated keys. Format 2 stores the same values as rows under
`columns` (one list of column names per table, so a reader takes values by name):

- each scope's `kpis` and `categories` are rows; a KPI row's `target` is the index of its
  target in `targets`, where each distinct target and thresholds appear once;
- each scope's `measures` are the values, in the order of the list of names
  `measure_names[scope.measure_names]` (scopes with the same measures share that list);
- `lineage` is a row per site measure whose `cells` are `[source, rows]` pairs, `source` the
  index of a (file, sheet, column, header) row of `lineage_sources`.

`expanded` turns either format back into the model's own shape, so every reader (and a store
of earlier months written in format 1) reads through `Scorecard.model_validate` as before.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from opsgov.models.results import KpiResult, Lineage, ScopeResult, Scorecard, Target

STORED_VERSION: Final = 2
"""The format `stored` writes."""
READABLE_VERSIONS: Final = frozenset({1, 2})
"""The formats `expanded` reads."""

KPI_ROW: Final = ("kpi", "value", "status", "score", "sample", "target", "previous",
                  "change", "judged", "coverage")  # fmt: skip
CATEGORY_ROW: Final = ("category", "score", "coverage")
LINEAGE_ROW: Final = ("site", "measure", "cells", "currency", "fx_rate")
SOURCE_ROW: Final = ("file", "sheet", "column", "header")
CELL_ROW: Final = ("source", "rows")
TARGET_FIELDS: Final = ("target", "green", "amber", "band_green", "band_amber", "floor",
                        "min_sample", "source", "reason")  # fmt: skip
TABLES: Final = ("scopes", "unsplit")
"""The card's lists of scopes."""


def _num(value: float | None) -> float | None:
    """A number as JSON holds it: a missing or non-finite value is null."""
    return value if value is None or math.isfinite(value) else None


class _Encoder:
    """Shared tables (targets, measure name lists, lineage sources) built while encoding."""

    def __init__(self) -> None:
        self.targets: dict[tuple[Any, ...], int] = {}
        self.names: dict[tuple[str, ...], int] = {}
        self.sources: dict[tuple[str, str, str, str], int] = {}

    def target(self, target: Target) -> int:
        key = tuple(getattr(target, f) for f in TARGET_FIELDS)
        return self.targets.setdefault(key, len(self.targets))

    def kpi(self, r: KpiResult) -> list[Any]:
        return [
            r.kpi, _num(r.value), r.status, _num(r.score), _num(r.sample),
            self.target(r.target), _num(r.previous), _num(r.change),
            None if r.judged is None else r.judged.model_dump(mode="json"),
            None if r.coverage is None else r.coverage.model_dump(mode="json"),
        ]  # fmt: skip

    def scope(self, s: ScopeResult) -> dict[str, Any]:
        names = tuple(s.measures)
        return {
            "level": s.level, "id": s.id, "name": s.name, "queue": s.queue,
            "vendor": s.vendor, "region": s.region, "sites": list(s.sites),
            "measure_names": self.names.setdefault(names, len(self.names)),
            "measures": [_num(v) for v in s.measures.values()],
            "kpis": [self.kpi(r) for r in s.kpis],
            "categories": [[c.category, _num(c.score), _num(c.coverage)] for c in s.categories],
            "composite": _num(s.composite), "coverage": _num(s.coverage), "status": s.status,
            "rank": s.rank, "previous_composite": _num(s.previous_composite),
            "gates": [g.model_dump(mode="json") for g in s.gates],
            "uncomposed_status": s.uncomposed_status,
        }  # fmt: skip

    def lineage(self, item: Lineage) -> list[Any]:
        cells = []
        for span in item.cells:
            key = (span.file, span.sheet, span.column, span.header)
            cells.append([self.sources.setdefault(key, len(self.sources)), span.rows])
        return [item.site, item.measure, cells, item.currency, _num(item.fx_rate)]


def _target_json(key: tuple[Any, ...]) -> dict[str, Any]:
    out = dict(zip(TARGET_FIELDS, key, strict=True))
    for band in ("band_green", "band_amber"):
        if out[band] is not None:
            out[band] = [_num(v) for v in out[band]]
    for name in ("target", "green", "amber", "floor", "min_sample"):
        out[name] = _num(out[name])
    return out


def stored(card: Scorecard) -> dict[str, Any]:
    """The card in format 2, as JSON-ready values (keys in the order `scorecard.json` has)."""
    encoder = _Encoder()
    big = {*TABLES, "lineage", "schema_version"}
    head = card.model_dump(mode="json", exclude=big)
    scopes = {name: [encoder.scope(s) for s in getattr(card, name)] for name in TABLES}
    lineage = [encoder.lineage(item) for item in card.lineage]
    out: dict[str, Any] = {"schema_version": STORED_VERSION}
    for name in type(card).model_fields:
        if name == "scopes":
            out["columns"] = {"kpis": list(KPI_ROW), "categories": list(CATEGORY_ROW),
                              "lineage": list(LINEAGE_ROW), "lineage_sources": list(SOURCE_ROW),
                              "cells": list(CELL_ROW)}  # fmt: skip
            out["targets"] = [_target_json(key) for key in encoder.targets]
            out["measure_names"] = [list(names) for names in encoder.names]
        if name in TABLES:
            out[name] = scopes[name]
        elif name == "lineage":
            out["lineage_sources"] = [list(key) for key in encoder.sources]
            out["lineage"] = lineage
        elif name in head:
            out[name] = head[name]
    return out


def _rows(rows: list[list[Any]], columns: list[str]) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _scope(
    scope: dict[str, Any], columns: dict[str, list[str]], targets: list[Any], names: list[Any]
) -> dict[str, Any]:
    out = dict(scope)
    out["measures"] = dict(zip(names[out.pop("measure_names")], scope["measures"], strict=True))
    kpis = _rows(scope["kpis"], columns["kpis"])
    for kpi in kpis:
        kpi["target"] = targets[kpi["target"]]
    out["kpis"] = kpis
    out["categories"] = _rows(scope["categories"], columns["categories"])
    return out


def expanded(data: Any) -> Any:
    """A stored scorecard (format 1 or 2) in the model's shape; anything else unchanged.

    Format 2 is told by its `columns`; format 1 (and the model's own dump) is already in
    the model's shape.
    """
    if not isinstance(data, dict) or "columns" not in data:
        return data
    try:
        columns = data["columns"]
        targets, names = data["targets"], data["measure_names"]
        sources = _rows(data["lineage_sources"], columns["lineage_sources"])
        out = {k: v for k, v in data.items()
               if k not in {"columns", "targets", "measure_names", "lineage_sources"}}  # fmt: skip
        for table in TABLES:
            if table in data:
                out[table] = [_scope(s, columns, targets, names) for s in data[table]]
        lineage = _rows(data["lineage"], columns["lineage"])
        for item in lineage:
            cells = _rows(item["cells"], columns["cells"])
            item["cells"] = [{**sources[c["source"]], "rows": c["rows"]} for c in cells]
        out["lineage"] = lineage
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"not a scorecard of format {STORED_VERSION}: {exc!r}") from exc
    return out
