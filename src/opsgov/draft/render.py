"""The draft as a commented YAML profile: each choice explained, with its alternatives."""

from __future__ import annotations

import json

from opsgov.draft.plan import Column, describe
from opsgov.draft.profile import Draft
from opsgov.models.framework import Framework

_UNIT_WHY = {
    "mm:ss": "minutes:seconds",
    "hh:mm:ss": "hours:minutes:seconds (or Excel times)",
    "percent_0_100": "a percentage from 0 to 100",
    "percent_0_1": "a fraction from 0 to 1",
}


def _q(text: str) -> str:
    """A YAML double-quoted string (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _unit_reason(column: Column) -> str:
    unit = column.unit or ""
    ev = column.evidence
    if column.unit_options and len(column.unit_options) > 1:
        ranked = sorted(column.unit_options.items(), key=lambda kv: kv[1])
        others = ", ".join(f"{u} {d:.1f}" for u, d in ranked[1:])
        return (
            f"unit {unit}: the framework's KPIs land nearest their targets with it "
            f"(log distance {ranked[0][1]:.1f}; {others})"
        )
    if column.words.unit and column.words.unit == unit:
        return f"unit {unit}: the header says so"
    if unit in {"mm:ss", "hh:mm:ss"}:
        return f"unit {unit}: the values are {_UNIT_WHY[unit]}"
    if unit == "percent_0_1":
        return "unit percent_0_1: every value lies within 0-1"
    if unit == "percent_0_100":
        high = ev.finite().max(initial=0)
        return (
            f"unit percent_0_100: values reach {high:g}"
            if ev.main != "percent"
            else ("unit percent_0_100: the values are written with %")
        )
    if unit in {"count", "number", "money"}:
        return f"unit {unit}"
    return f"unit {unit}: TODO check"


def _reading_text(column: Column, framework: Framework) -> str:
    r = column.reading
    if r is None:
        return ""
    measure = framework.measure(r.measure)
    name = measure.name if measure else r.measure
    if r.how == "percent":
        return f"{r.measure} ({name}) as a share of {r.base} (KPI {r.kpi})"
    if r.how == "average":
        return f"{r.measure} ({name}) as an average per {r.base} (KPI {r.kpi})"
    return f"{r.measure} ({name})"


def _column_lines(column: Column, framework: Framework, commented: bool) -> list[str]:
    r = column.reading
    assert r is not None
    p = "  # " if commented else "  "
    lines = [f"{p}- measure: {r.measure}", f"{p}  headers: [{_q(column.header)}]"]
    measure = framework.measure(r.measure)
    if measure is not None and measure.kind == "category":
        if column.values:
            lines.append(f"{p}  values:  # the vendor's values -> {measure.id}")
            lines.extend(f"{p}    {_q(k)}: {v}" for k, v in column.values.items())
        elif column.proposals:
            lines.append(f"{p}  values: {{}}  # TODO: no value matched for sure; see below")
        if column.proposals:
            lines.append(
                "  #   TODO: map these values (uncomment under `values:`); validate reports"
                " each unmapped one (V308)"
            )
        for text, (value, score) in column.proposals.items():
            if value:
                lines.append(f"  #     {_q(text)}: {value}   a close match ({score:.0%})")
            else:
                lines.append(
                    f"  #     {_q(text)}: ?   no close match; one of " + ", ".join(measure.values)
                )
        return lines
    if column.unit:
        lines.append(f"{p}  unit: {_q(column.unit) if ':' in column.unit else column.unit}")
    if r.how == "percent" and r.base:
        lines.append(f"{p}  percent_of: {r.base}")
    if r.how == "average" and r.base:
        lines.append(f"{p}  per: {r.base}")
    return lines


def _words(column: Column) -> str:
    """The header's concepts as the drafter read them: `avg handle time (minutes)`."""
    w = column.words
    parts = (["avg"] if w.average else []) + sorted(w.concepts) + (["%"] if w.percent else [])
    text = " ".join(p.lstrip("@") for p in parts) or "nothing known"
    return f"{text} ({w.unit})" if w.unit else text


def _explain(column: Column, framework: Framework) -> list[str]:
    head = f"  # {column.letter} {_q(column.header)}: {describe(column)}"
    out = [head]
    r = column.reading
    if r is not None:
        name = "its id" if r.name == r.measure.replace("_", " ") else repr(r.name)
        how = f"header matches {name} ({r.score:.0%})"
        out.append(f"  #   read as: {_words(column)}")
        out.append(f"  #   -> {_reading_text(column, framework)}; {how}")
        measure = framework.measure(r.measure)
        if measure is not None and measure.kind != "category" and column.unit:
            out.append(f"  #   {_unit_reason(column)}")
    for note in column.notes:
        out.append(f"  #   {note}")
    shown = [a for a in column.alternatives if a.score >= 0.65]
    if shown:
        alts = ", ".join(f"{a.measure} ({a.score:.0%})" for a in shown)
        out.append(f"  #   other readings: {alts}")
    return out


def render(draft: Draft, framework: Framework) -> str:
    """YAML text of the draft."""
    lines = [
        "# yaml-language-server: $schema=../schemas/intake_profile.schema.json",
        f"# Draft written by `opsgov inspect --draft-profile` from {draft.file}.",
        "# Each choice says why it was made. To check it: read the comments; decide every",
        "# TODO; a commented-out column is an offered choice (uncomment it if it is right and",
        "# take its header out of `ignore`). Then run `opsgov lint` and `opsgov validate` on",
        "# this file.",
        "kind: intake_profile",
        f"id: {draft.profile_id}",
        f"name: {_q('Draft profile for ' + draft.file.replace(chr(92), '/').rsplit('/', 1)[-1])}",
    ]
    if draft.vendor:
        lines.append(f"vendor: {draft.vendor}  # the registry's vendor of the file's sites")
    if draft.currency:
        lines.append(f"currency: {draft.currency}  # {draft.currency_note}")
    elif draft.currency_note:
        lines.append(f"# currency: {draft.currency_note}")
    lines += ["files:", f"  pattern: {_q(draft.pattern)}"]
    if draft.sheet_name:
        lines += ["sheet:", f"  name: {_q(draft.sheet_name)}  # {draft.sheet_note}"]
    elif draft.sheet_pattern:
        lines += ["sheet:", f"  pattern: {_q(draft.sheet_pattern)}  # {draft.sheet_note}"]
    else:
        lines.append(f"# sheet: {draft.sheet_note}")
    lines += ["header:", f"  row: {draft.header_row}  # {draft.header_note}"]
    lines.append(f"grain: {draft.grain}  # {draft.grain_note}")
    lines.append("site:")
    lines.append(f"  source: {draft.site_source}  # {draft.site_note}")
    if draft.site_source == "column" and draft.site_column:
        lines.append(f"  column: {_q(draft.site_column)}")
        if draft.site_map:
            lines.append("  map:  # the vendor's site names -> registry ids")
            lines.extend(f"    {_q(k)}: {v}" for k, v in draft.site_map.items())
        elif draft.site_guesses:
            lines.append("  map: {}  # TODO: map the values below")
        if draft.site_guesses:
            lines.append("  # TODO: these name no registry site for sure (validate reports them):")
        for text, guess in draft.site_guesses.items():
            lines.append(f"  #   {_q(text)}: {guess or '?'}" + ("   the closest" if guess else ""))
    elif draft.site_source == "fixed":
        lines.append("  value: TODO_SITE")
    if draft.date_column:
        lines += [
            "date:",
            f"  column: {_q(draft.date_column)}  # {draft.date_why}",
            f"  format: {draft.date_format}  # {draft.date_note}",
        ]
    if draft.text:
        t = draft.text
        lines += [
            "text:  # as detected in the file",
            f"  encoding: {_q(t['encoding'])}",
            f"  delimiter: {_q(t['delimiter'])}",
            f"  decimal: {_q(t['decimal'])}",
        ]
    for column in draft.columns:
        if column.role == "key":
            lines.append(f"keys: [{_q(column.header)}]  # {column.letter}: {column.notes[-1]}")
    drafted = [c for c in draft.columns if c.role == "measure" and c.reading]
    offered = [c for c in draft.columns if c.role == "choice" and c.reading]
    lines.append("columns:")
    for column in drafted:
        lines.extend(_explain(column, framework))
        lines.extend(_column_lines(column, framework, commented=False))
    if not drafted:
        lines.append("  []  # TODO: no column could be read as a measure")
    if offered:
        lines.append("  # Offered, not drafted: uncomment the reading that is right.")
    for column in offered:
        lines.extend(_explain(column, framework))
        lines.extend(_column_lines(column, framework, commented=True))
    ignored = [c for c in draft.columns if c.role in {"ignore", "choice"}]
    if ignored:
        lines.append("ignore:")
        for column in ignored:
            why = (
                "TODO: offered above as a choice"
                if column.role == "choice"
                else f"{describe(column)}; "
                + ("; ".join(column.notes) if column.notes else "no measure matches its header")
            )
            lines.append(f"  - {_q(column.header)}  # {column.letter}: {why}")
    lines += ["skip:", "  totals: true"]
    if draft.skip_notes:
        lines.append(f"  matching: [{', '.join(_q(n) for n in draft.skip_notes)}]  # note lines")
    return "\n".join(lines) + "\n"
