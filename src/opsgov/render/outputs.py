"""Every output of `opsgov score`, by file name, each rendered to bytes from the scorecard."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable

from jinja2 import Environment

from opsgov.models.cardformat import stored
from opsgov.models.results import Scorecard
from opsgov.render.context import context
from opsgov.render.html import render_html

Renderer = Callable[[Scorecard, Environment], bytes]


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def render_json(card: Scorecard, env: Environment) -> bytes:
    """`scorecard.json`: the whole result, scopes and lineage as tables (`models/cardformat`).

    A key per line, and an item per line in each list or mapping (a scope, a lineage row, a
    KPI definition): the file reads and diffs line by line. NaN never appears: missing values
    are null.
    """
    del env
    lines = []
    for key, value in stored(card).items():
        head = f"  {_compact(key)}: "
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {_compact(item)}" for item in value)
            lines.append(f"{head}[\n{items}\n  ]")
        elif isinstance(value, dict) and value:
            items = ",\n".join(f"    {_compact(k)}: {_compact(v)}" for k, v in value.items())
            lines.append(f"{head}{{\n{items}\n  }}")
        else:
            lines.append(head + _compact(value))
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode("utf-8")


def render_template(name: str) -> Renderer:
    """A renderer for one template of `templates/`."""

    def render(card: Scorecard, env: Environment) -> bytes:
        return env.get_template(name).render(**context(card)).encode("utf-8")

    return render


def render_xlsx(card: Scorecard, env: Environment) -> bytes:
    """The workbook (openpyxl is imported only when one is written)."""
    from opsgov.render.xlsx import render_xlsx as render

    return render(card, env)


def prepare_xlsx() -> None:
    """Import the workbook libraries on a thread of its own, while the month is being scored.

    openpyxl takes about 0.2 s to import; an engine's scan or a forked read leaves the
    interpreter idle meanwhile, so the import costs no wall time there. Only the two libraries
    are imported here (they import nothing of opsgov, so the two threads' imports cannot wait
    on each other); a failure is left to `render_xlsx`, which imports them again (waiting for
    this import if it is still running).
    """

    def load() -> None:
        with contextlib.suppress(Exception):
            import openpyxl.styles  # noqa: F401
            import xlsxwriter  # noqa: F401

    threading.Thread(target=load, name="opsgov-prepare-xlsx", daemon=True).start()


OUTPUTS: dict[str, Renderer] = {
    "scorecard.json": render_json,
    "scorecard.md": render_template("scorecard.md.j2"),
    "scorecard.html": render_html,
    "scorecard.xlsx": render_xlsx,
}
"""Output file name -> renderer. Later outputs (html, xlsx) register here."""
