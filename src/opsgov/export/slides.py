"""The vendor QBR as a slide deck (`.pptx`), written by python-pptx, with native charts.

Slides: a title slide (vendor, quarter and the months it holds, what it is compared with), the
executive summary (composite, wins, issues, decisions), the scorecard (split over as many
slides as it needs), one slide per headline chart, contract SLA attainment and the action log.
Charts are PowerPoint line charts with their data inside the file (the values, the XmR centre
line and limits, the target), so a vendor manager can restyle or edit them; each chart's text
alternative is in the slide's notes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.util import Emu, Inches, Pt

from opsgov.history.reports.common import ChartSeries, status_label

ROWS_PER_SLIDE = 12
WIDTH = Inches(10)
HEIGHT = Inches(7.5)
"""The default template's 4:3 page, whose layouts the slides use."""
_FILL = {"Green": "DAFBE1", "Amber": "FFF8C5", "Red": "FFEBE9", "missed": "FFEBE9"}
_LINES = (
    ("value", "0A3069", False),
    ("centre line", "57606A", False),
    ("upper limit", "8C959F", True),
    ("lower limit", "8C959F", True),
    ("target", "1A7F37", True),
)


def _title_only(deck: Any, title: str) -> Any:
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = title
    slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(28)
    return slide


def _bullets(deck: Any, title: str, groups: Sequence[tuple[str, Sequence[str]]]) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = title
    body = slide.placeholders[1].text_frame
    body.clear()
    first = True
    for heading, lines in groups:
        para = body.paragraphs[0] if first else body.add_paragraph()
        first = False
        para.text = heading
        para.font.bold = True
        para.font.size = Pt(18)
        for line in lines or ["None."]:
            item = body.add_paragraph()
            item.text = line
            item.level = 1
            item.font.size = Pt(15)


def _table(deck: Any, title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    chunks = [rows[i : i + ROWS_PER_SLIDE] for i in range(0, len(rows), ROWS_PER_SLIDE)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        heading = title if len(chunks) == 1 else f"{title} ({number} of {len(chunks)})"
        slide = _title_only(deck, heading)
        left, top = Inches(0.4), Inches(1.4)
        shape = slide.shapes.add_table(
            len(chunk) + 1, len(header), left, top, WIDTH - 2 * left, Inches(0.4) * (len(chunk) + 1)
        )
        table = shape.table
        for c, text in enumerate(header):
            table.cell(0, c).text = text
        for r, row in enumerate(chunk, start=1):
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                cell.text = text
                fill = _FILL.get(text.split(" ")[0])
                if fill:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = RGBColor.from_string(fill)
                    cell.text_frame.paragraphs[0].font.color.rgb = RGBColor(0x1F, 0x23, 0x28)
        for r in range(len(chunk) + 1):
            for c in range(len(header)):
                for para in table.cell(r, c).text_frame.paragraphs:
                    para.font.size = Pt(11)


def _chart(deck: Any, title: str, series: ChartSeries, notes: str) -> None:
    slide = _title_only(deck, title)
    data = CategoryChartData(number_format="0.0%" if series.percent else "#,##0.00")
    data.categories = series.periods
    n = len(series.values)
    columns: dict[str, list[float | None]] = {"value": list(series.values)}
    for name, level in (
        ("centre line", series.centre),
        ("upper limit", series.unpl),
        ("lower limit", series.lnpl),
        ("target", series.target),
    ):
        if level is not None:
            columns[name] = [level] * n
    for name, values in columns.items():
        data.add_series(name, values)
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.LINE_MARKERS,
        Inches(0.5),
        Inches(1.4),
        WIDTH - Inches(1.0),
        HEIGHT - Inches(2.0),
        data,
    )
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    styles = {name: (colour, dashed) for name, colour, dashed in _LINES}
    for plot_series in chart.plots[0].series:
        colour, dashed = styles[plot_series.name]
        line = plot_series.format.line
        line.color.rgb = RGBColor.from_string(colour)
        line.width = Emu(Pt(2.25 if plot_series.name == "value" else 1.25))
        if dashed:
            line.dash_style = MSO_LINE_DASH_STYLE.DASH
        if plot_series.name != "value":
            plot_series.marker.style = XL_MARKER_STYLE.NONE
        plot_series.smooth = False
    slide.notes_slide.notes_text_frame.text = notes


def write_qbr_deck(ctx: dict[str, Any]) -> bytes:
    """The QBR deck as `.pptx` bytes, from the context of `opsgov.history.reports.qbr.qbr`."""
    deck = Presentation()
    deck.core_properties.title = ctx["title"]
    deck.core_properties.author = "opsgov"
    cov = ctx["coverage"]
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = f"{ctx['vendor']['name']}: QBR {ctx['quarter']}"
    first.placeholders[1].text = (
        f"{cov['now']}\nCompared with {cov['prior'] or 'no prior quarter'} and "
        f"{cov['last_year'] or 'no quarter a year before'}\n"
        f"{ctx['card'].workspace} \u00b7 report date {ctx['report_date']}"
    )
    comp = ctx["composite"]
    summary = [
        (
            f"Composite {comp['value']} ({comp['status_label']} in {comp['status_month']})"
            + (f"; {comp['prior']} in {ctx['prior_quarter']}" if comp["prior"] else ""),
            [f"{m}: {v} ({status_label(s)})" for m, v, s in comp["months"]],
        ),
        (
            "Wins",
            [
                f"{r.name}: {r.value}, {r.prior_change} on {ctx['prior_quarter']}"
                for r in ctx["wins"]
            ],
        ),
        ("Issues", [f"{r.name}: {r.value} ({status_label(r.status)})" for r in ctx["issues"]]),
        ("Decisions requested", list(ctx["decisions"])),
    ]
    _bullets(deck, "Executive summary", summary)
    header = ["KPI", ctx["quarter_column"], "Status", "Target"]
    if ctx["prior_quarter"]:
        header += [ctx["prior_quarter"], "Change"]
    rows = []
    for r in ctx["kpis"]:
        row = [r.name, r.value, status_label(r.status), r.target]
        if ctx["prior_quarter"]:
            row += [r.prior, r.prior_change]
        rows.append(row)
    _table(deck, "Scorecard", header, rows)
    for c in ctx["charts"]:
        if c.series is not None and c.series.values:
            _chart(deck, c.title, c.series, c.description)
    if ctx["sla"]:
        _table(
            deck,
            "Contract SLA attainment",
            ["Service level", "For", "Target", "Minimum", *ctx["months"]],
            [
                [
                    r.kpi,
                    r.scope,
                    r.target,
                    r.minimum,
                    *(f"{m.word} {m.value}".strip() for m in r.months),
                ]
                for r in ctx["sla"]
            ],
        )
    _table(
        deck,
        "Action log",
        ["Action", "Owner", "Due", "Status"],
        [[a["action"], a["owner"], a["due"], a["status"]] for a in ctx["actions"]],
    )
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
