"""A draft intake profile from what `opsgov inspect` saw: the quickest start on a new template."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from opsgov.inspect import InspectResult, SheetView
from opsgov.models.framework import Framework

_PERIOD = re.compile(r"(\d{4})[-_]?(0[1-9]|1[0-2])")


def _q(text: str) -> str:
    """A YAML double-quoted string (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def file_pattern(name: str, site_ids: Iterable[str]) -> tuple[str, bool]:
    """The file name with its site id and period turned into placeholders."""
    pattern = _PERIOD.sub("{period}", name, count=1)
    for site in sorted(site_ids, key=len, reverse=True):
        found = re.search(re.escape(site), pattern, re.IGNORECASE)
        if found:
            return pattern[: found.start()] + "{site}" + pattern[found.end() :], True
    return pattern, False


def draft_profile(
    result: InspectResult, sheet: SheetView, framework: Framework, site_ids: Iterable[str]
) -> str:
    """YAML text of a draft profile, with TODO comments where a person must decide."""
    stem = re.sub(r"[^a-z0-9]+", "_", result.file.rsplit("/", 1)[-1].lower().rsplit(".", 1)[0])
    profile_id = re.sub(r"^[^a-z]+", "", stem).strip("_") or "draft"
    pattern, has_site = file_pattern(result.file.rsplit("/", 1)[-1], site_ids)
    lines = [
        "# yaml-language-server: $schema=../schemas/intake_profile.schema.json",
        f"# Draft written by `opsgov inspect --draft-profile` from {result.file}.",
        "# Check every TODO, then run `opsgov lint` and `opsgov validate` on a real file.",
        "kind: intake_profile",
        f"id: {profile_id}",
        f"name: {_q('Draft profile for ' + result.file.rsplit('/', 1)[-1])}",
        "files:",
        f"  pattern: {_q(pattern)}",
        f"sheet:\n  name: {_q(sheet.name)}",
        f"header:\n  row: {sheet.header_row}",
        "grain: day  # TODO: day, week or month",
    ]
    if has_site:
        lines.append("site:\n  source: filename")
    else:
        lines.append("site:  # TODO: the file name carries no known site id")
        lines.append("  source: fixed\n  value: TODO_SITE")
    columns, ignored = [], []
    for column in sheet.columns:
        measure = (
            framework.measure(column.measure) if column.measure and column.score >= 0.6 else None
        )
        if measure is not None and measure.id == "date":
            lines.append(f"date:\n  column: {_q(column.header)}")
        elif measure is not None and measure.id == "queue":
            lines.append(f"queue: {_q(column.header)}")
        elif measure is not None and measure.kind != "date":
            columns.append((column, measure))
        else:
            ignored.append(column.header)
    lines.append("columns:")
    for column, measure in columns:
        sure = "" if column.score == 1.0 else f"  # TODO: check (match {column.score:.0%})"
        lines.append(f"  - measure: {measure.id}{sure}")
        lines.append(f"    headers: [{_q(column.header)}]")
        unit = column.unit or ("count" if measure.kind == "count" else None)
        if measure.kind == "duration" and unit is None:
            unit = "seconds"
        if unit:
            note = "  # TODO: check the unit" if measure.kind in {"duration", "hours"} else ""
            lines.append(f"    unit: {unit}{note}")
        if measure.kind == "category":
            lines.append(
                "    values: {}  # TODO: map the vendor's values to " + ", ".join(measure.values)
            )
    if not columns:
        lines.append("  []  # TODO: no column matched a measure")
    if ignored:
        lines.append("ignore:  # TODO: map these, or keep ignoring them")
        lines.extend(f"  - {_q(h)}" for h in ignored)
    return "\n".join(lines) + "\n"
