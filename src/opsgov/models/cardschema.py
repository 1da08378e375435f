"""The JSON Schema of the stored scorecard (format 2), derived from the model's own schema.

The model's schema describes scopes with keyed KPI results and lineage with keyed cells; the
file holds those as rows (`opsgov.models.cardformat`). Each row becomes an array schema whose
items are the model's own property schemas, in the order of the row's columns, so every
description and type still comes from the model.
"""

from __future__ import annotations

import copy
from typing import Any

from opsgov.models.cardformat import (
    CATEGORY_ROW,
    CELL_ROW,
    KPI_ROW,
    LINEAGE_ROW,
    SOURCE_ROW,
    TABLES,
)

_INDEX = {"type": "integer", "minimum": 0}


def _row(properties: dict[str, Any], columns: tuple[str, ...], **replaced: Any) -> dict[str, Any]:
    """An array of the given columns' schemas (some replaced), in order."""
    items = [replaced[c] if c in replaced else properties[c] for c in columns]
    return {"type": "array", "prefixItems": items, "minItems": len(items)}


def _columns() -> dict[str, Any]:
    names = {"kpis": KPI_ROW, "categories": CATEGORY_ROW, "lineage": LINEAGE_ROW,
             "lineage_sources": SOURCE_ROW, "cells": CELL_ROW}  # fmt: skip
    return {
        "description": "The column names of each table's rows, in order.",
        "type": "object",
        "properties": {
            name: {"type": "array", "items": {"type": "string"}, "const": list(cols)}
            for name, cols in names.items()
        },
        "required": list(names),
    }


def stored_schema(model: dict[str, Any], version: int) -> dict[str, Any]:
    """The schema of `scorecard.json` from `Scorecard.model_json_schema()`."""
    schema = copy.deepcopy(model)
    defs = schema["$defs"]
    kpi, category = defs.pop("KpiResult"), defs.pop("CategoryResult")
    lineage, cell = defs.pop("Lineage"), defs.pop("CellSpan")
    scope = defs.pop("ScopeResult")
    props = scope["properties"]
    props["measure_names"] = {**_INDEX, "description": "Index into `measure_names`: the "
                              "names of `measures`, in order."}  # fmt: skip
    props["measures"] = {
        "description": props["measures"]["description"] + " Values, named by measure_names.",
        "type": "array",
        "items": {"anyOf": [{"type": "number"}, {"type": "null"}]},
    }
    target = {**_INDEX, "description": "Index into `targets`: " + kpi["description"]}
    kpi_row = _row(kpi["properties"], KPI_ROW, target=target)
    props["kpis"] = {**props["kpis"], "items": {**kpi_row, "description": kpi["description"]}}
    category_row = _row(category["properties"], CATEGORY_ROW)
    props["categories"] = {**props["categories"], "items": category_row}
    scope["required"] = [*scope["required"], "measure_names"]
    defs["StoredScope"] = scope
    source = _row(cell["properties"], SOURCE_ROW)
    index = {**_INDEX, "description": "Index into `lineage_sources`."}
    cells = {"type": "array", "items": _row(cell["properties"], CELL_ROW, source=index)}
    lineage_row = _row({**lineage["properties"], "cells": cells}, LINEAGE_ROW)

    top = schema["properties"]
    out: dict[str, Any] = {}
    for name, value in top.items():
        if name == "scopes":
            out["columns"] = _columns()
            out["targets"] = {"description": "Each distinct target and thresholds, once.",
                              "type": "array", "items": {"$ref": "#/$defs/Target"}}  # fmt: skip
            out["measure_names"] = {
                "description": "The lists of measure names scopes' `measures` follow.",
                "type": "array",
                "items": {"type": "array", "items": {"type": "string"}},
            }
        if name in TABLES:
            value = {**value, "items": {"$ref": "#/$defs/StoredScope"}}
        if name == "lineage":
            out["lineage_sources"] = {"description": "The (file, sheet, column, header) of "
                                      "each column lineage cells refer to.", "type": "array",
                                      "items": source}  # fmt: skip
            value = {**value, "items": {**lineage_row, "description": lineage["description"]}}
        if name == "schema_version":
            value = {**value, "const": version, "default": version}
        out[name] = value
    schema["properties"] = out
    schema["required"] = [*schema["required"], "schema_version", "columns", "targets",
                          "measure_names", "lineage_sources"]  # fmt: skip
    return schema
