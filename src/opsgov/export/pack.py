"""The month's pack as one PDF: the scorecard, the governance pack and, for a vendor, its QBR."""

from __future__ import annotations

from opsgov.export.document import Document, governance_part, qbr_part, scorecard_part
from opsgov.export.pdf import write_pdf
from opsgov.history import query
from opsgov.history.reports.governance import governance
from opsgov.history.reports.qbr import qbr
from opsgov.history.store import HistoryStore


def month_pack(
    store: HistoryStore,
    period: str,
    *,
    report_date: str,
    vendor: str | None = None,
    quarter: tuple[int, int] | None = None,
) -> bytes:
    """The PDF of a month: its scorecard, its governance pack, and a vendor's QBR if asked.

    Args:
        store: The history store (the month must be in it).
        period: The month, YYYY-MM.
        report_date: The date printed on every part.
        vendor: A vendor id: add its QBR.
        quarter: (year, quarter) of the QBR; default the quarter holding `period`.

    Returns:
        The PDF's bytes.
    """
    card = query.load_card(store, period)
    parts = [
        scorecard_part(card),
        governance_part(
            governance(store, period, report_date=report_date, charts=False, raster=True)
        ),
    ]
    if vendor is not None:
        year, number = quarter or (int(period[:4]), (int(period[5:7]) - 1) // 3 + 1)
        parts.append(
            qbr_part(
                qbr(store, vendor, year, number, report_date=report_date, charts=False, raster=True)
            )
        )
    return write_pdf(Document(card.workspace, period, parts))
