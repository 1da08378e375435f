"""A checklist as Markdown, CSV and HTML (the xlsx workbook is in `opsgov.playbooks.xlsx`).

Every output is a pure function of the checklist: the same checklist gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

from jinja2 import Environment

from opsgov.playbooks.checklist import Checklist, ChecklistItem
from opsgov.render.env import environment
from opsgov.render.formatting import md_text

COLUMNS: tuple[str, ...] = (
    "#",
    "Step id",
    "Phase",
    "Step",
    "Owner role",
    "Owner",
    "Accountable",
    "Responsible",
    "Consulted",
    "Informed",
    "Depends on",
    "Start",
    "Due",
    "Days",
    "Critical path",
    "Gate",
    "Evidence",
    "Description",
    "Variant",
    "Status",
    "Notes",
)
"""The columns of the csv and xlsx checklists; `opsgov playbook status` reads them back."""

CellValue = str | int | dt.date


def gate_text(checklist: Checklist, item: ChecklistItem) -> str:
    """`Go/no-go by HGO (Maria Lindqvist): a; b`, or empty for a step without a gate."""
    if not item.gate_criteria:
        return ""
    return f"Go/no-go by {checklist.who(item.gate_decision_by)}: " + "; ".join(item.gate_criteria)


def row_values(checklist: Checklist, item: ChecklistItem) -> list[CellValue]:
    """One item as the cells of a checklist row (status Not started, notes empty)."""
    who = checklist.who
    return [
        item.number,
        item.id,
        item.phase_title,
        item.title,
        item.owner_role,
        item.owner or "",
        who(item.accountable),
        ", ".join(who(r) for r in item.responsible),
        ", ".join(who(r) for r in item.consulted),
        ", ".join(who(r) for r in item.informed),
        ", ".join(item.depends_on),
        item.start,
        item.due,
        item.duration_days,
        "yes" if item.critical else "",
        gate_text(checklist, item),
        "; ".join(item.evidence),
        item.description,
        item.variant or "",
        "Not started",
        "",
    ]


def summary_lines(checklist: Checklist) -> list[tuple[str, str]]:
    """The checklist's header facts, as (label, value) pairs."""
    c = checklist
    calendar = (
        "every day counts (calendar days)"
        if c.days == "calendar"
        else "working days; weekends "
        + (", ".join(c.weekends) or "none")
        + "; holidays "
        + (", ".join(d.isoformat() for d in c.holidays) or "none")
    )
    return [
        ("Playbook", f"{c.title} ({c.playbook}{', version ' + c.version if c.version else ''})"),
        ("Site", f"{c.site} {c.site_name} ({c.vendor}, {c.region}, {c.country})"),
        (f"Anchor ({c.anchor_label})", c.anchor_date.isoformat()),
        ("Start", c.start.isoformat()),
        ("Last due date", c.finish.isoformat()),
        ("Calendar", calendar),
        ("Variants applied", ", ".join(f"{v.title} ({v.id})" for v in c.variants) or "none"),
        ("Critical path", " -> ".join(c.critical_path)),
    ]


def render_md(checklist: Checklist, env: Environment | None = None) -> bytes:
    """The checklist as Markdown: facts, warnings, the step table, then each step's details."""
    c = checklist
    out = [f"# {md_text(c.title)}: {md_text(c.site)} {md_text(c.site_name)}", ""]
    out += [md_text(c.purpose), ""]
    out += [f"- **{md_text(label)}:** {md_text(value)}" for label, value in summary_lines(c)]
    out.append("")
    if c.warnings:
        out += ["## Warnings", ""]
        out += [f"- {w.severity.value} {w.code}: {md_text(w.message)}" for w in c.warnings]
        out.append("")
    out += [
        "## Steps",
        "",
        "Steps in dependency order; **bold** steps are on the critical path.",
        "",
        "| # | step | phase | owner | start | due | days | depends on | gate |",
        "|---:|---|---|---|---|---|---:|---|---|",
    ]
    for item in c.items:
        title = f"{md_text(item.title)} (`{item.id}`)"
        if item.critical:
            title = f"**{title}**"
        out.append(
            f"| {item.number} | {title} | {md_text(item.phase_title)} | "
            f"{md_text(c.who(item.owner_role))} | {item.start} | {item.due} | "
            f"{item.duration_days} | {md_text(', '.join(item.depends_on))} | "
            f"{'go/no-go' if item.is_gate else ''} |"
        )
    out += ["", "## Step details", ""]
    for item in c.items:
        out += [f"### {item.number}. {md_text(item.title)}", ""]
        if item.description:
            out += [md_text(item.description), ""]
        raci = [
            ("Owner", c.who(item.owner_role)),
            ("Accountable", c.who(item.accountable)),
            ("Responsible", ", ".join(c.who(r) for r in item.responsible)),
            ("Consulted", ", ".join(c.who(r) for r in item.consulted)),
            ("Informed", ", ".join(c.who(r) for r in item.informed)),
            ("Evidence", "; ".join(item.evidence)),
            ("KPIs to watch", ", ".join(item.kpis_to_watch)),
            ("Variant", item.variant or ""),
        ]
        out += [f"- {label}: {md_text(value)}" for label, value in raci if value]
        if item.gate_criteria:
            out.append(f"- Go/no-go by {md_text(c.who(item.gate_decision_by))}:")
            out += [f"  - [ ] {md_text(criterion)}" for criterion in item.gate_criteria]
        out.append("")
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: CellValue) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    # A spreadsheet opening the CSV would run a cell starting like a formula: make it text.
    return "'" + value if value.startswith(_FORMULA_START) else value


def render_csv(checklist: Checklist, env: Environment | None = None) -> bytes:
    """The checklist rows as CSV (UTF-8 with a byte-order mark, so Excel reads the accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in checklist.items:
        writer.writerow([_csv_cell(v) for v in row_values(checklist, item)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


HTML_TEMPLATE = "playbook_checklist.html.j2"


def render_html(checklist: Checklist, env: Environment | None = None) -> bytes:
    """The checklist as one self-contained HTML page (template `playbook_checklist.html.j2`)."""
    env = env or environment()
    rows = [
        {
            "item": item,
            "owner": checklist.who(item.owner_role),
            "accountable": checklist.who(item.accountable),
            "responsible": ", ".join(checklist.who(r) for r in item.responsible),
            "consulted": ", ".join(checklist.who(r) for r in item.consulted),
            "informed": ", ".join(checklist.who(r) for r in item.informed),
            "gate_by": checklist.who(item.gate_decision_by),
        }
        for item in checklist.items
    ]
    text = env.get_template(HTML_TEMPLATE).render(
        c=checklist, rows=rows, summary=summary_lines(checklist)
    )
    return text.encode("utf-8")


Renderer = Callable[[Checklist, Environment | None], bytes]
