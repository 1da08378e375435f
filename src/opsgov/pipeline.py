"""The single calls the CLI makes: load a workspace's definitions, validate a period.

definitions -> intake (read each file) -> harmonise -> validate. Only reading files does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from opsgov.definitions import load_definition
from opsgov.errors import DefinitionError, ExitCode, OpsgovError, WorkbookError
from opsgov.fx import FxTable, load_fx, no_rate_issue
from opsgov.gcpause import paused_gc
from opsgov.harmonise.sheet import Context, harmonise_sheet
from opsgov.harmonise.table import Block
from opsgov.inbox import Match, month_files
from opsgov.intake.limits import Limits
from opsgov.intake.readers import read_workbook
from opsgov.issues import Issue, Location, Severity, make_issue
from opsgov.lint.run import Linted, linted_workspace
from opsgov.models.common import Definition
from opsgov.models.contract import Contract
from opsgov.models.framework import Framework
from opsgov.models.kpitest import TESTS_FOLDER
from opsgov.models.profile import Profile
from opsgov.models.registry import Registry, Site
from opsgov.models.results import FileRead, Scorecard
from opsgov.models.workspace import Workspace
from opsgov.playbooks.library import Library
from opsgov.playbooks.triggers import workspace_triggers
from opsgov.route import choose_sheets, csv_options, forced, isolated, relocate, route
from opsgov.score.card import ScoreInputs, build_scorecard
from opsgov.validate.reporting import missing_measures, reported
from opsgov.validate.rows import (
    check_bounds,
    check_period,
    check_rules,
    duplicate_keys,
    missing_values,
    period_bounds,
)
from opsgov.validate.unread import Unread, fold_unread
from opsgov.workspace import display_path, resolve_ref


@dataclass(frozen=True)
class Definitions:
    """A workspace's definitions, loaded and lint-clean."""

    root: Path
    settings: Workspace
    framework: Framework
    registry: Registry
    profiles: tuple[Profile, ...]
    contracts: tuple[Contract, ...] = ()
    playbooks: Library | None = None
    """The workspace's playbook library (its folder, then the built-ins), as linting read it."""

    def name(self, path: Path) -> str:
        """A file as reports name it: relative to the workspace when inside it.

        So outputs do not depend on the folder opsgov was run from, and carry no machine paths.
        """
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return display_path(path)

    def inputs(self, period: str) -> Path:
        """The folder of a period's files."""
        return self.root / self.settings.inputs.replace("{period}", period)


D = TypeVar("D", bound=Definition)


def _folder(folder: Path, kind: type[D], linted: Linted) -> tuple[D, ...]:
    """The definitions of one kind in a folder's YAML files, by file name."""
    found: list[D] = []
    if folder.is_dir():
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            loaded = _definition(path, linted)
            if isinstance(loaded, kind):
                found.append(loaded)
    return tuple(found)


def _definition(path: Path, linted: Linted) -> Definition | None:
    """A file's definition as linting loaded it (loaded here if linting did not)."""
    for key in (path, path.resolve()):
        if key in linted.definitions:
            return linted.definitions[key]
    return load_definition(path).definition


def load_definitions(root: Path) -> Definitions:
    """Load a workspace; refuses (DefinitionError) when its definitions have errors.

    The models are those linting loaded, from the cache when the files have not changed
    (`opsgov.defcache`).
    """
    linted = linted_workspace(root)
    tests = (root / TESTS_FOLDER).resolve()
    # A KPI test that cannot run is `opsgov test`'s to report, case by case; lint reports it
    # too, but it does not stop the month's commands.
    errors = [
        i
        for i in linted.report.issues
        if i.severity == Severity.ERROR
        and not (i.location and Path(i.location.file).resolve().is_relative_to(tests))
    ]
    if errors:
        raise DefinitionError(
            f"the workspace's definitions have {len(errors)} error(s); `opsgov lint` lists them",
            errors,
        )
    settings = _definition(root / "opsgov.yaml", linted)
    assert isinstance(settings, Workspace)
    framework_path = resolve_ref(root, settings.framework)
    assert framework_path is not None
    framework = _definition(framework_path, linted)
    registry = _definition(root / settings.registry, linted)
    assert isinstance(framework, Framework)
    assert isinstance(registry, Registry)
    profiles = _folder(root / settings.profiles, Profile, linted)
    contracts = _folder(root / settings.contracts, Contract, linted)
    library = linted.libraries.get(root.resolve())
    return Definitions(root, settings, framework, registry, profiles, contracts, library)


@dataclass
class ValidationRun:
    """What validating a set of files found: the harmonised blocks and every finding."""

    period: str | None
    files: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)
    """File -> id of the profile that read it."""
    paths: dict[str, Path] = field(default_factory=dict)
    """File as displayed -> its path."""
    matches: dict[str, Match] = field(default_factory=dict)
    """File as displayed -> the profile that read it and what its name says."""
    unread: dict[str, Unread] = field(default_factory=dict)
    """File as displayed -> what could not be read from it, and why (its first error)."""
    reads: list[FileRead] = field(default_factory=list)
    """Each file: the profile that read it, how it was chosen, its sites and rows read."""
    omitted: dict[str, int] = field(default_factory=dict)
    """File -> findings counted but not built (past `max_findings` for one check)."""


def _read_one(
    match: Match, defs: Definitions, display: str, limits: Limits, cap: int | None = None
) -> tuple[list[Block], list[Issue]]:
    """One file's blocks and findings; a large workbook is read in a child process."""
    value, failed = isolated(
        _read_here, match.path, display, limits, match, defs, display, limits, cap
    )
    return value if value is not None else ([], failed)


def read_file(
    match: Match, defs: Definitions, display: str, limits: Limits | None = None
) -> tuple[list[Block], list[Issue]]:
    """One file's harmonised blocks and findings, read through its profile (as validate does)."""
    return _read_one(match, defs, display, limits or Limits())


def _read_here(
    match: Match,
    defs: Definitions,
    display: str,
    limits: Limits,
    cap: int | None,
    extent_first: bool,
) -> tuple[list[Block], list[Issue]]:
    profile = match.profile
    try:
        book = read_workbook(
            match.path,
            limits=limits,
            csv_options=csv_options(profile),
            extent_first=extent_first,
        )
    except WorkbookError as exc:
        return [], [relocate(issue, display) for issue in exc.issues] or [
            make_issue("F200", exc.message, location=Location(file=display))
        ]
    issues = [relocate(note, display) for note in book.notes]
    sheets = choose_sheets(book, profile)
    if not sheets:
        wanted = profile.sheet.name or profile.sheet.pattern
        issues.append(
            make_issue(
                "V325",
                f"no sheet named {wanted!r}"
                if wanted
                else "no sheet has a header this profile knows",
                location=Location(file=display),
                found=", ".join(book.sheet_names) or "no sheets",
                hint="Sheets in the file: "
                + (", ".join(repr(n) for n in book.sheet_names) or "none"),
            )
        )
        return [], issues
    decimal = profile.text.decimal or (book.text_format.decimal if book.text_format else ".")
    blocks: list[Block] = []
    for sheet in sheets:
        ctx = Context(
            file=display,
            profile=profile,
            framework=defs.framework,
            site=match.site,
            date_system=book.date_system,
            decimal=decimal,
            max_findings=cap,
        )
        block, found = harmonise_sheet(sheet, ctx)
        issues.extend(found)
        if block is not None:
            blocks.append(block)
    return blocks, issues


def _site_issues(block: Block, registry: Registry, period: str | None) -> list[Issue]:
    issues: list[Issue] = []
    for site_id in dict.fromkeys(block.site):
        if site_id is None:
            continue
        index = block.site.index(site_id)
        location = block.source.cell(int(block.rows[index]), "site")
        site = registry.site(site_id)
        if site is None:
            issues.append(
                make_issue(
                    "V318",
                    f"site {site_id!r} is not in the registry",
                    location=location,
                    found=site_id,
                    hint="Add the site to the registry, or map the vendor's name in the profile.",
                )
            )
        elif period is not None and not live_in(site, period):
            issues.append(
                make_issue(
                    "V324",
                    f"site {site_id} is {site.status} in the registry, yet sent data for {period}",
                    location=location,
                    found=site_id,
                )
            )
    return issues


def live_in(site: Site, period: str) -> bool:
    """Whether a site is live at some point of the period."""
    start, end = period_bounds(period)
    if site.go_live is None or site.go_live > end:
        return False
    return site.closed is None or site.closed >= start


def _completeness(defs: Definitions, run: ValidationRun, period: str) -> list[Issue]:
    live = [s for s in defs.registry.sites if live_in(s, period)]
    return missing_measures(
        defs.framework,
        defs.registry,
        defs.profiles,
        run.blocks,
        live,
        defs.name(defs.inputs(period)),
        period,
        run.issues,
        set(run.profiles.values()),
    )


def _block_issues(
    block: Block, defs: Definitions, period: str | None, match: Match, cap: int | None = None
) -> list[Issue]:
    """The checks of one harmonised block: bounds, blanks, rules, sites and dates."""
    issues = [
        *check_bounds(block, defs.framework, cap),
        *missing_values(block, cap),
        *check_rules(block, defs.framework, cap),
        *_site_issues(block, defs.registry, period),
    ]
    effective = period or match.period
    if effective is not None:
        issues.extend(check_period(block, effective, match.profile.grain, cap))
    return issues


def validate_with(
    defs: Definitions, path: Path, profile: Profile, display: str, period: str
) -> tuple[list[Block], list[Issue]]:
    """Read and check one file through a named profile (whatever its name), as `validate` does."""
    match = Match(path, profile, None, period)
    with paused_gc():
        blocks, issues = _read_one(match, defs, display, Limits())
    for block in blocks:
        issues.extend(_block_issues(block, defs, period, match))
    issues.extend(duplicate_keys(blocks))
    return blocks, issues


def _invoice_named(display: str, match: Match, period: str | None) -> Issue:
    month = period or match.period or "YYYY-MM"
    return make_issue(
        "V332",
        f"an invoice (profile `{match.profile.id}`), which `opsgov validate` does not check",
        location=Location(file=display),
        hint=f"`opsgov credits --period {month}` reads it and reconciles it with the contract.",
    )


def validate(
    defs: Definitions,
    *,
    period: str | None = None,
    files: Sequence[Path] | None = None,
    limits: Limits | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    profile: Profile | None = None,
    max_findings: int | None = None,
) -> ValidationRun:
    """Read, harmonise and validate a period's files (or the files named).

    Each file is read by the one profile `opsgov.route` chooses, or by `profile` when given.
    With `max_findings`, each check builds at most that many findings per file and counts
    the rest (`ValidationRun.omitted`; their rows with errors stay known, for
    `excluding_invalid`): a report capped at that many findings per file is unchanged.
    """
    limits = limits or Limits()
    explicit = files is not None
    paths = (
        list(files) if files is not None else (month_files(defs.inputs(period)) if period else [])
    )
    run = ValidationRun(period=period)
    by_profile: dict[str, list[Block]] = {}
    for index, path in enumerate(paths):
        display = defs.name(path)
        if progress is not None:
            progress(display, index, len(paths))
        routed = (
            forced(path, display, profile, defs.root)
            if profile is not None
            else route(
                path,
                display,
                defs.profiles,
                defs.registry,
                root=defs.root,
                named=explicit,
                limits=limits,
            )
        )
        match = routed.match
        if match is not None and match.profile.purpose == "invoice":
            if explicit:  # named by the reader, who learns where it is read
                run.files.append(display)
                run.issues.append(_invoice_named(display, match, period))
            continue  # an invoice: reconciled by `opsgov credits`, never scored
        run.files.append(display)
        run.paths[display] = path
        run.issues.extend(routed.issues)
        if match is None:
            run.reads.append(FileRead(file=display, profile=None, rule=None, sites=[], rows=0))
            continue
        if period is not None and match.period is not None and match.period != period:
            run.issues.append(
                make_issue(
                    "V307",
                    f"the file name says {match.period}, not {period}",
                    location=Location(file=display),
                    found=match.period,
                    expected=period,
                )
            )
        run.profiles[display] = match.profile.id
        run.matches[display] = match
        with paused_gc():
            blocks, issues = _read_one(match, defs, display, limits, max_findings)
        run.issues.extend(issues)
        if not blocks:
            cause = next((i for i in issues if i.severity == Severity.ERROR), None)
            if cause is not None:
                run.unread[display] = Unread(display, match, cause)
        for block in blocks:
            run.blocks.append(block)
            by_profile.setdefault(block.source.profile, []).append(block)
            run.issues.extend(_block_issues(block, defs, period, match, max_findings))
            if block.omitted:
                run.omitted[display] = run.omitted.get(display, 0) + block.omitted
        sites = sorted({s for block in blocks for s in block.site if s is not None})
        rows = sum(len(block) for block in blocks)
        run.reads.append(
            FileRead(
                file=display, profile=match.profile.id, rule=routed.rule, sites=sites, rows=rows
            )
        )
    for blocks in by_profile.values():
        with paused_gc():
            run.issues.extend(duplicate_keys(blocks))
    if period is not None and not explicit:
        missing = _completeness(defs, run, period)
        run.issues.extend(
            fold_unread(missing, run.unread, run.blocks, defs.registry, defs.framework)
        )
        run.issues.extend(fx_coverage(defs, period))
    return run


def fx_coverage(defs: Definitions, period: str) -> list[Issue]:
    """The FX file's own findings, and K402 for each live site whose currency has no rate.

    Checked before scoring so that a missing rate is an error of the month, never a money
    measure that quietly drops out of a total.
    """
    if not any(m.kind == "money" for m in defs.framework.measures):
        return []
    fx, issues = workspace_fx(defs)
    reporting = defs.settings.reporting_currency
    for site in defs.registry.sites:
        if live_in(site, period) and fx.rate(period, site.currency, reporting) is None:
            issues.append(
                no_rate_issue(site.id, site.currency, reporting, period, defs.settings.fx_rates)
            )
    return issues


class ScoreRefusedError(OpsgovError):
    """The period has errors and `--allow-invalid` was not given, or it has no rows at all."""

    exit_code = ExitCode.FINDINGS


@dataclass
class ScoreRun:
    """A scored period: the scorecard, and the validation run it was built from."""

    card: Scorecard
    validation: ValidationRun
    issues: list[Issue]


def previous_period(period: str) -> str:
    """The month before `YYYY-MM`."""
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def excluding_invalid(run: ValidationRun) -> tuple[list[Block], int]:
    """The blocks without the rows that have errors, and how many rows were left out."""
    bad: dict[tuple[str, str], set[int]] = {}
    for issue in run.issues:
        loc = issue.location
        if issue.severity == Severity.ERROR and loc and loc.sheet and loc.row:
            bad.setdefault((loc.file, loc.sheet), set()).add(loc.row)
    for block in run.blocks:
        if block.omitted_error_rows:
            bad.setdefault((block.source.file, block.source.sheet), set()).update(
                block.omitted_error_rows
            )
    blocks, excluded = [], 0
    for block in run.blocks:
        rows = bad.get((block.source.file, block.source.sheet), set()) - {block.source.header_row}
        if rows:
            trimmed = block.without_rows(rows)
            excluded += len(block) - len(trimmed)
            blocks.append(trimmed)
        else:
            blocks.append(block)
    return blocks, excluded


def workspace_fx(defs: Definitions) -> tuple[FxTable, list[Issue]]:
    """The workspace's FX rates, and the findings of reading them."""
    if defs.settings.fx_rates is None:
        return FxTable(), []
    path = defs.root / defs.settings.fx_rates
    return load_fx(path, defs.name(path))


def score_inputs(
    defs: Definitions,
    run: ValidationRun,
    period: str,
    report_date: str,
    previous: Scorecard | None = None,
) -> ScoreInputs:
    """What the scorecard of a validated period is built from (rows with errors left out)."""
    blocks, excluded = excluding_invalid(run)
    fx, _ = workspace_fx(defs)
    live = [s for s in defs.registry.sites if live_in(s, period)]
    return ScoreInputs(
        framework=defs.framework,
        registry=defs.registry,
        settings=defs.settings,
        blocks=blocks,
        fx=fx,
        period=period,
        report_date=report_date,
        live_sites=live,
        paths=run.paths,
        findings={s.value: sum(1 for i in run.issues if i.severity == s) for s in Severity},
        excluded_rows=excluded,
        previous=previous,
        profiles=defs.profiles,
        reported=reported(defs.framework, defs.registry, defs.profiles),
    )


def _card(
    defs: Definitions, run: ValidationRun, period: str, report_date: str, previous: Scorecard | None
) -> tuple[Scorecard, list[Issue]]:
    """The period's scorecard, and the findings of computing it that validation did not make.

    The card counts every finding of the run and lists in full those at no cell of an input
    file (FX, computing, plausibility), so each output can show them.
    """
    card, computed = build_scorecard(score_inputs(defs, run, period, report_date, previous))
    seen = {(i.code, i.message) for i in run.issues}
    new = [i for i in dict.fromkeys(computed) if (i.code, i.message) not in seen]
    everything = [*run.issues, *new]
    counts = {s.value: sum(1 for i in everything if i.severity == s) for s in Severity}
    listed = [i for i in run.issues if run_wide(i)] + new
    update = {"findings": counts, "issues": listed, "reads": run.reads}
    return card.model_copy(update=update), new


def run_wide(issue: Issue) -> bool:
    """A finding at no cell of an input file: the FX file, computing, scoring."""
    return issue.code[0] in {"K", "S"}


def with_playbooks(
    defs: Definitions, card: Scorecard, prior: Scorecard | None, playbook_dir: Path | None
) -> Scorecard:
    """The card with the playbooks its month fires (the workspace's library, as linted)."""
    fired = workspace_triggers(
        defs.root,
        defs.settings,
        defs.registry,
        card,
        prior,
        playbook_dir=playbook_dir,
        library=defs.playbooks,
    )
    return card.model_copy(update={"playbooks": fired})


def refuse_errors(period: str, issues: Sequence[Issue], allow_invalid: bool) -> None:
    """Refuse (ScoreRefusedError) a period with errors, unless `allow_invalid`."""
    errors = [i for i in issues if i.severity == Severity.ERROR]
    if errors and not allow_invalid:
        in_files = sum(1 for i in errors if not run_wide(i))
        raise ScoreRefusedError(
            f"{period} has {len(errors)} error(s) ({in_files} in its files, "
            f"{len(errors) - in_files} in FX rates or computing); fix them, or score with "
            "--allow-invalid to leave the offending rows out and mark every output",
            errors,
        )


def score(
    defs: Definitions,
    *,
    period: str,
    report_date: str,
    allow_invalid: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    playbook_dir: Path | None = None,
) -> ScoreRun:
    """Validate and score a period; refuses one with errors unless `allow_invalid`.

    An error found while computing (no FX rate for a site's currency) is an error of the run,
    exactly as one in a file is: it can move a headline number.
    """
    run = validate(defs, period=period, progress=progress)
    refuse_errors(period, run.issues, allow_invalid)
    if not any(len(block) for block in run.blocks):
        raise ScoreRefusedError(
            f"{period} has no rows to score: no file of the month could be read, and a month "
            "without data is never recorded (--allow-invalid only leaves out rows with errors)",
            [i for i in run.issues if i.severity == Severity.ERROR],
        )
    before = previous_period(period)
    prior: Scorecard | None = None
    if month_files(defs.inputs(before)):
        prior_run = validate(defs, period=before)
        prior, _ = _card(defs, prior_run, before, report_date, None)
    card, issues = _card(defs, run, period, report_date, prior)
    refuse_errors(period, issues, allow_invalid)
    card = with_playbooks(defs, card, prior, playbook_dir)
    return ScoreRun(card=card, validation=run, issues=issues)
