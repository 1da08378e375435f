"""`opsgov schema`: the JSON Schema of each definition kind, for editors and CI."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from opsgov.atomic import write_text
from opsgov.cli.common import report_errors
from opsgov.definitions import KINDS
from opsgov.errors import OpsgovError
from opsgov.schema import schema_text

EPILOG = """Examples:

  opsgov schema framework > framework.schema.json

  opsgov schema --out schemas/          (every kind, one file each)
"""


@report_errors
def schema(
    kind: Annotated[
        str | None, typer.Argument(help=f"One of: {', '.join(KINDS)}.", show_default=False)
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write KIND.schema.json files into this folder.", file_okay=False
        ),
    ] = None,
) -> None:
    """Print or write the JSON Schema of definition kinds."""
    if kind is not None and kind not in KINDS:
        raise OpsgovError(f"unknown kind {kind!r}; kinds are: {', '.join(KINDS)}")
    kinds = [kind] if kind else list(KINDS)
    if out is None:
        if kind is None:
            raise OpsgovError(
                f"name a kind ({', '.join(KINDS)}), or give --out DIR to write them all"
            )
        sys.stdout.write(schema_text(kind))
        return
    for name in kinds:
        target = out / f"{name}.schema.json"
        write_text(target, schema_text(name))
        typer.echo(f"wrote {target}")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("schema", epilog=EPILOG)(schema)
