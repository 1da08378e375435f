"""Which intake profile reads each file: exactly one, chosen by a rule a user can follow.

1. **Name.** The profiles whose `files` pattern (or list of paths) takes the file's name.
2. **Registry.** When the name gives a site the registry knows, only that site's vendor's
   profiles and the profiles with no `vendor:` stay. A profile whose pattern reads a site id the
   registry does not know drops out when another profile reads a registered one.
3. **Content.** When more than one still stays, the file is opened: a profile stays when its
   sheet is there (by name, pattern or, with neither, a sheet whose header it knows) and the
   header row it needs is found on that sheet.

One profile left: it reads the file. None: V322 (a file of the month's folder, a warning) or
V328 (a file named on the command line, an error). Several that the content cannot tell apart:
V326, naming the file and the profiles. `validate FILE --profile ID` skips the rule.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from opsgov import forked
from opsgov.errors import WorkbookError
from opsgov.harmonise.header import find_header
from opsgov.inbox import Match, match_name
from opsgov.intake.csvread import CsvOptions
from opsgov.intake.failures import reader_died
from opsgov.intake.limits import Limits
from opsgov.intake.raw import RawSheet, RawWorkbook, SheetVisibility
from opsgov.intake.readers import check_workbook, read_workbook
from opsgov.intake.sniff import FileFormat, sniff
from opsgov.issues import Issue, Location, make_issue
from opsgov.models.profile import Profile
from opsgov.models.registry import Registry

Rule = Literal["name", "vendor", "content", "forced"]
"""How the profile was chosen: the only one whose pattern takes the name, the only one left
for the vendor of the site the name gives, the only one whose sheet and header the file has,
or named with `--profile`."""

T = TypeVar("T")


@dataclass(frozen=True)
class Routed:
    """The profile chosen for a file (None when none reads it), how, and the findings."""

    match: Match | None
    rule: Rule | None = None
    issues: list[Issue] = field(default_factory=list)


def name_matches(path: Path, profiles: Sequence[Profile], root: Path | None = None) -> list[Match]:
    """Every profile whose files pattern (or list of paths) takes this file, in order."""
    found: list[Match] = []
    for profile in profiles:
        match = match_name(path, profile, root)
        if match is not None:
            found.append(match)
    return found


def by_registry(matches: Sequence[Match], registry: Registry) -> tuple[list[Match], list[str]]:
    """The matches the registry keeps, and why each other one was dropped."""
    kept: list[Match] = []
    dropped: list[str] = []
    for match in matches:
        vendor = match.profile.vendor
        site = registry.site(match.site) if match.site else None
        if site is not None and vendor is not None and vendor != site.vendor:
            dropped.append(
                f"{match.profile.id} is {vendor}'s, and {site.id} is {site.vendor}'s site"
            )
        else:
            kept.append(match)
    if any(m.site and registry.site(m.site) for m in kept):
        for match in [m for m in kept if m.site and registry.site(m.site) is None]:
            kept.remove(match)
            dropped.append(f"{match.profile.id} reads the site {match.site!r}, not in the registry")
    return kept, dropped


def choose_sheets(book: RawWorkbook, profile: Profile) -> list[RawSheet]:
    """The sheet a profile reads in a workbook ([] when it has none it can read)."""
    choice = profile.sheet
    if choice.name is not None:
        sheet = book.sheet(choice.name)
        return [sheet] if sheet is not None else []
    if choice.pattern is not None:
        return [
            s for s in book.sheets if fnmatch.fnmatchcase(s.name.lower(), choice.pattern.lower())
        ][:1]
    visible = [s for s in book.sheets if s.visibility == SheetVisibility.VISIBLE] or book.sheets
    fitting = [s for s in visible if find_header(s.rows, profile) is not None]
    if fitting:
        return fitting[:1]
    return visible[:1] if len(visible) == 1 else []


def misfit(book: RawWorkbook, profile: Profile) -> str | None:
    """Why the workbook's content does not fit a profile, or None when it does."""
    sheets = choose_sheets(book, profile)
    wanted = profile.sheet.name or profile.sheet.pattern
    if not sheets:
        return f"no sheet named {wanted!r}" if wanted else "no sheet with a header it knows"
    rows = sheets[0].rows
    if profile.header.row is not None:
        rows = rows[profile.header.row - 1 : profile.header.row]
    if find_header(rows, profile) is None:
        return f"no header row it knows on sheet {sheets[0].name!r}"
    return None


def csv_options(profile: Profile) -> CsvOptions:
    """The delimited-text options a profile declares."""
    return CsvOptions(
        encoding=profile.text.encoding,
        delimiter=profile.text.delimiter,
        decimal=profile.text.decimal,
    )


def _misfits(
    path: Path, profiles: Sequence[Profile], limits: Limits, extent_first: bool
) -> list[str | None]:
    """For each profile, why the file does not fit it (None: it fits); read once per options."""
    books: dict[CsvOptions, RawWorkbook] = {}
    reasons: list[str | None] = []
    for profile in profiles:
        options = csv_options(profile)
        if options not in books:
            books[options] = read_workbook(
                path, limits=limits, csv_options=options, extent_first=extent_first
            )
        reasons.append(misfit(books[options], profile))
    return reasons


def large_workbook(path: Path, limits: Limits) -> bool:
    """Whether a file is a workbook big enough to be read in a child process."""
    try:
        big = path.stat().st_size >= limits.child_read_bytes
    except OSError:
        return False
    return big and sniff(path) in (FileFormat.XLSX, FileFormat.XLSM)


def isolated(
    fn: Callable[..., T], path: Path, display: str, limits: Limits, *args: object
) -> tuple[T | None, list[Issue]]:
    """`fn(*args, extent_first)`, in a child process for a large workbook.

    Returns the value, or None and the findings that say why the reader died.
    """
    if not (forked.available() and large_workbook(path, limits)):
        return fn(*args, True), []
    outcome = forked.run_forked(
        fn,
        *args,
        False,
        memory_bytes=limits.isolation_memory_bytes,
        timeout=limits.isolation_timeout_seconds,
    )
    if outcome.value is not None:
        return outcome.value, []
    if outcome.failure == "error":  # a bug, not the file: run it here, where it can be traced
        return fn(*args, True), []
    try:  # the reader died or hung: the checks made before parsing may say why
        check_workbook(path, limits)
    except WorkbookError as exc:
        return None, [relocate(issue, display) for issue in exc.issues]
    code, message = reader_died(outcome.failure or "crash", limits)
    return None, [make_issue(code, message, location=Location(file=display), found=outcome.detail)]


def relocate(note: Issue, display: str) -> Issue:
    """A finding of the reader, placed in the file as reports name it."""
    if note.location is None:
        return note.model_copy(update={"location": Location(file=display)})
    return note.model_copy(update={"location": note.location.model_copy(update={"file": display})})


def _names(profiles: Sequence[str]) -> str:
    quoted = [f"`{p}`" for p in profiles]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def route(
    path: Path,
    display: str,
    profiles: Sequence[Profile],
    registry: Registry,
    *,
    root: Path | None = None,
    named: bool = False,
    limits: Limits | None = None,
) -> Routed:
    """The one profile that reads a file, by the rule of this module's docstring.

    Args:
        path: The file.
        display: The file as reports name it.
        profiles: The workspace's profiles.
        registry: The site registry (site -> vendor).
        root: The workspace, for profiles that list paths.
        named: Whether the file was named on the command line (no reader: an error).
        limits: Reading limits, for a file that must be opened to choose.
    """
    where = Location(file=display)
    matches = name_matches(path, profiles, root)
    kept, dropped = by_registry(matches, registry)
    if len(kept) == 1:
        return Routed(kept[0], "name" if len(matches) == 1 else "vendor")
    if not kept:
        return Routed(None, issues=[_unread(where, named, dropped)])
    limits = limits or Limits()
    try:
        reasons, failed = isolated(
            _misfits, path, display, limits, path, [m.profile for m in kept], limits
        )
    except WorkbookError as exc:
        reasons, failed = (
            None,
            [relocate(i, display) for i in exc.issues]
            or [make_issue("F200", exc.message, location=where)],
        )
    if reasons is None:  # the file cannot be opened: the reader's findings say why
        return Routed(None, issues=failed)
    fitting = [m for m, why in zip(kept, reasons, strict=True) if why is None]
    if len(fitting) == 1:
        return Routed(fitting[0], "content")
    ids = [m.profile.id for m in fitting]
    if fitting:
        return Routed(
            None,
            issues=[
                make_issue(
                    "V326",
                    f"{len(ids)} intake profiles fit this file, by its name and its content: "
                    f"{_names(ids)}; it is read by none of them",
                    location=where,
                    found=", ".join(ids),
                    hint="Make their files patterns (or sheet names) tell the files apart, or "
                    "give each its vendor in `vendor:`; to read it now, name one: "
                    f"`opsgov validate {path.name} --profile {ids[0]}`.",
                )
            ],
        )
    why = "; ".join(f"{m.profile.id}: {r}" for m, r in zip(kept, reasons, strict=True))
    return Routed(
        None,
        issues=[
            make_issue(
                "V327",
                f"intake profiles {_names([m.profile.id for m in kept])} take this file's name, "
                f"but its content fits none of them ({why})",
                location=where,
                found=", ".join(m.profile.id for m in kept),
                hint="Fix the profile whose template this is (its sheet name or headers), or "
                f"name it: `opsgov validate {path.name} --profile ID` shows what it finds.",
            )
        ],
    )


def forced(path: Path, display: str, profile: Profile, root: Path | None = None) -> Routed:
    """The file read by the profile named with `--profile`, whatever its name."""
    match = match_name(path, profile, root)
    if match is not None:
        return Routed(match, "forced")
    if profile.site.source == "filename":
        return Routed(
            None,
            issues=[
                make_issue(
                    "V329",
                    f"profile `{profile.id}` takes each row's site from the file name "
                    f"({profile.files.pattern}), and this name does not match it",
                    location=Location(file=display),
                    found=path.name,
                    expected=profile.files.pattern,
                    hint="Rename the file to the profile's pattern, or choose a profile that "
                    "reads the site from a column.",
                )
            ],
        )
    return Routed(Match(path, profile, None, None), "forced")


def _unread(where: Location, named: bool, dropped: list[str]) -> Issue:
    because = f" ({'; '.join(dropped)})" if dropped else ""
    hint = (
        "Add a profile whose files pattern matches its name (for this site's vendor), or "
        "rename the file to a pattern a profile has."
    )
    if named:
        return make_issue(
            "V328",
            f"no intake profile reads this file{because}: nothing in it was checked",
            location=where,
            hint=hint + " `--profile ID` reads it through a profile you name.",
        )
    return make_issue(
        "V322", f"no intake profile reads this file{because}", location=where, hint=hint
    )
