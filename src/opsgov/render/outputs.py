"""Every output of `opsgov score`, by file name, each rendered to bytes from the scorecard."""

from __future__ import annotations

import json
from collections.abc import Callable

from jinja2 import Environment

from opsgov.models.results import Scorecard
from opsgov.render.context import context
from opsgov.render.html import render_html

Renderer = Callable[[Scorecard, Environment], bytes]


def render_json(card: Scorecard, env: Environment) -> bytes:
    """`scorecard.json`: the whole result (NaN never appears: missing values are null)."""
    data = card.model_dump(mode="json")
    return (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def render_template(name: str) -> Renderer:
    """A renderer for one template of `templates/`."""

    def render(card: Scorecard, env: Environment) -> bytes:
        return env.get_template(name).render(**context(card)).encode("utf-8")

    return render


def render_xlsx(card: Scorecard, env: Environment) -> bytes:
    """The workbook (openpyxl is imported only when one is written)."""
    from opsgov.render.xlsx import render_xlsx as render

    return render(card, env)


OUTPUTS: dict[str, Renderer] = {
    "scorecard.json": render_json,
    "scorecard.md": render_template("scorecard.md.j2"),
    "scorecard.html": render_html,
    "scorecard.xlsx": render_xlsx,
}
"""Output file name -> renderer. Later outputs (html, xlsx) register here."""
