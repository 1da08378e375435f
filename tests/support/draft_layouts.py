"""Twelve vendor layouts for measuring `opsgov inspect --draft-profile`, each with its truth.

None is a layout of the sample workspace. Each follows conventions of real BPO and in-house
reports:

- ``iberia_es``: a Spanish BPO's daily xlsx: a merged title and a centre line above the
  header, "TMO (mm:ss)" (tiempo medio de operacion, the Spanish AHT) as text, "% Dentro de
  SLA" from 0 to 100, hours with two decimals, a "Total general" row and a "Fuente:" line;
- ``brasil_pt``: a Brazilian vendor's monthly workbook for all its sites: a "Leia-me" sheet
  first, a data sheet named after the month ("Nov-2026"), one row per site by the vendor's
  unit name, "TMA (min)" (tempo medio de atendimento), "Headcount Médio", costs in reais;
- ``franco_fr``: a French daily CSV as Excel writes "CSV UTF-8": byte-order mark, `;`,
  decimal commas, day-first dates, "DMT (s)" (duree moyenne de traitement);
- ``dach_de``: a German weekly workbook for two sites (Standort by id), calendar-week rows
  dated by their Monday, "Ø Bearbeitungszeit (Min.)", "Krankheitsstunden";
- ``italia_it``: an Italian daily report saved by LibreOffice as .ods, total handle hours,
  "Coda" with Italian queue names;
- ``nusantara_id``: an Indonesian legacy .xls, "Rata-rata Waktu Penanganan (detik)",
  "% Tepat Waktu" as 0-1 fractions;
- ``visayas_en``: a Philippine BPO's English report in abbreviations (Recv'd, Hnd, AHT with
  no unit, TAT Elig, TAT Met, Bklg EOD, QA %, Prod. Hrs), US dates as text, a team-lead column;
- ``wfm_snake``: an in-house WFM export in snake_case for several sites (site ids in a
  column, the framework's queue ids), handle time in minutes, exposure as [h]:mm:ss;
- ``mindanao_tl``: a Tagalog CSV from a Davao vendor;
- ``finance_en``: a monthly vendor-invoice workbook by cost centre, a text period column;
- ``andes_es_cx``: a Spanish contact centre's daily xlsx for the customer-support framework
  (Llamadas ofrecidas / contestadas, Contestadas en umbral, TMO (seg), CSAT %, FCR %);
- ``southpoint_en_cx``: a South African contact centre's CSV in abbreviations (ACD Offered,
  Ans, Abn, AHT as h:mm:ss text, CSAT Resp, FCR % written with %), day-first dates.

Each writer returns the files, the expected harmonised cells (what the file holds, from the
ground truth: rounded shares times their base), and the truth table: the expected reading of
every column and the expected file settings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tests.support.draft_truth import CX, DAYS, PERIOD, TS, Row, Truth

Cells = list[tuple[str, int, str, float]]
"""Expected harmonised cells: (site, date ordinal or 0, measure, value)."""


@dataclass(frozen=True)
class Col:
    """One column: header, the expected reading, and how to write it from a row."""

    header: str
    write: Callable[[Row], Any]
    measure: str | None = None
    """The measure it must be drafted as; None: not a measure (ignored, or a settings role)."""
    units: tuple[str, ...] = ()
    """Units that read it right (the first is what the layout writes)."""
    percent_of: str | None = None
    per: str | None = None
    read: Callable[[Row], float] | None = None
    """The value read back, when it differs from the truth (rounded shares and averages)."""


@dataclass
class Layout:
    """A written layout and its truth table."""

    name: str
    framework: str
    files: list[Path]
    columns: list[Col]
    settings: dict[str, Any]
    cells: Cells = field(default_factory=list)
    spreadsheet: str | None = None
    """xlsx, xls or ods: the format LibreOffice must write; None for CSV."""


def r2(value: float, places: int = 2) -> float:
    """Half-up rounding, as spreadsheets display."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def hours(seconds: float) -> float:
    """Seconds as hours with two decimals (exact for multiples of 36 s)."""
    return r2(seconds / 3600)


def mmss(seconds: int) -> str:
    """Seconds as mm:ss text."""
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def hmmss(seconds: int) -> str:
    """Seconds as h:mm:ss text."""
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def v(key: str) -> Callable[[Row], int]:
    """The truth value `key` of a row."""
    return lambda row: row.values[key]


def count(measure: str, header: str) -> Col:
    """A count written as the truth holds it."""
    return Col(header, v(measure), measure, ("count", "number"))


def in_hours(measure: str, header: str, units: tuple[str, ...] = ("hours",)) -> Col:
    """A time written in hours with two decimals."""
    return Col(header, lambda r: hours(r.values[measure]), measure, units)


def share(measure: str, base: str, header: str, places: int, scale: float, unit: str) -> Col:
    """A share of `base`, rounded to `places` decimals, written 0-1 (scale 1) or 0-100."""

    def written(row: Row) -> float:
        return r2(scale * row.values[measure] / row.values[base], places)

    return Col(
        header, written, measure, (unit,), percent_of=base,
        read=lambda row: written(row) / scale * row.values[base],
    )  # fmt: skip


def note(header: str, texts: Sequence[str]) -> Col:
    """A free-text column with a remark on some rows."""
    return Col(header, lambda r: texts[r.day.day % len(texts)] if r.day.day % 4 == 0 else None)


# Writers --------------------------------------------------------------------------------------


def _table(rows: list[Row], columns: list[Col]) -> list[list[Any]]:
    return [[c.write(r) for c in columns] for r in rows]


def _cells(rows: list[Row], columns: list[Col], dated: bool = True) -> Cells:
    out: Cells = []
    for row in rows:
        day = row.day.toordinal() if dated else 0
        for c in columns:
            if c.measure is None or c.measure == "queue":
                continue
            value = c.read(row) if c.read else row.values[c.measure]
            out.append((row.site, day, c.measure, float(value)))
    return out


def _xlsx(
    path: Path,
    sheets: list[tuple[str, list[list[Any]]]],
    formats: dict[int, str] | None = None,
    merge: str | None = None,
) -> Path:
    """An openpyxl workbook for LibreOffice to re-save (`formats`: column index -> format)."""
    book = Workbook()
    book.remove(book.active)
    for index, (name, rows) in enumerate(sheets):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if index == len(sheets) - 1:
            for col, fmt in (formats or {}).items():
                for cells in sheet.iter_cols(min_col=col + 1, max_col=col + 1):
                    for cell in cells:
                        if isinstance(cell.value, dt.datetime | dt.date | dt.timedelta):
                            cell.number_format = fmt
            if merge:
                sheet.merge_cells(merge)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _csv(path: Path, rows: list[list[Any]], encoding: str, delimiter: str, decimal: str) -> Path:
    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            text = repr(value) if not value.is_integer() else str(int(value))
            return text.replace(".", decimal)
        return str(value)

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(c) for c in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _queues(names: dict[str, str]) -> Callable[[Row], str]:
    return lambda row: names[row.queue or ""]


def _total(rows: list[list[Any]], label: str, first: int = 0) -> list[Any]:
    sums: list[Any] = [None] * len(rows[0])
    sums[first] = label
    return sums


# The layouts --------------------------------------------------------------------------------


def iberia_es(truth: Truth, out: Path) -> Layout:
    """Spanish BPO daily report, xlsx, banner and centre line above the header."""
    site = "BCN2"
    rows = truth.site_rows(site)
    queues = {"general": "Moderación General", "escalations": "Escalaciones"}
    columns = [
        Col("Fecha", lambda r: dt.datetime.combine(r.day, dt.time())),
        Col("Cola", _queues(queues), "queue"),
        count("items_received", "Casos Recibidos"),
        count("items_handled", "Casos Atendidos"),
        Col("TMO (mm:ss)", lambda r: mmss(r.values["aht"]), "handle_seconds", ("mm:ss",),
            per="items_handled"),
        count("items_sla_eligible", "Casos Elegibles SLA"),
        share("items_within_sla", "items_sla_eligible", "% Dentro de SLA", 2, 100,
              "percent_0_100"),
        count("backlog_open_end", "Pendientes al Cierre"),
        count("qa_audited", "Auditorías Realizadas"),
        count("qa_correct", "Auditorías Correctas"),
        in_hours("paid_seconds", "Horas Pagadas"),
        in_hours("productive_seconds", "Horas Productivas"),
        note("Observaciones", ["Caída de sistema 2h", "Formación de equipo"]),
    ]  # fmt: skip
    body = _table(rows, columns)
    grid: list[list[Any]] = [
        ["Iberia BPO - Reporte diario de operaciones"] + [None] * (len(columns) - 1),
        ["Centro: Barcelona | Mes: noviembre 2026"],
        [],
        [c.header for c in columns],
        *body,
        _total(body, "Total general"),
        [],
        ["Fuente: sistema WFM de Iberia BPO"],
    ]
    path = _xlsx(out / "stage" / f"IBX_{site}_{PERIOD}.xlsx", [("Reporte Diario", grid)],
                 {0: "dd/mm/yyyy"}, merge="A1:M1")  # fmt: skip
    return Layout(
        "iberia_es", TS, [path], columns,
        {"pattern": "IBX_{site}_{period}.xlsx", "grain": "day", "sheet": "Reporte Diario",
         "header_row": 4, "site": ("filename", None, {}), "date": ("Fecha", ("auto",)),
         "queue": ("Cola", {"Moderación General": "general", "Escalaciones": "escalations"})},
        _cells(rows, columns), "xlsx",
    )  # fmt: skip


def _monthly(truth: Truth, sites: Sequence[str]) -> list[Row]:
    """One row per site: flows summed over the month, snapshots at month end, HR figures."""
    out = []
    for site in sites:
        rows = truth.site_rows(site)
        total: dict[str, int] = {}
        for row in rows:
            for key, value in row.values.items():
                total[key] = total.get(key, 0) + value
        last = [r for r in rows if r.day == DAYS[-1]]
        for key in ("backlog_open_end", "backlog_over_sla_end", "backlog_age_seconds_sum_end"):
            total[key] = sum(r.values[key] for r in last)
        total.update(truth.monthly[site])
        out.append(Row(site, DAYS[-1], None, total))
    return out


def brasil_pt(truth: Truth, out: Path) -> Layout:
    """Brazilian monthly workbook: Read-me sheet first, month-named data sheet, site names."""
    names = {"SAO3": "São Paulo - Paulista", "REC1": "Recife - Boa Vista"}
    rows = _monthly(truth, list(names))

    def tma(row: Row) -> float:
        return r2(row.values["handle_seconds"] / row.values["items_handled"] / 60)

    columns = [
        Col("Unidade", lambda r: names[r.site]),
        Col("Mês", lambda r: "novembro/2026"),
        count("items_received", "Volume Recebido"),
        count("items_handled", "Volume Tratado"),
        Col("TMA (min)", tma, "handle_seconds", ("minutes",), per="items_handled",
            read=lambda r: tma(r) * 60 * r.values["items_handled"]),
        count("qa_audited", "Amostra QA"),
        count("qa_correct", "Acertos QA"),
        in_hours("productive_seconds", "Horas Produtivas"),
        in_hours("paid_seconds", "Horas Pagas"),
        Col("Custo Total (R$)", lambda r: r.values["cost_total_cents"] / 100, "cost_total",
            ("money", "number"), read=lambda r: r.values["cost_total_cents"] / 100),
        count("leavers", "Desligamentos"),
        count("hc_avg", "Headcount Médio"),
        count("hc_end", "HC Final"),
    ]  # fmt: skip
    readme = [
        ["Relatório mensal de operações - Brasil Ops"],
        ["Este arquivo traz os indicadores do mês por unidade."],
        ["TMA em minutos por atendimento; horas em horas decimais."],
    ]
    grid = [["Indicadores mensais por unidade"], [], [c.header for c in columns]]
    grid += _table(rows, columns)
    path = _xlsx(out / "stage" / f"BrasilOps_Relatorio_Mensal_{PERIOD}.xlsx",
                 [("Leia-me", readme), ("Nov-2026", grid)])  # fmt: skip
    return Layout(
        "brasil_pt", TS, [path], columns,
        {"pattern": "BrasilOps_Relatorio_Mensal_{period}.xlsx", "grain": "month",
         "sheet": ("month", ["Nov-2026", "Dez-2026"]), "header_row": 3,
         "site": ("column", "Unidade", {"São Paulo - Paulista": "SAO3",
                                        "Recife - Boa Vista": "REC1"}),
         "date": None, "vendor": "brasil_ops"},
        _cells(rows, columns, dated=False), "xlsx",
    )  # fmt: skip


def franco_fr(truth: Truth, out: Path) -> Layout:
    """French daily CSV as Excel's "CSV UTF-8": BOM, `;`, decimal commas, day-first dates."""
    site = "LYO1"
    rows = truth.site_rows(site)
    queues = {"general": "Modération générale", "child_safety": "Sécurité des enfants"}
    columns = [
        Col("Date", lambda r: r.day.strftime("%d/%m/%Y")),
        Col("File d'attente", _queues(queues), "queue"),
        count("items_received", "Dossiers reçus"),
        count("items_handled", "Dossiers traités"),
        Col("DMT (s)", v("aht"), "handle_seconds", ("seconds",), per="items_handled"),
        count("items_sla_eligible", "Éligibles SLA"),
        count("items_within_sla", "Traités dans les délais"),
        count("backlog_open_end", "Stock fin de journée"),
        in_hours("paid_seconds", "Heures payées"),
        in_hours("logged_in_seconds", "Heures de connexion"),
        in_hours("absence_unplanned_seconds", "Absentéisme non planifié (h)"),
        note("Commentaire", ["Panne outil", "Renfort intérim"]),
    ]
    grid = [[c.header for c in columns], *_table(rows, columns)]
    path = _csv(out / "files" / f"{site}_export_quotidien_{PERIOD.replace('-', '')}.csv",
                grid, "utf-8-sig", ";", ",")  # fmt: skip
    return Layout(
        "franco_fr", TS, [path], columns,
        {"pattern": "{site}_export_quotidien_{period}.csv", "grain": "day", "sheet": None,
         "header_row": 1, "site": ("filename", None, {}), "date": ("Date", ("day_first",)),
         "queue": ("File d'attente", {v: k for k, v in queues.items()}),
         "text": ("utf-8", ";", ",")},
        _cells(rows, columns),
    )  # fmt: skip


def _weekly(truth: Truth, sites: Sequence[str]) -> list[Row]:
    """Calendar weeks Monday 2 to Sunday 29 November: flows summed, snapshots at Sunday."""
    out = []
    mondays = [d for d in DAYS if d.weekday() == 0 and d + dt.timedelta(days=6) <= DAYS[-1]]
    for site in sites:
        rows = truth.site_rows(site)
        for monday in mondays:
            week = [r for r in rows if monday <= r.day <= monday + dt.timedelta(days=6)]
            total: dict[str, int] = {}
            for row in week:
                for key, value in row.values.items():
                    total[key] = total.get(key, 0) + value
            sunday = [r for r in week if r.day == monday + dt.timedelta(days=6)]
            total["backlog_open_end"] = sum(r.values["backlog_open_end"] for r in sunday)
            out.append(Row(site, monday, None, total))
    return out


def dach_de(truth: Truth, out: Path) -> Layout:
    """German weekly workbook for two sites, Standort by id, rows dated by their Monday."""
    rows = _weekly(truth, ["BER4", "MUC2"])

    def avg_minutes(row: Row) -> float:
        return r2(row.values["handle_seconds"] / row.values["items_handled"] / 60)

    columns = [
        Col("KW", lambda r: r.day.isocalendar()[1]),
        Col("Wochenbeginn", lambda r: dt.datetime.combine(r.day, dt.time())),
        Col("Standort", lambda r: r.site),
        count("items_received", "Eingegangene Fälle"),
        count("items_handled", "Bearbeitete Fälle"),
        Col("Ø Bearbeitungszeit (Min.)", avg_minutes, "handle_seconds", ("minutes",),
            per="items_handled", read=lambda r: avg_minutes(r) * 60 * r.values["items_handled"]),
        count("items_sla_eligible", "SLA-relevante Fälle"),
        count("items_within_sla", "Fristgerecht bearbeitet"),
        count("backlog_open_end", "Rückstand Ende"),
        count("qa_audited", "Geprüfte Fälle"),
        count("qa_correct", "Davon korrekt"),
        in_hours("paid_seconds", "Bezahlte Stunden"),
        in_hours("scheduled_seconds", "Geplante Stunden"),
        in_hours("absence_unplanned_seconds", "Krankheitsstunden"),
    ]  # fmt: skip
    grid = [[c.header for c in columns], *_table(rows, columns)]
    path = _xlsx(out / "stage" / f"DACH_Wochenbericht_{PERIOD}.xlsx",
                 [("Wochenbericht", grid)], {1: "dd.mm.yyyy"})  # fmt: skip
    return Layout(
        "dach_de", TS, [path], columns,
        {"pattern": "DACH_Wochenbericht_{period}.xlsx", "grain": "week",
         "sheet": "Wochenbericht", "header_row": 1, "site": ("column", "Standort", {}),
         "date": ("Wochenbeginn", ("auto",)), "vendor": "dach_ops"},
        _cells(rows, columns), "xlsx",
    )  # fmt: skip


def italia_it(truth: Truth, out: Path) -> Layout:
    """Italian daily report saved by LibreOffice as .ods: total handle hours, Italian queues."""
    site = "MIL2"
    rows = truth.site_rows(site)
    queues = {"general": "Generale", "priority": "Priorità"}

    def handle_hours(row: Row) -> float:
        return r2(row.values["handle_seconds"] / 3600, 4)

    columns = [
        Col("Data", lambda r: dt.datetime.combine(r.day, dt.time())),
        Col("Coda", _queues(queues), "queue"),
        count("items_received", "Pratiche ricevute"),
        count("items_handled", "Pratiche gestite"),
        Col("Tempo di gestione totale (ore)", handle_hours, "handle_seconds", ("hours",),
            read=lambda r: handle_hours(r) * 3600),
        count("items_sla_eligible", "Idonee SLA"),
        count("items_within_sla", "Entro SLA"),
        count("backlog_open_end", "Arretrato fine giornata"),
        count("qa_audited", "Campione QA"),
        count("qa_critical_errors", "Errori critici"),
        in_hours("paid_seconds", "Ore retribuite"),
        in_hours("scheduled_seconds", "Ore pianificate"),
        in_hours("sensitive_exposure_seconds", "Esposizione contenuti sensibili (ore)"),
        count("moderator_days", "Giorni moderatore"),
        note("Note", ["Sciopero trasporti", "Formazione"]),
    ]  # fmt: skip
    grid = [["Report giornaliero - Milano"], [c.header for c in columns]]
    grid += _table(rows, columns)
    path = _xlsx(out / "stage" / f"{site}_report_giornaliero_{PERIOD}.xlsx",
                 [("Report", grid)], {0: "dd/mm/yyyy"})  # fmt: skip
    return Layout(
        "italia_it", TS, [path], columns,
        {"pattern": "{site}_report_giornaliero_{period}.ods", "grain": "day", "sheet": "Report",
         "header_row": 2, "site": ("filename", None, {}), "date": ("Data", ("auto",)),
         "queue": ("Coda", {"Generale": "general", "Priorità": "priority"})},
        _cells(rows, columns), "ods",
    )  # fmt: skip


def nusantara_id(truth: Truth, out: Path) -> Layout:
    """Indonesian legacy .xls: Rata-rata Waktu Penanganan (detik), % Tepat Waktu as 0-1."""
    site = "JKT1"
    rows = truth.site_rows(site)
    queues = {"general": "Umum", "escalations": "Eskalasi"}
    columns = [
        Col("Tanggal", lambda r: dt.datetime.combine(r.day, dt.time())),
        Col("Antrian", _queues(queues), "queue"),
        count("items_received", "Tiket Diterima"),
        count("items_handled", "Tiket Diselesaikan"),
        Col("Rata-rata Waktu Penanganan (detik)", v("aht"), "handle_seconds", ("seconds",),
            per="items_handled"),
        count("items_sla_eligible", "Tiket Layak SLA"),
        share("items_within_sla", "items_sla_eligible", "% Tepat Waktu", 4, 1, "percent_0_1"),
        count("backlog_open_end", "Tunggakan Akhir"),
        count("qa_audited", "Jumlah Diaudit"),
        count("qa_correct", "Audit Benar"),
        in_hours("paid_seconds", "Jam Dibayar"),
        in_hours("logged_in_seconds", "Jam Login"),
        in_hours("productive_seconds", "Jam Produktif"),
        note("Keterangan", ["Gangguan jaringan", "Pelatihan"]),
    ]  # fmt: skip
    grid = [[c.header for c in columns], *_table(rows, columns)]
    path = _xlsx(out / "stage" / f"NUS_{site}_{PERIOD}.xlsx", [("Laporan Harian", grid)],
                 {0: "dd/mm/yyyy"})  # fmt: skip
    return Layout(
        "nusantara_id", TS, [path], columns,
        {"pattern": "NUS_{site}_{period}.xls", "grain": "day", "sheet": "Laporan Harian",
         "header_row": 1, "site": ("filename", None, {}), "date": ("Tanggal", ("auto",)),
         "queue": ("Antrian", {"Umum": "general", "Eskalasi": "escalations"})},
        _cells(rows, columns), "xls",
    )  # fmt: skip


def visayas_en(truth: Truth, out: Path) -> Layout:
    """Philippine BPO report in English abbreviations; AHT in seconds with no unit given."""
    site = "CEB2"
    rows = truth.site_rows(site)
    queues = {"general": "General", "child_safety": "Child Safety"}

    def qa(row: Row) -> float:
        return r2(100 * row.values["qa_correct"] / row.values["qa_audited"], 1)

    columns = [
        Col("Date", lambda r: r.day.strftime("%m/%d/%Y")),
        Col("LOB", _queues(queues), "queue"),
        count("items_received", "Recv'd"),
        count("items_handled", "Hnd"),
        Col("AHT", v("aht"), "handle_seconds", ("seconds",), per="items_handled"),
        count("items_sla_eligible", "TAT Elig"),
        count("items_within_sla", "TAT Met"),
        count("backlog_open_end", "Bklg EOD"),
        count("qa_audited", "QA Aud"),
        Col("QA %", qa, "qa_correct", ("percent_0_100",), percent_of="qa_audited",
            read=lambda r: qa(r) / 100 * r.values["qa_audited"]),
        in_hours("paid_seconds", "Paid Hrs"),
        in_hours("scheduled_seconds", "Sched Hrs"),
        in_hours("productive_seconds", "Prod. Hrs"),
        in_hours("logged_in_seconds", "Login Hrs"),
        count("moderator_days", "Mod Days"),
        Col("TL", lambda r: ["R. Santos", "J. Dela Cruz"][r.day.day % 2]),
    ]  # fmt: skip
    body = _table(rows, columns)
    grid = [["Visayas BPO - Daily KPI"], [], [c.header for c in columns], *body]
    grid.append(_total(body, "Grand Total"))
    path = _xlsx(out / "stage" / f"VSY_{site}_{PERIOD}.xlsx", [("Daily KPI", grid)])
    return Layout(
        "visayas_en", TS, [path], columns,
        {"pattern": "VSY_{site}_{period}.xlsx", "grain": "day", "sheet": "Daily KPI",
         "header_row": 3, "site": ("filename", None, {}), "date": ("Date", ("month_first",)),
         "queue": ("LOB", {"General": "general", "Child Safety": "child_safety"})},
        _cells(rows, columns), "xlsx",
    )  # fmt: skip


def wfm_snake(truth: Truth, out: Path) -> Layout:
    """In-house WFM export in snake_case for two sites; exposure as [h]:mm:ss durations."""
    rows = truth.site_rows("ATL1") + truth.site_rows("DUB3")
    columns = [
        Col("report_date", lambda r: r.day.isoformat()),
        Col("site_code", lambda r: r.site),
        Col("queue_id", lambda r: r.queue, "queue"),
        count("items_received", "items_inbound"),
        count("items_handled", "items_done"),
        Col("handle_time_min", lambda r: r2(r.values["handle_seconds"] / 60), "handle_seconds",
            ("minutes",)),
        count("backlog_open_end", "backlog_eod"),
        in_hours("backlog_age_seconds_sum_end", "backlog_age_hrs_sum"),
        in_hours("logged_in_seconds", "logged_in_hrs"),
        in_hours("available_idle_seconds", "idle_hrs"),
        in_hours("in_adherence_seconds", "adherent_hrs"),
        in_hours("scheduled_seconds", "sched_hrs"),
        Col("exposure_hhmmss", lambda r: dt.timedelta(seconds=r.values[
            "sensitive_exposure_seconds"]), "sensitive_exposure_seconds", ("hh:mm:ss", "mm:ss")),
        count("moderator_days", "moderator_days"),
        count("moderator_days_over_cap", "days_over_cap"),
    ]  # fmt: skip
    grid = [[c.header for c in columns], *_table(rows, columns)]
    path = _xlsx(out / "stage" / f"wfm_daily_export_{PERIOD}.xlsx", [("export", grid)],
                 {12: "[h]:mm:ss"})  # fmt: skip
    return Layout(
        "wfm_snake", TS, [path], columns,
        {"pattern": "wfm_daily_export_{period}.xlsx", "grain": "day", "sheet": "export",
         "header_row": 1, "site": ("column", "site_code", {}), "date": ("report_date", ("iso",)),
         "queue": ("queue_id", {"general": "general", "escalations": "escalations"}),
         "vendor": "inhouse"},
        _cells(rows, columns), "xlsx",
    )  # fmt: skip


def mindanao_tl(truth: Truth, out: Path) -> Layout:
    """Tagalog daily CSV (UTF-8, comma, decimal point) from a Davao vendor."""
    site = "DVO1"
    rows = truth.site_rows(site)

    def avg_minutes(row: Row) -> float:
        return r2(row.values["aht"] / 60)

    columns = [
        Col("Petsa", lambda r: r.day.isoformat()),
        Col("Pila", lambda r: "Pangkalahatan", "queue"),
        count("items_received", "Natanggap"),
        count("items_handled", "Natapos"),
        Col("Karaniwang Tagal ng Paghawak (min)", avg_minutes, "handle_seconds", ("minutes",),
            per="items_handled", read=lambda r: avg_minutes(r) * 60 * r.values["items_handled"]),
        count("items_sla_eligible", "Kwalipikado sa SLA"),
        count("items_within_sla", "Natapos sa Loob ng SLA"),
        count("backlog_open_end", "Nakabinbin"),
        count("qa_audited", "Sinuri"),
        count("qa_correct", "Tama"),
        in_hours("paid_seconds", "Oras na Bayad"),
        in_hours("productive_seconds", "Oras na Produktibo"),
        note("Tala", ["Brownout sa hapon", "Bagong ahente"]),
    ]  # fmt: skip
    grid = [[c.header for c in columns], *_table(rows, columns)]
    path = _csv(out / "files" / f"Ulat_{site}_{PERIOD}.csv", grid, "utf-8", ",", ".")
    return Layout(
        "mindanao_tl", TS, [path], columns,
        {"pattern": "Ulat_{site}_{period}.csv", "grain": "day", "sheet": None, "header_row": 1,
         "site": ("filename", None, {}), "date": ("Petsa", ("iso", "auto")),
         "queue": ("Pila", {"Pangkalahatan": "general"}), "text": ("utf-8", ",", ".")},
        _cells(rows, columns),
    )  # fmt: skip


def finance_en(truth: Truth, out: Path) -> Layout:
    """Monthly vendor invoices by cost centre; a text period column and a currency column."""
    centres = {"BCN2": "CC-5101 Barcelona", "LYO1": "CC-5230 Lyon", "JKT1": "CC-7310 Jakarta",
               "CEB2": "CC-7420 Cebu"}  # fmt: skip
    rows = [Row(s, DAYS[-1], None, truth.monthly[s]) for s in centres]
    columns = [
        Col("Cost Centre", lambda r: centres[r.site]),
        Col("Period", lambda r: PERIOD),
        Col("Vendor", lambda r: truth.site(r.site).vendor.replace("_", " ").title()),
        Col("Invoice Amount", lambda r: r.values["cost_total_cents"] / 100, "cost_total",
            ("money", "number"), read=lambda r: r.values["cost_total_cents"] / 100),
        Col("Currency", lambda r: truth.site(r.site).currency),
        count("hc_avg", "Avg HC"),
        count("leavers", "Leavers"),
    ]  # fmt: skip
    grid = [[c.header for c in columns], *_table(rows, columns)]
    path = _xlsx(out / "stage" / f"Vendor_Invoices_{PERIOD}.xlsx", [("Invoices", grid)])
    return Layout(
        "finance_en", TS, [path], columns,
        {"pattern": "Vendor_Invoices_{period}.xlsx", "grain": "month", "sheet": "Invoices",
         "header_row": 1, "site": ("column", "Cost Centre", {v: k for k, v in centres.items()}),
         "date": None},
        _cells(rows, columns, dated=False), "xlsx",
    )  # fmt: skip


def andes_es_cx(truth: Truth, out: Path) -> Layout:
    """Spanish contact centre daily xlsx for the customer-support framework."""
    site = "LIM1"
    rows = truth.site_rows(site)
    queues = {"billing": "Facturación", "technical_support": "Soporte Técnico"}
    columns = [
        Col("Fecha", lambda r: dt.datetime.combine(r.day, dt.time())),
        Col("Skill", _queues(queues), "queue"),
        count("rt_offered", "Llamadas Ofrecidas"),
        count("rt_answered", "Llamadas Contestadas"),
        count("rt_abandoned", "Abandonadas"),
        count("answered_within_threshold", "Contestadas en Umbral"),
        count("items_handled", "Contactos Atendidos"),
        Col("TMO (seg)", v("aht"), "handle_seconds", ("seconds",), per="items_handled"),
        count("csat_responses", "Encuestas CSAT"),
        share("csat_satisfied", "csat_responses", "CSAT %", 2, 100, "percent_0_100"),
        count("fcr_eligible", "Base FCR"),
        share("fcr_resolved", "fcr_eligible", "FCR %", 2, 100, "percent_0_100"),
        Col("Agentes", lambda r: r.values["moderator_days"]),
    ]  # fmt: skip
    grid = [[c.header for c in columns], *_table(rows, columns)]
    path = _xlsx(out / "stage" / f"ANDES_{site}_{PERIOD}.xlsx", [("Diario", grid)],
                 {0: "dd/mm/yyyy"})  # fmt: skip
    return Layout(
        "andes_es_cx", CX, [path], columns,
        {"pattern": "ANDES_{site}_{period}.xlsx", "grain": "day", "sheet": "Diario",
         "header_row": 1, "site": ("filename", None, {}), "date": ("Fecha", ("auto",)),
         "queue": ("Skill", {v: k for k, v in queues.items()})},
        _cells(rows, columns), "xlsx",
    )  # fmt: skip


def southpoint_en_cx(truth: Truth, out: Path) -> Layout:
    """South African contact centre CSV in abbreviations; AHT as h:mm:ss; FCR % with %."""
    site = "CPT1"
    rows = truth.site_rows(site)
    queues = {"billing": "Billing", "orders_delivery": "Orders & Delivery"}

    def fcr(row: Row) -> str:
        return f"{r2(100 * row.values['fcr_resolved'] / row.values['fcr_eligible'], 1)}%"

    columns = [
        Col("Date", lambda r: r.day.strftime("%d/%m/%Y")),
        Col("Queue", _queues(queues), "queue"),
        count("rt_offered", "ACD Offered"),
        count("rt_answered", "Ans"),
        count("rt_abandoned", "Abn"),
        count("items_handled", "Handled"),
        Col("AHT (h:mm:ss)", lambda r: hmmss(r.values["aht"]), "handle_seconds",
            ("hh:mm:ss", "mm:ss"), per="items_handled"),
        count("csat_responses", "CSAT Resp"),
        count("csat_satisfied", "CSAT Sat"),
        count("fcr_eligible", "FCR Elig"),
        Col("FCR %", fcr, "fcr_resolved", ("percent_0_100",), percent_of="fcr_eligible",
            read=lambda r: float(fcr(r)[:-1]) / 100 * r.values["fcr_eligible"]),
        in_hours("paid_seconds", "Paid Hrs"),
        in_hours("available_idle_seconds", "Avail Hrs"),
        Col("Team", lambda r: ["Falcons", "Springboks"][r.day.day % 2]),
    ]  # fmt: skip
    grid = [[c.header for c in columns], *_table(rows, columns)]
    path = _csv(out / "files" / f"SP_{site}_{PERIOD.replace('-', '')}.csv", grid, "utf-8",
                ",", ".")  # fmt: skip
    return Layout(
        "southpoint_en_cx", CX, [path], columns,
        {"pattern": "SP_{site}_{period}.csv", "grain": "day", "sheet": None, "header_row": 1,
         "site": ("filename", None, {}), "date": ("Date", ("day_first",)),
         "queue": ("Queue", {v: k for k, v in queues.items()}), "text": ("utf-8", ",", ".")},
        _cells(rows, columns),
    )  # fmt: skip


LAYOUTS: dict[str, Callable[[Truth, Path], Layout]] = {
    f.__name__: f
    for f in (
        iberia_es, brasil_pt, franco_fr, dach_de, italia_it, nusantara_id, visayas_en,
        wfm_snake, mindanao_tl, finance_en, andes_es_cx, southpoint_en_cx,
    )
}  # fmt: skip
