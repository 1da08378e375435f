"""Four more layouts, written after the drafter's vocabulary was frozen: the held-out part.

The twelve layouts of `draft_layouts` were written while the vocabulary grew, so they
measure coverage of their own conventions. These four were written afterwards and drafted
once before any change; docs/draft-accuracy.md records that first figure as well as the
current one.

- ``people_en``: an HR monthly workbook by site name, a report title, the month as
  "November 2026", headcount at the start, end and on average, leavers, wellbeing;
- ``norte_es_cx``: a Mexican contact centre's Latin-1 CSV for the customer-support framework:
  "Llamadas atendidas" (answered, as Spanish call centres say), "Abandonos", "Atendidas antes
  de 20 seg", "AHT (seg)", "Encuestas respondidas", "Clientes satisfechos", "% FCR";
- ``shared_services_en``: an English back-office report: Work Date, Workstream, Volume In,
  Volume Out, Total Handling Time (hrs), Items in SLA, Items due, WIP (EOD), QC Checked,
  QC Passed, Paid Hours, Available Hours;
- ``semenanjung_ms``: a Malay CSV: Tarikh, Baris Gilir, Kes Diterima, Kes Diselesaikan,
  Purata Masa Pengendalian (saat), Kes Layak SLA, Kes Dalam SLA, Tunggakan, Jam Dibayar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from tests.support.draft_layouts import (
    Col,
    Layout,
    _cells,
    _csv,
    _monthly,
    _queues,
    _table,
    _xlsx,
    count,
    in_hours,
    r2,
    share,
    v,
)
from tests.support.draft_truth import CX, PERIOD, TS, Row, Truth


def people_en(truth: Truth, out: Path) -> Layout:
    """HR monthly workbook by site name, with a title and the month in words."""
    names = {"BCN2": "Barcelona Hub", "LYO1": "Lyon Centre", "CEB2": "Cebu IT Park",
             "JKT1": "Jakarta Selatan"}  # fmt: skip
    rows = _monthly(truth, list(names))
    columns = [
        Col("Site", lambda r: names[r.site]),
        Col("Month", lambda r: "November 2026"),
        count("hc_start", "Headcount (start of month)"),
        count("hc_end", "Headcount (end of month)"),
        count("hc_avg", "Avg. Headcount"),
        count("leavers", "Leavers (total)"),
        Col("HRBP", lambda r: "A. Moreau"),
    ]
    grid = [["People report - November 2026"], [], [c.header for c in columns]]
    grid += _table(rows, columns)
    path = _xlsx(out / "stage" / f"People_monthly_{PERIOD}.xlsx", [("Headcount", grid)])
    return Layout(
        "people_en", TS, [path], columns,
        {"pattern": "People_monthly_{period}.xlsx", "grain": "month", "sheet": "Headcount",
         "header_row": 3, "site": ("column", "Site", {n: s for s, n in names.items()}),
         "date": ("Month", ("month_name",))},
        _cells(rows, columns, dated=False), "xlsx",
    )  # fmt: skip


def norte_es_cx(truth: Truth, out: Path) -> Layout:
    """Mexican contact-centre CSV, Latin-1, comma-separated, day-first dates."""
    site = "MTY1"
    rows = truth.site_rows(site)
    queues = {"billing": "Facturación", "complaints": "Quejas"}
    columns = [
        Col("Fecha", lambda r: r.day.strftime("%d/%m/%Y")),
        Col("Cola", _queues(queues), "queue"),
        count("rt_offered", "Llamadas ofrecidas"),
        count("rt_answered", "Llamadas atendidas"),
        count("rt_abandoned", "Abandonos"),
        count("answered_within_threshold", "Atendidas antes de 20 seg"),
        count("items_handled", "Casos cerrados"),
        Col("AHT (seg)", v("aht"), "handle_seconds", ("seconds",), per="items_handled"),
        count("csat_responses", "Encuestas respondidas"),
        count("csat_satisfied", "Clientes satisfechos"),
        count("fcr_eligible", "Casos elegibles FCR"),
        share("fcr_resolved", "fcr_eligible", "% FCR", 1, 100, "percent_0_100"),
    ]
    grid = [[c.header for c in columns], *_table(rows, columns)]
    path = _csv(out / "files" / f"NORTE_{site}_{PERIOD}.csv", grid, "latin-1", ",", ".")
    return Layout(
        "norte_es_cx", CX, [path], columns,
        {"pattern": "NORTE_{site}_{period}.csv", "grain": "day", "sheet": None,
         "header_row": 1, "site": ("filename", None, {}), "date": ("Fecha", ("day_first",)),
         "queue": ("Cola", {v: k for k, v in queues.items()}),
         "text": ("latin-1", ",", ".")},
        _cells(rows, columns),
    )  # fmt: skip


def shared_services_en(truth: Truth, out: Path) -> Layout:
    """English back-office report of an in-house shared-services centre."""
    site = "LDS1"
    rows = truth.site_rows(site)
    queues = {"general": "General", "escalations": "Escalations"}

    def handle_hours(row: Row) -> float:
        return r2(row.values["handle_seconds"] / 3600, 4)

    columns = [
        Col("Work Date", lambda r: dt.datetime.combine(r.day, dt.time())),
        Col("Workstream", _queues(queues), "queue"),
        count("items_received", "Volume In"),
        count("items_handled", "Volume Out"),
        Col("Total Handling Time (hrs)", handle_hours, "handle_seconds", ("hours",),
            read=lambda r: handle_hours(r) * 3600),
        count("items_sla_eligible", "Items due"),
        count("items_within_sla", "Items in SLA"),
        count("backlog_open_end", "WIP (EOD)"),
        count("qa_audited", "QC Checked"),
        count("qa_correct", "QC Passed"),
        in_hours("paid_seconds", "Paid Hours"),
        in_hours("available_idle_seconds", "Available Hours"),
    ]  # fmt: skip
    grid = [[c.header for c in columns], *_table(rows, columns)]
    path = _xlsx(out / "stage" / f"{site}_backoffice_{PERIOD}.xlsx", [("Data", grid)],
                 {0: "yyyy-mm-dd"})  # fmt: skip
    return Layout(
        "shared_services_en", TS, [path], columns,
        {"pattern": "{site}_backoffice_{period}.xlsx", "grain": "day", "sheet": "Data",
         "header_row": 1, "site": ("filename", None, {}), "date": ("Work Date", ("auto",)),
         "queue": ("Workstream", {"General": "general", "Escalations": "escalations"})},
        _cells(rows, columns), "xlsx",
    )  # fmt: skip


def semenanjung_ms(truth: Truth, out: Path) -> Layout:
    """Malay daily CSV, UTF-8, semicolons, decimal commas."""
    site = "PEN1"
    rows = truth.site_rows(site)
    queues = {"general": "Umum", "escalations": "Eskalasi"}
    columns = [
        Col("Tarikh", lambda r: r.day.strftime("%d/%m/%Y")),
        Col("Baris Gilir", _queues(queues), "queue"),
        count("items_received", "Kes Diterima"),
        count("items_handled", "Kes Diselesaikan"),
        Col("Purata Masa Pengendalian (saat)", v("aht"), "handle_seconds", ("seconds",),
            per="items_handled"),
        count("items_sla_eligible", "Kes Layak SLA"),
        count("items_within_sla", "Kes Dalam SLA"),
        count("backlog_open_end", "Tunggakan"),
        in_hours("paid_seconds", "Jam Dibayar"),
        in_hours("productive_seconds", "Jam Produktif"),
    ]  # fmt: skip
    grid = [[c.header for c in columns], *_table(rows, columns)]
    path = _csv(out / "files" / f"SMJ_{site}_{PERIOD.replace('-', '')}.csv", grid, "utf-8",
                ";", ",")  # fmt: skip
    return Layout(
        "semenanjung_ms", TS, [path], columns,
        {"pattern": "SMJ_{site}_{period}.csv", "grain": "day", "sheet": None, "header_row": 1,
         "site": ("filename", None, {}), "date": ("Tarikh", ("day_first",)),
         "queue": ("Baris Gilir", {"Umum": "general", "Eskalasi": "escalations"}),
         "text": ("utf-8", ";", ",")},
        _cells(rows, columns),
    )  # fmt: skip


HELD_OUT: dict[str, Callable[[Truth, Path], Layout]] = {
    f.__name__: f for f in (people_en, norte_es_cx, shared_services_en, semenanjung_ms)
}
