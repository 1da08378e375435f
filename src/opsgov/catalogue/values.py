"""V3xx: problems in the cells of a vendor's submission, and in what the month is missing."""

from __future__ import annotations

from opsgov.issues import CodeSpec, Severity

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741 - severity initials


def _c(code: str, title: str, severity: Severity, description: str) -> CodeSpec:
    return CodeSpec(code=code, title=title, severity=severity, description=description)


VALUE_CODES: tuple[CodeSpec, ...] = (
    _c(
        "V300",
        "required column missing",
        E,
        "A column the framework requires is not in the file. The message names the closest "
        "header found: often the vendor renamed it, and the profile needs the new name.",
    ),
    _c(
        "V301",
        "unmapped column",
        W,
        "A column is not mapped to any measure, so its values are not used. Map it in the "
        "profile, or list it under `ignore`.",
    ),
    _c(
        "V302",
        "text where a number belongs",
        E,
        "The cell holds text (or a date, or true/false) where the column needs a number. "
        "Numbers stored as text with thousands separators, decimal commas, % signs and "
        "currency symbols are read; anything else is reported here.",
    ),
    _c(
        "V303",
        "Excel error value",
        E,
        "The cell holds an Excel error (#DIV/0!, #N/A, #VALUE!, #REF!, #NAME?, #NUM!, #NULL!). "
        "The formula behind it needs fixing in the vendor's workbook.",
    ),
    _c(
        "V304",
        "below the minimum",
        E,
        "The value is below the lowest valid value for the measure (negative counts or "
        "durations, for example). Values made from this cell (an average per item or a "
        "percentage of it, turned back into a total) are not computed and get no finding of "
        "their own: the message names them, so fixing this one cell fixes them too. The same "
        "holds for V305 and V316.",
    ),
    _c(
        "V305",
        "above the maximum",
        E,
        "The value is above the highest valid value for the measure.",
    ),
    _c(
        "V306",
        "percentage out of range",
        E,
        "A percentage is above 100 % (or below 0). In a 0-1 column, a value such as 95 usually "
        "means the vendor wrote 0-100: fix the profile's unit or the file.",
    ),
    _c(
        "V307",
        "date outside the period",
        E,
        "The row's date is not in the month being validated: a row from another month, or a "
        "day and month swapped.",
    ),
    _c(
        "V308",
        "category value with no mapping",
        E,
        "A category value (queue, content category) has no mapping to the framework's values. "
        "Add it to the profile's `values` for the column.",
    ),
    _c(
        "V309",
        "duplicate row",
        E,
        "Two rows have the same key (site, date, queue), so the month would count them twice.",
    ),
    _c(
        "V310",
        "cross-field check failed",
        E,
        "A rule declared in the framework's `checks` fails for the row, such as audits passed "
        "above audits sampled.",
    ),
    _c(
        "V311",
        "formula with no stored result",
        E,
        "The cell holds a formula but no calculated value: the file was saved by a program that "
        "does not calculate. opsgov never reads such a cell as 0. Open and save the file in a "
        "spreadsheet program, or send values.",
    ),
    _c("V312", "no data", E, "The sheet is empty, or has a header but no data rows."),
    _c(
        "V313",
        "hidden sheet",
        I,
        "The workbook has a hidden or very hidden sheet. It is noted so that nobody is surprised "
        "by data they cannot see in the vendor's file.",
    ),
    _c(
        "V314",
        "submission missing",
        E,
        "A live site in the registry has sent no file for the period.",
    ),
    _c("V315", "not a date", E, "The date cell cannot be read as a date in the declared format."),
    _c(
        "V316",
        "count is not a whole number",
        E,
        "A count measure holds a fractional value. Averages of counts (`snapshot_avg` "
        "measures such as average headcount) may be fractions and are not checked.",
    ),
    _c("V317", "required value missing", E, "A required measure's cell is blank on a data row."),
    _c(
        "V318",
        "unknown site",
        E,
        "The site named by the file name or the site column is not in the registry.",
    ),
    _c(
        "V319",
        "optional column missing",
        I,
        "A column the profile maps to an optional measure is not in the file.",
    ),
    _c(
        "V320",
        "duplicate column",
        W,
        "Two columns map to the same measure; only the first is read.",
    ),
    _c(
        "V321",
        "no header row",
        E,
        "No row near the top of the sheet names enough of the profile's column headers. The "
        "layout changed, or the wrong sheet or profile is used. Set `header.row` if needed.",
    ),
    _c(
        "V322",
        "file not matched",
        W,
        "A file in the month's folder matches no intake profile (for the vendor of the site its "
        "name gives), so it is not read; the summary names it. A file named on the command "
        "line that nothing reads is V328, an error.",
    ),
    _c(
        "V323",
        "measure not supplied",
        E,
        "No file of the site's month supplies measures the site reports: those the intake "
        "profiles serving it read (required ones), plus the registry's `reports`, less its "
        "`does_not_report`. One finding per site lists them and the profile whose file would "
        "bring them. A measure the site does not report is no finding: its KPIs read 'not "
        "reported'.",
    ),
    _c(
        "V331",
        "expected file missing",
        E,
        "No file of the month is read by an intake profile that serves live sites, so the "
        "measures it reads are missing for all of them. One finding names the profile, its "
        "file pattern, the sites and the measures: put the file in the month's folder, or, if "
        "those sites do not report the measures, say so in the registry (`does_not_report`).",
    ),
    _c(
        "V324",
        "site not live",
        W,
        "The registry says the site is launching or closed in this period, yet it sent data.",
    ),
    _c(
        "V325",
        "no sheet found",
        E,
        "No sheet of the workbook matches the profile's sheet name or pattern, or has a header "
        "the profile recognises.",
    ),
    _c(
        "V326",
        "several profiles fit",
        E,
        "Two or more intake profiles take the file: their files patterns match its name, the "
        "registry (the site the name gives, that site's vendor) keeps both, and the file has "
        "the sheet and header each needs. The file is read by none of them. Make the patterns "
        "or sheet names tell the files apart, give each profile its `vendor:`, or name one with "
        "`opsgov validate FILE --profile ID`.",
    ),
    _c(
        "V327",
        "no profile fits the content",
        E,
        "Several intake profiles take the file's name, but none finds its sheet and header row "
        "in it; the message says what each one missed. The template changed, or a profile is "
        "wrong.",
    ),
    _c(
        "V328",
        "named file not read",
        E,
        "A file named on the command line matches no intake profile (for its site's vendor), "
        "so nothing in it was checked. Add or fix a profile, or read it with `--profile ID`.",
    ),
    _c(
        "V332",
        "invoice not checked here",
        W,
        "A file named on the command line is an invoice (its intake profile's purpose is "
        "`invoice`): `opsgov validate` checks the month's metrics files, and `opsgov credits` "
        "reads invoices and reconciles them with the contract. Run `opsgov credits --period "
        "YYYY-MM` for it.",
    ),
    _c(
        "V329",
        "name does not fit the profile",
        E,
        "The profile named with `--profile` takes each row's site from the file name, and the "
        "file's name does not match its files pattern, so no row would have a site.",
    ),
    _c(
        "V340",
        "rows left out as not data",
        I,
        "Rows under the header that are not data were left out, and the message says which and "
        "why: totals rows (a totals label such as `Total` or `Sub-total` as the first word, and "
        "figures that are the sums of the rows above, or a place after the last data row), "
        "blank rows, and rows starting with a text the profile's `skip.matching` lists. A label "
        "that only begins like a totals word (`Summer Surge`, `Summary`) is data.",
    ),
    _c(
        "V341",
        "totals label on a data row",
        W,
        "A row is labelled like a totals row, but none of its figures is the sum of the rows "
        "above and data rows follow it, so it is read as data rather than silently dropped. "
        "If it really is a totals row, remove it from the file.",
    ),
    _c(
        "V342",
        "totals row that does not add up",
        W,
        "The row after the last data row is labelled as the table's totals and was left out, "
        "but none of its figures is the sum of the rows above: rows may be missing or repeated "
        "in the file, or the row may be data. Check it against the vendor's own totals.",
    ),
    _c(
        "V343",
        "measures of an unread file",
        E,
        "A file of the month could not be read (the finding just before this one, at the same "
        "file, says why), so its site's month lacks every measure the file's profile would "
        "have supplied. This one line per site replaces a 'not supplied' finding (V323) for "
        "each of those measures, or 'sent no file' (V314) for a site whose only file it was: "
        "fix the cause, and validate again to see whether anything else is missing.",
    ),
)
