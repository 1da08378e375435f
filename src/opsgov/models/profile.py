"""Intake profiles: how to read one vendor's spreadsheet template into the framework's measures.

One profile per vendor template, reusable across that vendor's sites. It says which files and
sheet, where the header is, which column is which measure (through synonyms), the units each
column is in, how dates, sites, queues and categories are written, and which rows to skip.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from opsgov.models.common import Code, Definition, Slug, Text
from opsgov.patterns import FilePattern

ColumnUnit = Literal[
    "number",
    "count",
    "seconds",
    "minutes",
    "hours",
    "mm:ss",
    "hh:mm:ss",
    "percent_0_100",
    "percent_0_1",
    "money",
]
DateFormat = Literal["auto", "iso", "day_first", "month_first", "month_name", "excel_serial"]
Grain = Literal["day", "week", "month"]
SiteSource = Literal["filename", "column", "fixed"]


class FileMatch(Definition):
    """Which files this profile reads."""

    pattern: str | None = Field(
        default=None,
        description="File name pattern with `{site}` and `{period}` placeholders and `*` "
        "wildcards, matched against the files of the month's input folder: "
        "`{site}_ops_{period}.xlsx`.",
    )
    paths: list[str] = Field(
        default_factory=list,
        description="Explicit files: a file of the month's input folder (`People headcount.xlsx`, "
        "read in every month), or a path from the workspace folder.",
    )

    @model_validator(mode="after")
    def _one_way(self) -> FileMatch:
        if (self.pattern is None) == (not self.paths):
            raise ValueError("give either pattern or paths")
        if self.pattern is not None:
            FilePattern.parse(self.pattern)  # ValueError says what is wrong with it
        return self


class SheetChoice(Definition):
    """Which sheet to read. Leave both empty for the first sheet whose header fits."""

    name: str | None = Field(default=None, description="Exact sheet name.")
    pattern: str | None = Field(default=None, description="Sheet name pattern with `*` wildcards.")


class HeaderSpec(Definition):
    """Where the header row is."""

    row: int | None = Field(
        default=None,
        ge=1,
        description="1-based row of the header. Empty: the first row matching enough known "
        "column names, skipping title banners, merged cells and blank rows.",
    )
    min_matches: int = Field(
        default=3, ge=1, description="Known column names a row needs to count as the header."
    )
    search_rows: int = Field(default=50, ge=1, description="Rows searched for the header.")


class SiteSpec(Definition):
    """Where the site of each row comes from."""

    source: SiteSource = Field(
        default="filename",
        description="filename (the `{site}` placeholder of the pattern), column, or fixed.",
    )
    column: str | None = Field(default=None, description="Header of the site column.")
    value: Code | None = Field(default=None, description="The site id, when fixed.")
    map: dict[str, Code] = Field(
        default_factory=dict,
        description="Vendor's site names to registry ids: `Manila Ortigas: MNL1`.",
    )

    @model_validator(mode="after")
    def _needs(self) -> SiteSpec:
        if self.source == "column" and not self.column:
            raise ValueError("source: column needs column")
        if self.source == "fixed" and not self.value:
            raise ValueError("source: fixed needs value")
        return self


class DateSpec(Definition):
    """The date column."""

    column: str | None = Field(
        default=None,
        description="Header of the date column. Empty for a monthly file with no date column: "
        "every row belongs to the period.",
    )
    headers: list[str] = Field(
        default_factory=list, description="Other headers the date column may have."
    )
    format: DateFormat = Field(
        default="auto",
        description="auto, iso (2026-10-31), day_first (31/10/2026), month_first (10/31/2026), "
        "month_name (31 Oct 2026, October 2026) or excel_serial (45961; 1900 or 1904 system).",
    )


class ColumnMap(Definition):
    """One measure: the headers it may have and the unit the vendor writes it in."""

    measure: Slug = Field(description="The framework measure this column fills.")
    headers: list[str] = Field(
        min_length=1,
        description="Headers this column may have, matched ignoring case, spaces and "
        "punctuation: `Cases Handled`, `handled`.",
    )
    unit: ColumnUnit = Field(
        default="number",
        description="How the vendor writes it: number, count, seconds, minutes, hours, mm:ss, "
        "hh:mm:ss (text or Excel times), percent_0_100, percent_0_1, money.",
    )
    percent_of: Slug | None = Field(
        default=None,
        description="The column is a percentage of this measure: the value becomes a count "
        "(within-SLA % times cases handled gives cases within SLA).",
    )
    per: Slug | None = Field(
        default=None,
        description="The column is an average per unit of this measure, such as AHT per "
        "handled item: the value is multiplied by it to give the total (handle time).",
    )
    also: list[Slug] = Field(
        default_factory=list,
        description="Further measures this same column fills, with the same figures: a vendor "
        "that reports no SLA-eligible count of its own, where every handled case is eligible, "
        "maps `Cases Handled` to `items_handled` with `also: [items_sla_eligible]`. Each must "
        "be a numeric measure of the same kind that no other column of the profile maps.",
    )
    values: dict[str, str] = Field(
        default_factory=dict,
        description="For a category measure: the vendor's values to the framework's "
        "(`Hate & Harassment: hate_harassment`).",
    )
    required: bool | None = Field(
        default=None, description="Override the measure's own `required` for this template."
    )

    @model_validator(mode="after")
    def _percent_unit(self) -> ColumnMap:
        if self.percent_of is not None and self.unit not in {"percent_0_100", "percent_0_1"}:
            raise ValueError("percent_of needs unit percent_0_100 or percent_0_1")
        if self.per is not None and self.percent_of is not None:
            raise ValueError("give percent_of or per, not both")
        return self

    @property
    def fills(self) -> list[str]:
        """Every measure the column fills: its own, then those listed in `also`."""
        return [self.measure, *(m for m in self.also if m != self.measure)]

    @property
    def base(self) -> str | None:
        """The measure this column is a share or an average of, if any."""
        return self.percent_of or self.per


class TextOptions(Definition):
    """How to read delimited text (CSV) files; leave empty to detect."""

    encoding: str | None = Field(default=None, description="utf-8, utf-16, cp1252, latin-1, ...")
    delimiter: str | None = Field(default=None, description="`,`, `;`, tab or `|`.")
    decimal: Literal[".", ","] | None = Field(default=None, description="Decimal separator.")


class SkipRows(Definition):
    """Rows that are not data."""

    totals: bool = Field(
        default=True,
        description="Skip rows whose first text cell says total, subtotal, grand total, sum.",
    )
    blank: bool = Field(default=True, description="Skip rows with no values.")
    matching: list[str] = Field(
        default_factory=list,
        description="Skip rows whose first non-empty cell starts with one of these texts "
        "(case-insensitive): `Note`, `Source:`.",
    )


class Profile(Definition):
    """An intake profile for one vendor template."""

    kind: Literal["intake_profile"] = Field(description="Always `intake_profile`.")
    id: Slug = Field(description="snake_case id of the profile.")
    purpose: Literal["operations", "invoice"] = Field(
        default="operations",
        description="operations: the framework's measures; invoice: a vendor's invoice lines "
        "(measures `invoice_units`, `invoice_rate`, `invoice_amount`, the line id in a `keys` "
        "column), reconciled by `opsgov credits` and never scored.",
    )
    name: Text = Field(description="Human name: `Acme daily operations report`.")
    description: str = Field(default="", description="Which template this reads.")
    vendor: Code | None = Field(default=None, description="The vendor whose template this is.")
    files: FileMatch = Field(description="Which files of the month this profile reads.")
    sheet: SheetChoice = Field(default_factory=SheetChoice, description="Which sheet.")
    header: HeaderSpec = Field(default_factory=HeaderSpec, description="Where the header is.")
    grain: Grain = Field(default="day", description="What one row covers: day, week or month.")
    site: SiteSpec = Field(default_factory=SiteSpec, description="Where each row's site is.")
    date: DateSpec = Field(default_factory=DateSpec, description="Where the date of each row is.")
    queue: str | None = Field(default=None, description="Header of the queue column, if any.")
    keys: list[str] = Field(
        default_factory=list,
        description="Headers of further columns that identify a row, beyond site, date and "
        "queue: `Agent ID` for agent-day rows. Two rows with the same key are duplicates.",
    )
    currency: str | None = Field(
        default=None,
        description="ISO 4217 code of money columns. Empty: the site's currency in the registry.",
    )
    text: TextOptions = Field(
        default_factory=TextOptions, description="Delimited-text options (CSV)."
    )
    columns: list[ColumnMap] = Field(min_length=1, description="Measure columns.")
    ignore: list[str] = Field(
        default_factory=list, description="Headers to ignore without a warning (comments, ...)."
    )
    skip: SkipRows = Field(default_factory=SkipRows, description="Which rows to skip.")

    @model_validator(mode="after")
    def _site_from_filename(self) -> Profile:
        if (
            self.purpose == "operations"
            and self.site.source == "filename"
            and (self.files.pattern is None or "{site}" not in self.files.pattern)
        ):
            raise ValueError("site source filename needs a files pattern with {site}")
        return self
