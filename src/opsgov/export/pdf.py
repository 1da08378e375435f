"""A document as a PDF, laid out by ReportLab: A4 landscape, each part on new pages.

Every page's footer names the document, the part and the period, and says `page N of M`.
Tables break across pages with their header row repeated; a heading is kept with what follows
it, a chart with its title and caption. Text is set in DejaVu Sans, embedded from the copy
matplotlib ships, so every character (arrows, dashes, non-Latin vendor names) prints the same
on every machine and nothing is fetched. Output is deterministic (`invariant`: no creation
date or random id), so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)

from opsgov.export.document import Document, Heading, Picture, Table, Text

FONT = "OpsgovSans"
BOLD = "OpsgovSans-Bold"
PAGE = landscape(A4)
MARGIN = 14 * mm
STATUS_FILL = {
    "Green": "#dafbe1",
    "met": "#dafbe1",
    "Amber": "#fff8c5",
    "below": "#fff8c5",
    "Red": "#ffebe9",
    "missed": "#ffebe9",
    "severe": "#ffebe9",
}


def _fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, spaceAfter=4)
    return {
        "body": base,
        "note": ParagraphStyle(
            "note", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#59636e")
        ),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=BOLD, fontSize=18, leading=22, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=13, leading=16, spaceBefore=10
        ),
        "h3": ParagraphStyle(
            "h3", parent=base, fontName=BOLD, fontSize=10.5, leading=13, spaceBefore=6
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9, spaceAfter=0),
        "num": ParagraphStyle(
            "num", parent=base, fontSize=7.5, leading=9, spaceAfter=0, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=7.5, leading=9),
        "headnum": ParagraphStyle(
            "headnum", parent=base, fontName=BOLD, fontSize=7.5, leading=9, alignment=TA_RIGHT
        ),
        "caption": ParagraphStyle("caption", parent=base, fontName=BOLD, fontSize=8.5),
    }


class _PartMark(Flowable):
    """Zero-size marker: the pages from here on belong to this part (for the footer)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._opsgov_part = self.name  # type: ignore[attr-defined]


class _NumberedCanvas(Canvas):
    """A canvas that writes `page N of M` once the page count is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._opsgov_part = ""

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        footer: tuple[str, str] = getattr(self, "_opsgov_footer", ("", ""))
        left = f"{footer[0]} \u00b7 {self._opsgov_part} \u00b7 period {footer[1]}"
        self.saveState()
        self.setFont(FONT, 7.5)
        self.setFillColor(colors.HexColor("#59636e"))
        self.setStrokeColor(colors.HexColor("#d1d9e0"))
        self.line(MARGIN, 10 * mm, PAGE[0] - MARGIN, 10 * mm)
        self.drawString(MARGIN, 6.5 * mm, left)
        self.drawRightString(PAGE[0] - MARGIN, 6.5 * mm, f"page {self.getPageNumber()} of {total}")
        self.restoreState()


def _widths(table: Table, width: float) -> list[float]:
    """Column widths in proportion to each column's longest line, within limits."""
    lengths = []
    for i, head in enumerate(table.header):
        cells = [head, *(row[i] for row in table.rows)]
        lengths.append(min(max(len(c) for c in cells), 48) + 2)
    total = sum(lengths)
    return [width * n / total for n in lengths]


def _table(table: Table, styles: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    def cell(text: str, column: int) -> Paragraph:
        style = styles["num"] if column in table.numeric else styles["cell"]
        return Paragraph(escape(text), style)

    data: list[list[Any]] = [
        [
            Paragraph(escape(h), styles["headnum" if i in table.numeric else "head"])
            for i, h in enumerate(table.header)
        ]
    ]
    data += [[cell(c, i) for i, c in enumerate(row)] for row in table.rows]
    style: list[Any] = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f6f8fa")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#afb8c1")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#d1d9e0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for r, row in enumerate(table.rows, start=1):
        for c, text in enumerate(row):
            fill = STATUS_FILL.get(text.split(" ")[0])
            if fill:
                style.append(("BACKGROUND", (c, r), (c, r), colors.HexColor(fill)))
    grid = LongTable(data, colWidths=_widths(table, width), repeatRows=1, hAlign="LEFT")
    grid.setStyle(TableStyle(style))
    return [Paragraph(escape(table.caption), styles["caption"]), grid, Spacer(1, 6)]


def _picture(picture: Picture, styles: dict[str, ParagraphStyle], width: float) -> Flowable:
    image = Image(io.BytesIO(picture.png))
    scale = min(1.0, (width * 0.75) / image.imageWidth)
    image.drawWidth = image.imageWidth * scale
    image.drawHeight = image.imageHeight * scale
    image.hAlign = "LEFT"
    return KeepTogether(
        [
            Paragraph(escape(picture.title), styles["h3"]),
            image,
            Paragraph(escape(picture.caption), styles["note"]),
            Spacer(1, 6),
        ]
    )


def write_pdf(document: Document) -> bytes:
    """The document as PDF bytes."""
    _fonts()
    styles = _styles()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=16 * mm,
        title=document.title,
        author="opsgov",
        creator="opsgov",
        invariant=True,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")

    def on_page(canvas: Canvas, _: BaseDocTemplate) -> None:
        canvas._opsgov_footer = (document.title, document.period)  # type: ignore[attr-defined]

    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    story: list[Flowable] = []
    for number, part in enumerate(document.parts):
        if number:
            story.append(PageBreak())
        story.append(_PartMark(part.name))
        pending: list[Flowable] = []
        for block in part.blocks:
            if isinstance(block, Heading):
                pending.append(Paragraph(escape(block.text), styles[f"h{min(block.level, 3)}"]))
                continue
            if isinstance(block, Text):
                flow: list[Flowable] = [
                    Paragraph(
                        escape(block.text),
                        styles[block.style],
                        bulletText="\u2022" if block.style == "bullet" else None,
                    )
                ]
            elif isinstance(block, Table):
                flow = _table(block, styles, doc.width)
            else:
                flow = [_picture(block, styles, doc.width)]
            if pending:  # a heading never ends a page alone
                story.append(KeepTogether([*pending, flow[0]]))
                story.extend(flow[1:])
                pending = []
            else:
                story.extend(flow)
        story.extend(pending)
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
