"""A report as a neutral document: parts of headings, paragraphs, tables and pictures.

The PDF writer (`opsgov.export.pdf`) lays this out on pages; the builders here turn the same
data the HTML reports use (the scorecard, and the contexts of `governance()` and `qbr()`) into
it, so every number a PDF prints is the text the HTML page prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from opsgov.history.reports.common import COMPOSITE_INFO, Formatter, scope_label, status_label
from opsgov.models.results import Scorecard
from opsgov.report import findings_phrase


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 opens a part, 2 a section, 3 a sub-section."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Text:
    """A paragraph; `note` is set smaller and grey, `bullet` as a list item."""

    text: str
    style: str = "body"


@dataclass(frozen=True)
class Table:
    """A table: a caption, one header row, then rows of text; `numeric` columns align right."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Picture:
    """A chart as a PNG, with its title and its text alternative printed beneath."""

    title: str
    png: bytes
    caption: str


Block = Heading | Text | Table | Picture


@dataclass
class Part:
    """One report in a document (it starts on a new page); `name` is printed in the footer."""

    name: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Part:
        """Append blocks; returns the part."""
        self.blocks.extend(blocks)
        return self


@dataclass
class Document:
    """Parts under one title; `period` is printed in every page's footer."""

    title: str
    period: str
    parts: list[Part] = field(default_factory=list)


def _table(caption: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
    text = [[str(c) for c in row] for row in rows]
    numeric = frozenset(
        i
        for i in range(len(header))
        if text and all(_looks_numeric(r[i]) for r in text if r[i] not in ("", "\u2014"))
    )
    return Table(caption, list(header), text, numeric)


def _looks_numeric(cell: str) -> bool:
    stripped = cell.replace(",", "").replace("%", "").replace("pp", "").strip()
    for prefix in ("+", "-", "\u2212"):
        stripped = stripped.removeprefix(prefix)
    stripped = stripped.split(" ")[-1]
    return bool(stripped) and all(ch.isdigit() or ch in ".:" for ch in stripped)


def scorecard_part(card: Scorecard) -> Part:
    """The month's scorecard: overall, vendors, the league of sites, the whole operation's KPIs."""
    fmt = Formatter(card.reporting_currency)
    info = {k.id: k for k in card.kpis}
    top = [s for s in card.scopes if s.queue is None]
    glob = next(s for s in top if s.level == "global")
    part = Part(f"Scorecard {card.period}")
    part.add(
        Heading(f"{card.workspace}: scorecard {card.period}", 1),
        Text(
            f"Framework {card.framework} \u00b7 money in {card.reporting_currency} \u00b7 report "
            f"date {card.report_date}"
            + (f" \u00b7 compared with {card.previous_period}" if card.previous_period else ""),
            "note",
        ),
        Text(f"Findings: {findings_phrase(card.findings)}."),
    )
    overall = [glob, *(s for s in top if s.level == "region")]
    part.add(
        Heading("Overall"),
        _table(
            "Composite score of the whole operation and each region",
            ["Scope", "Composite", "Status", "Coverage"],
            [
                [
                    scope_label(s, s.level, s.id) if s.level != "global" else s.name,
                    fmt.value(COMPOSITE_INFO, s.composite),
                    status_label(s.status),
                    f"{s.coverage * 100:.0f} %",
                ]
                for s in overall
            ],
        ),
    )
    vendors = sorted((s for s in top if s.level == "vendor"), key=lambda s: (s.rank or 999, s.id))
    part.add(
        Heading("Vendors"),
        _table(
            "Vendors ranked by composite score",
            ["Rank", "Vendor", "Composite", "Status", "Sites"],
            [
                [
                    s.rank or "\u2014",
                    s.name,
                    fmt.value(COMPOSITE_INFO, s.composite),
                    status_label(s.status),
                    ", ".join(s.sites),
                ]
                for s in vendors
            ],
        ),
    )
    sites = sorted((s for s in top if s.level == "site"), key=lambda s: (s.rank or 999, s.id))
    part.add(
        Heading("League table of sites"),
        _table(
            "Sites ranked by composite score",
            ["Rank", "Site", "Vendor", "Region", "Composite", "Status", "Change"],
            [
                [
                    s.rank or "\u2014",
                    f"{s.id} {s.name}",
                    s.vendor or "",
                    s.region or "",
                    fmt.value(COMPOSITE_INFO, s.composite),
                    status_label(s.status),
                    fmt.change(
                        COMPOSITE_INFO,
                        None
                        if s.composite is None or s.previous_composite is None
                        else s.composite - s.previous_composite,
                    ),
                ]
                for s in sites
            ],
        ),
    )
    if card.playbooks:
        part.add(
            Heading("Playbooks triggered"),
            _table(
                "Playbooks whose trigger fired this month",
                ["Playbook", "For", "Why"],
                [[p.playbook, p.scope, p.why] for p in card.playbooks],
            ),
        )
    part.add(
        Heading("KPIs, whole operation"),
        _table(
            "Every KPI of the whole operation against its target",
            ["KPI", "Value", "Target", "Status", "Score", "Change"],
            [
                [
                    info[k.kpi].name,
                    fmt.value(info[k.kpi], k.value),
                    fmt.value(info[k.kpi], k.target.target),
                    status_label(k.status),
                    "\u2014" if k.score is None else f"{k.score:.1f}",
                    fmt.change(info[k.kpi], k.change),
                ]
                for k in glob.kpis
                if k.kpi in info
            ],
        ),
    )
    return part


def _charts(part: Part, charts: Sequence[Any]) -> None:
    for c in charts:
        if c.png is not None:
            part.add(Picture(c.title, c.png, c.description))
        else:
            part.add(Heading(c.title, 3), Text(c.description, "note"))


def governance_part(ctx: dict[str, Any]) -> Part:
    """The governance pack, section by section, from the context of `governance()`."""
    head = ctx["headline"]
    part = Part(f"Governance pack {ctx['period']}")
    part.add(
        Heading(ctx["title"], 1),
        Text(
            f"Framework {ctx['card'].framework} \u00b7 money in {ctx['card'].reporting_currency} "
            f"\u00b7 history {ctx['history_months']} months from {ctx['first_period']} "
            f"\u00b7 report date {ctx['report_date']}",
            "note",
        ),
        Heading("Executive summary"),
        Text(
            f"Global composite {head['composite']} ({head['status_label']})"
            + (f", {head['change']} on last month" if head["change"] else "")
            + f". Sites: {head['sites']} ({head['sites_by_status']['green']} green, "
            f"{head['sites_by_status']['amber']} amber, {head['sites_by_status']['red']} red); "
            f"{head['red_results']} of {head['results']} rated site KPI results are red.",
        ),
    )
    if ctx["key_points"]:
        part.add(Heading("Key points", 3), *(Text(p, "bullet") for p in ctx["key_points"]))
    part.add(Heading("What is red", 3))
    if ctx["red"]:
        part.add(
            _table(
                "What is red, most serious first",
                ["#", "KPI", "Red at", "Value", "Target", "Months red", "Severity", "Also red at"],
                [
                    [
                        i,
                        g.kpi,
                        g.worst.scope,
                        g.worst.value,
                        g.worst.target,
                        g.months,
                        "severe" if g.severe else "red",
                        g.also or "\u2014",
                    ]
                    for i, g in enumerate(ctx["red"], start=1)
                ],
            )
        )
    else:
        part.add(Text("Nothing is red at any level."))
    part.add(Heading("What changed", 3))
    if ctx["movements"]:
        part.add(
            _table(
                "Largest movements on last month",
                ["Scope", "KPI", "Last month", "This month", "Change", "Signal or noise"],
                [
                    [m.scope, m.kpi, m.previous, m.current, m.change, m.verdict]
                    for m in ctx["movements"]
                ],
            )
        )
    else:
        part.add(Text("No change from last month is recorded."))
    if ctx["playbooks"]:
        part.add(
            Heading("Playbooks that fired", 3),
            _table(
                "Playbooks triggered this month",
                ["Playbook", "Scope", "Why"],
                [[p.playbook, p.scope, p.why] for p in ctx["playbooks"]],
            ),
        )
    if ctx["signals"]:
        part.add(
            Heading("Which signals are real", 3),
            _table(
                "SPC signals this month, worst first",
                ["Scope", "KPI", "Rule", "Months", "Direction", "Value"],
                [[s.scope, s.kpi, s.rule, s.span, s.direction, s.value] for s in ctx["signals"]],
            ),
        )
    part.add(Heading("League tables"))
    for level, caption in (("vendor", "Vendors"), ("region", "Regions"), ("site", "Sites")):
        rows = ctx["leagues"][level]
        if not rows:
            continue
        extra = ["Vendor", "Region"] if level == "site" else []
        part.add(
            _table(
                f"{caption}, ranked by composite score",
                ["Rank", caption[:-1], *extra, "Composite", "Status", "Change", "Red KPIs"],
                [
                    [
                        r.rank,
                        r.scope,
                        *([r.vendor, r.region] if level == "site" else []),
                        r.composite,
                        status_label(r.status),
                        r.change,
                        r.red,
                    ]
                    for r in rows
                ],
            )
        )
    part.add(Heading("Trend charts"))
    _charts(part, ctx["charts"])
    part.add(Heading("Data quality"))
    findings = ctx["findings"]
    part.add(Text(f"Findings from intake this month: {findings_phrase(findings)}."))
    if ctx["quality"]:
        part.add(
            _table(
                "Submissions per vendor: this month, and months with a problem in the last twelve",
                [
                    "Vendor",
                    "Sites",
                    "Sent",
                    "Missing",
                    "Late",
                    "Invalid",
                    "Months missing",
                    "Months late",
                    "Months invalid",
                ],
                [
                    [
                        q.vendor,
                        q.sites,
                        q.sent,
                        ", ".join(q.missing) or "\u2014",
                        ", ".join(q.late) or "\u2014",
                        ", ".join(q.invalid) or "\u2014",
                        q.months_missing,
                        q.months_late,
                        q.months_invalid,
                    ]
                    for q in ctx["quality"]
                ],
            )
        )
    return part


def _kpi_rows(ctx: dict[str, Any], rows: Sequence[Any]) -> Table:
    header = ["KPI", ctx["quarter_column"], "Status", "Target"]
    if ctx["prior_quarter"]:
        header += [ctx["prior_quarter"], "Change"]
    if ctx["last_year_quarter"]:
        header += [ctx["last_year_quarter"], "Change"]
    body = []
    for r in rows:
        row = [r.name + (" (contract)" if r.contract else ""), r.value, status_label(r.status)]
        row.append(r.target)
        if ctx["prior_quarter"]:
            row += [r.prior, r.prior_change]
        if ctx["last_year_quarter"]:
            row += [r.last_year, r.last_year_change]
        body.append(row)
    return _table("KPIs against target, the prior quarter and a year before", header, body)


def qbr_part(ctx: dict[str, Any]) -> Part:
    """The vendor QBR pack from the context of `qbr()`."""
    cov = ctx["coverage"]
    part = Part(f"QBR {ctx['vendor']['name']} {ctx['quarter']}")
    part.add(
        Heading(f"{ctx['vendor']['name']}: QBR {ctx['quarter']}", 1),
        Text(
            f"{cov['now']} \u00b7 compared with {cov['prior'] or 'no prior quarter'} and "
            f"{cov['last_year'] or 'no quarter a year before'} \u00b7 report date "
            f"{ctx['report_date']}",
            "note",
        ),
    )
    if ctx["partial"]:
        part.add(
            Text(f"A partial quarter: its figures cover {', '.join(ctx['months_recorded'])} only.")
        )
    comp = ctx["composite"]
    part.add(
        Heading("1. Executive summary"),
        Text(
            f"Composite (mean of the months): {comp['value']}, {comp['status_label']} in "
            f"{comp['status_month']}"
            + (f"; {comp['prior']} in {ctx['prior_quarter']}" if comp["prior"] else "")
            + "."
        ),
        Heading("Wins", 3),
        *(
            Text(f"{r.name}: {r.value}, {r.prior_change} on {ctx['prior_quarter']}.", "bullet")
            for r in ctx["wins"]
        ),
        Heading("Issues", 3),
        *(
            Text(f"{r.name}: {r.value} ({status_label(r.status)}).", "bullet")
            for r in ctx["issues"]
        ),
        Heading("Decisions requested", 3),
        *(Text(d, "bullet") for d in ctx["decisions"] or ["None."]),
        Heading("2. Scorecard"),
        _kpi_rows(ctx, ctx["kpis"]),
    )
    _charts(part, ctx["charts"])
    part.add(Heading("3. Contract SLA attainment"))
    if ctx["sla"]:
        part.add(
            _table(
                "Contract service levels by month",
                ["Service level", "For", "Target", "Minimum", *ctx["months"]],
                [
                    [
                        r.kpi,
                        r.scope,
                        r.target,
                        r.minimum,
                        *(f"{m.word} {m.value}" for m in r.months),
                    ]
                    for r in ctx["sla"]
                ],
            )
        )
    else:
        part.add(
            Text(f"The workspace declares no contract service level for {ctx['vendor']['name']}.")
        )
    for number, section in enumerate(ctx["sections"], start=4):
        part.add(Heading(f"{number}. {section.title}"))
        if section.kpis:
            part.add(_kpi_rows(ctx, section.kpis))
        else:
            part.add(Text("No KPI of the framework covers this section."))
    part.add(Heading(f"{len(ctx['sections']) + 4}. Continuous improvement"))
    if ctx["practices"]:
        part.add(
            _table(
                "Favourable signals: practices worth copying",
                ["Scope", "KPI", "Signal"],
                [[p["scope"], p["kpi"], p["signal"]] for p in ctx["practices"]],
            )
        )
    else:
        part.add(Text("No favourable signal this quarter."))
    part.add(Heading(f"{len(ctx['sections']) + 5}. Action log"))
    if ctx["actions"]:
        part.add(
            _table(
                "Actions: owner, due date, status",
                ["Action", "Owner", "Due", "Status"],
                [[a["action"], a["owner"], a["due"], a["status"]] for a in ctx["actions"]],
            )
        )
    else:
        part.add(Text("No open action."))
    return part
