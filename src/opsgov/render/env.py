"""The Jinja environment: user templates first, then the built-ins, sandboxed and escaped.

Search order: `--template-dir`, the workspace's `templates/`, the built-in `templates/`. A user
template can extend a built-in one as `{% extends "builtin:scorecard.html.j2" %}`. Every
template runs in a sandbox with StrictUndefined; HTML templates are autoescaped whatever their
name ends with; the report date is data, never the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from opsgov.render.formatting import (
    STATUS_LABEL,
    format_change,
    format_score,
    format_value,
    md_text,
)
from opsgov.resources import builtin_dir


def _autoescape(name: str | None) -> bool:
    """Escape every template whose name mentions html or svg (`_html_card.j2` too)."""
    lowered = (name or "").lower()
    return "htm" in lowered or "svg" in lowered


def environment(template_dirs: Sequence[Path] = ()) -> ImmutableSandboxedEnvironment:
    """The environment every report is rendered in."""
    builtin = FileSystemLoader(str(builtin_dir("templates")))
    loader = ChoiceLoader(
        [
            *(FileSystemLoader(str(d)) for d in template_dirs if d.is_dir()),
            builtin,
            PrefixLoader({"builtin": builtin}, delimiter=":"),
        ]
    )
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        autoescape=_autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = format_value
    env.filters["score"] = format_score
    env.filters["change"] = format_change
    env.filters["md"] = md_text
    env.filters["status_label"] = lambda s: STATUS_LABEL.get(s, s)
    return env
