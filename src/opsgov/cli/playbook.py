"""`opsgov playbook`: list and show playbooks, make a site's checklist, read it back, triggers."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from opsgov.atomic import write_bytes
from opsgov.cli.common import PlaybookDirOption, report_errors
from opsgov.cli.validate import PeriodOption, check_period
from opsgov.cli.workspace import WorkspaceOption, workspace_root
from opsgov.console import issue_text, make_console, plain_table
from opsgov.errors import OpsgovError
from opsgov.lint.common import did_you_mean
from opsgov.pipeline import Definitions, load_definitions, score
from opsgov.playbooks.checklist import build_checklist
from opsgov.playbooks.library import Library, load_library, search_dirs
from opsgov.playbooks.outputs import render_csv, render_html, render_md
from opsgov.render.env import environment
from opsgov.validate.rows import period_bounds
from opsgov.workspace import display_path, find_workspace

EPILOG = """Examples:

  opsgov playbook list

  opsgov playbook show new_site_launch

  opsgov playbook checklist new_site_launch --site CAI1 --start 2026-07-01 -f xlsx -o cai1.xlsx

  opsgov playbook status cai1.xlsx --as-of 2026-11-02      (exit 1 when anything is late)

  opsgov playbook triggers --period 2026-10
"""

app = typer.Typer(
    help="Playbooks: reviewed procedures made into dated, owned checklists for a site.",
    epilog=EPILOG,
    no_args_is_help=True,
)


class Fmt(StrEnum):
    """`--format` of the checklist."""

    md = "md"
    xlsx = "xlsx"
    html = "html"
    csv = "csv"


class TextOrJson(StrEnum):
    """`--format` of reports."""

    text = "text"
    json = "json"


JsonOption = Annotated[TextOrJson, typer.Option("--format", "-f", help="text or json.")]


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise OpsgovError(f"{option} must be a date written YYYY-MM-DD; got {text!r}") from None


def _library(
    playbook_dir: Path | None, workspace: Path | None
) -> tuple[Library, Definitions | None]:
    """Playbooks by search order; the workspace's definitions when there is a workspace."""
    root = workspace_root(workspace) if workspace else find_workspace(Path.cwd())
    defs = load_definitions(root) if root is not None else None
    dirs = search_dirs(playbook_dir, defs.root if defs else None, defs.settings if defs else None)
    return load_library(dirs), defs


def _json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@app.command(
    "list", epilog="Example:\n\n  opsgov playbook list --playbook-dir ../shared-playbooks\n"
)
@report_errors
def list_command(
    playbook_dir: PlaybookDirOption = None,
    workspace: WorkspaceOption = None,
    fmt: JsonOption = TextOrJson.text,
) -> None:
    """List every playbook and where it was found (--playbook-dir, workspace or built-in)."""
    library, _ = _library(playbook_dir, workspace)
    found = [library.playbooks[k] for k in sorted(library.playbooks)]
    if fmt is TextOrJson.json:
        rows = [
            {"id": f.playbook.id, "title": f.playbook.title, "source": f.source, "file": f.where}
            for f in found
        ]
        _json(
            {
                "playbooks": rows,
                "shadowed": [{"id": f.playbook.id, "file": f.where} for f in library.shadowed],
            }
        )
        return
    table = Table(title="Playbooks", title_justify="left")
    for name in ("id", "title", "triggers", "source", "file"):
        table.add_column(name, overflow="fold")
    for f in found:
        kinds = sorted({t.type for t in f.playbook.triggers}) or ["manual"]
        table.add_row(
            Text(f.playbook.id), Text(f.playbook.title), ", ".join(kinds), f.source, Text(f.where)
        )
    console = make_console()
    console.print(table)
    for f in library.shadowed:
        console.print(
            f"{f.where} ({f.source}): {f.playbook.id} is shadowed by an earlier one",
            markup=False,
            style="dim",
        )
    for issue in library.issues:
        make_console(stderr=True).print(issue_text(issue), soft_wrap=True)


@app.command("show", epilog="Example:\n\n  opsgov playbook show vendor_exit --format json\n")
@report_errors
def show_command(
    playbook_id: Annotated[str, typer.Argument(metavar="ID", help="Playbook id.")],
    playbook_dir: PlaybookDirOption = None,
    workspace: WorkspaceOption = None,
    fmt: JsonOption = TextOrJson.text,
) -> None:
    """Show a playbook: purpose, triggers, phases and steps with their timing, and variants."""
    library, _ = _library(playbook_dir, workspace)
    found = library.get(playbook_id)
    pb = found.playbook
    if fmt is TextOrJson.json:
        _json(pb.model_dump(mode="json"))
        return
    console = make_console()
    console.print(Text(f"{pb.title} ({pb.id})", style="bold"))
    console.print(
        Text(
            f"{found.where} ({found.source}); owner {pb.owner}; dates count from "
            f"{pb.anchor_label or pb.anchor} ({pb.days} days)"
        )
    )
    console.print(Text(" ".join(pb.purpose.split())))
    for t in pb.triggers:
        console.print(
            Text(
                f"trigger: {t.type} " + (t.description or t.model_dump_json(exclude_defaults=True))
            )
        )
    table = plain_table(
        "Steps",
        *((name, "left") for name in ("phase", "step", "owner", "lead")),
        ("days", "right"),
        *((name, "left") for name in ("depends on", "gate")),
    )
    for phase in pb.phases:
        for step in phase.steps:
            table.add_row(
                Text(phase.title),
                Text(f"{step.title} ({step.id})"),
                step.owner,
                step.lead_time_label,
                str(step.duration_days),
                Text(", ".join(step.depends_on)),
                "go/no-go" if step.gate else "",
            )
    console.print(table)
    for v in pb.variants:
        changes = [
            *(f"+{s.id}" for s in v.add),
            *(f"~{s.id}" for s in v.replace),
            *(f"-{s}" for s in v.remove),
        ]
        where = ", ".join([*v.regions, *v.countries])
        console.print(Text(f"variant {v.id}: {v.title} [{where}] {' '.join(changes)}"))


@app.command(
    "checklist",
    epilog="Example:\n\n  opsgov playbook checklist new_site_launch --site CAI1 --start 2026-07-01 "
    "--format xlsx --out cai1.xlsx\n",
)
@report_errors
def checklist_command(
    playbook_id: Annotated[str, typer.Argument(metavar="ID", help="Playbook id.")],
    site: Annotated[str, typer.Option("--site", help="Site id from the registry.")],
    start: Annotated[str, typer.Option("--start", help="Date work starts, YYYY-MM-DD.")],
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="md, xlsx, html or csv.")] = Fmt.md,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write to this file (needed for xlsx).", dir_okay=False),
    ] = None,
    anchor_date: Annotated[
        str | None,
        typer.Option(
            "--anchor-date",
            help="The anchor date (default: the site's go-live or closed date, or --start).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="xlsx: the date overdue rows are highlighted against (default: today, live).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Make it even for a site the playbook is not for.")
    ] = False,
    playbook_dir: PlaybookDirOption = None,
    workspace: WorkspaceOption = None,
    template_dir: Annotated[
        Path | None,
        typer.Option(
            "--template-dir", help="Templates that override the built-in ones.", file_okay=False
        ),
    ] = None,
) -> None:
    """Make a playbook's dated, owned checklist for one site, in dependency order."""
    begin = _date(start, "--start")
    assert begin is not None
    library, defs = _library(playbook_dir, workspace or find_workspace(Path.cwd()))
    if defs is None:
        raise OpsgovError(
            "a checklist needs a workspace (its registry and owners); run it in one or give "
            "--workspace"
        )
    found = library.get(playbook_id)
    target = defs.registry.site(site)
    if target is None:
        hint = did_you_mean(site, [s.id for s in defs.registry.sites]) or ""
        raise OpsgovError(f"there is no site {site!r} in the registry. {hint}".strip())
    checklist = build_checklist(
        found.playbook,
        target,
        defs.registry,
        defs.settings,
        start=begin,
        anchor_date=_date(anchor_date, "--anchor-date"),
        source=f"built-in {found.path.name}" if found.source == "built-in" else found.where,
        force=force,
    )
    env = environment([d for d in (template_dir, defs.root / "templates") if d is not None])
    if fmt is Fmt.xlsx:
        if out is None:
            raise OpsgovError("--format xlsx writes a file: give --out FILE.xlsx")
        from opsgov.playbooks.xlsx import render_xlsx  # openpyxl: only when writing one

        data = render_xlsx(checklist, env, as_of=_date(as_of, "--as-of"))
    else:
        data = {Fmt.md: render_md, Fmt.csv: render_csv, Fmt.html: render_html}[fmt](checklist, env)
    err = make_console(stderr=True)
    for warning in checklist.warnings:
        err.print(issue_text(warning), soft_wrap=True)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    write_bytes(out, data)
    err.print(
        f"wrote {display_path(out)}: {len(checklist.items)} steps, "
        f"{checklist.start} to {checklist.finish}",
        markup=False,
        style="dim",
    )


@app.command(
    "status",
    epilog="Example:\n\n  opsgov playbook status cai1.xlsx --as-of 2026-11-02 --format json\n",
)
@report_errors
def status_command(
    file: Annotated[
        Path,
        typer.Argument(metavar="CHECKLIST.xlsx", help="A filled-in checklist.", dir_okay=False),
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date to take the status on (default: today).")
    ] = None,
    fmt: JsonOption = TextOrJson.text,
) -> None:
    """Read a filled-in checklist back: completion, overdue, blocked, gates not passed (exit 1)."""
    if not file.is_file():
        raise OpsgovError(f"{file}: no such file")
    when = _date(as_of, "--as-of") or dt.date.today()
    from opsgov.playbooks.status import checklist_status  # openpyxl: only when reading one

    status = checklist_status(file, when, display_path(file))
    if fmt is TextOrJson.json:
        _json({**status.model_dump(mode="json"), "on_track": status.on_track})
    else:
        console = make_console()
        done = status.counts.get("Done", 0) + status.counts.get("N/A", 0)
        console.print(
            Text(
                f"{status.playbook} for {status.site} as of {status.as_of}: "
                f"{status.completion:.0%} complete ({done} of {status.total} steps Done or N/A)",
                style="bold",
            )
        )
        console.print(Text(", ".join(f"{k}: {v}" for k, v in status.counts.items())))
        for issue in status.issues:
            console.print(issue_text(issue), soft_wrap=True)
        verdict = (
            "on track"
            if status.on_track
            else f"{len(status.overdue)} overdue, {len(status.blocked)} blocked, "
            f"{len(status.gates_not_passed)} gate(s) not passed"
        )
        console.print(Text(verdict, style="green" if status.on_track else "bold red"))
    raise typer.Exit(int(status.exit_code))


@app.command(
    "triggers", epilog="Example:\n\n  opsgov playbook triggers --period 2026-10 --format json\n"
)
@report_errors
def triggers_command(
    period: PeriodOption = None,
    workspace: WorkspaceOption = None,
    allow_invalid: Annotated[
        bool,
        typer.Option(
            "--allow-invalid", help="Score despite errors, leaving the offending rows out."
        ),
    ] = False,
    fmt: JsonOption = TextOrJson.text,
    playbook_dir: PlaybookDirOption = None,
) -> None:
    """Which playbooks the month's scored results fire, for which sites, vendors or regions."""
    period = check_period(period)
    if period is None:
        raise OpsgovError("give --period YYYY-MM")
    defs = load_definitions(workspace_root(workspace))
    card = score(
        defs,
        period=period,
        report_date=period_bounds(period)[1].isoformat(),
        allow_invalid=allow_invalid,
        playbook_dir=playbook_dir,
    ).card
    if fmt is TextOrJson.json:
        _json([t.model_dump(mode="json") for t in card.playbooks])
        return
    console = make_console()
    if not card.playbooks:
        console.print(f"No playbook fires for {period}.")
        return
    table = Table(
        "playbook", "for", "why", title=f"Playbooks triggered, {period}", title_justify="left"
    )
    for t in card.playbooks:
        table.add_row(Text(t.playbook), Text(t.scope), Text(t.why))
    console.print(table)


def register(root: typer.Typer) -> None:
    """Add the `playbook` command group to the app."""
    root.add_typer(app, name="playbook", epilog=EPILOG)
