"""What `--help` shows beside each option: the value a reader types, never a Python type.

Typer labels every option with its annotation: `<bool>` on a flag that takes no value,
`<str>`, `<list[Path]>`, `<int range> [x>=1]`. A reader wants the form of the value
(`<YYYY-MM>`, `<path>...`, `<n> [at least 1]`) and nothing beside a flag. `tidy` rewrites
those labels once per command, when the command is loaded; parsing and checking of the
values are untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from typer import _click as click
from typer.core import TyperGroup

VALUE_FORMS: dict[str, str] = {
    "--period": "<YYYY-MM>",
    "period": "<YYYY-MM>",
    "first": "<YYYY-MM>",
    "second": "<YYYY-MM>",
    "--quarter": "<YYYY-Qn>",
    "--report-date": "<YYYY-MM-DD>",
    "--as-of": "<YYYY-MM-DD>",
    "--start": "<YYYY-MM-DD>",
    "--anchor-date": "<YYYY-MM-DD>",
    "--vendor": "<vendor>",
    "--site": "<site>",
    "--region": "<region>",
    "kpi": "<kpi>",
    "--explain": "<kpi>",
    "playbook_id": "<id>",
    "--framework": "<name>",
    "--dialect": "<dialect>",
    "--table": "<name>",
    "--spark-master": "<url>",
    "--what-if": "<change>",
}
"""The form of a text value, by the option's long name (or the argument's name)."""

PLAIN_TYPES: dict[str, str] = {
    "str": "<text>",
    "int": "<n>",
    "int range": "<n>",
    "float": "<number>",
    "float range": "<number>",
    "Path": "<path>",
}
"""Typer's type names and what a reader reads instead."""

_LIST = re.compile(r"^<list\[(?P<item>.+)\]>$")


def tidy(command: click.Command, ctx: click.Context) -> None:
    """Relabel the options of `command` and of every command under it, in place."""
    for param in _params(command, ctx):
        relabel(param, ctx)
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            tidy(sub, click.Context(sub, parent=ctx, info_name=name))


def _params(command: click.Command, ctx: click.Context) -> Iterable[click.Parameter]:
    # Every parameter --help lists, the help option included (Click creates it once and keeps it).
    return command.get_params(ctx)


def relabel(param: click.Parameter, ctx: click.Context) -> None:
    """Relabel one option (or argument) as a reader reads it, in place."""
    label = _label(param, ctx)
    if label is not None:
        # Typer asks the parameter itself for its label; an instance attribute answers first.
        setattr(param, "display_type_rich", lambda ctx, label=label: label)  # noqa: B010
    bounds = _bounds(param)
    if bounds is not None:
        setattr(param, "_get_number_range_help_str", lambda bounds=bounds: bounds)  # noqa: B010


def _label(param: click.Parameter, ctx: click.Context) -> str | None:
    if getattr(param, "is_flag", False) and not getattr(param, "count", False):
        return ""
    shown = getattr(param, "display_type_rich", None)
    if shown is None:
        return None
    current = shown(ctx)
    if not isinstance(current, str) or not current.startswith("<"):
        return None  # an explicit metavar, such as FORMAT DIR
    names = [name for name in param.opts if name.startswith("--")] or [param.name or ""]
    form = VALUE_FORMS.get(names[0])
    if form is not None and current in ("<str>", "<list[str]>"):
        return form
    listed = _LIST.match(current)
    if listed is not None:
        item = listed["item"]
        return f"{PLAIN_TYPES.get(item, f'<{item}>')}..."
    return PLAIN_TYPES.get(current[1:-1], current)


def _bounds(param: click.Parameter) -> str | None:
    lower, upper = getattr(param, "min", None), getattr(param, "max", None)
    if getattr(param, "count", False) or (lower is None and upper is None):
        return None
    if upper is None:
        return f"at least {lower}"
    if lower is None:
        return f"at most {upper}"
    return f"{lower} to {upper}"
