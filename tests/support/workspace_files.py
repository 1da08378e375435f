"""Small workspaces written for a test: definitions as YAML text, inputs saved by LibreOffice."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tests.conftest import invoke
from tests.support.libreoffice import convert_many
from tests.support.scorecard_file import read_card

EU_REGISTRY = """\
kind: registry
regions: [{id: EU, name: Europe}]
vendors: [{id: acme, name: Acme, type: bpo}]
sites:
  - {id: DUB1, name: Dublin, vendor: acme, region: EU, country: IE, currency: EUR,
     timezone: Europe/Dublin, status: live, go_live: "2020-01-01"}
  - {id: LIS1, name: Lisbon, vendor: acme, region: EU, country: PT, currency: EUR,
     timezone: Europe/Lisbon, status: live, go_live: "2020-01-01"}
"""
"""Two live EUR sites of one vendor."""


def write_workspace(
    root: Path, framework: str, registry: str, profiles: Mapping[str, str], period: str
) -> Path:
    """A workspace in `root` (EUR reporting) and its empty inbox folder for `period`."""
    (root / "profiles").mkdir(parents=True)
    month = root / "inbox" / period
    month.mkdir(parents=True)
    (root / "opsgov.yaml").write_text(
        "kind: workspace\nname: T\nframework: framework.yaml\nregistry: registry.yaml\n"
        "reporting_currency: EUR\n",
        "utf-8",
    )
    (root / "framework.yaml").write_text(framework, "utf-8")
    (root / "registry.yaml").write_text(registry, "utf-8")
    for name, text in profiles.items():
        (root / "profiles" / f"{name}.yaml").write_text(text, "utf-8")
    return month


def calc_xlsx(
    folder: Path, books: Mapping[str, tuple[str, Sequence[Sequence[object]]]], scratch: Path
) -> list[Path]:
    """Workbooks of one sheet each (name -> (sheet, rows)), re-saved by LibreOffice into `folder`.

    One LibreOffice start converts them all.
    """
    scratch.mkdir(parents=True, exist_ok=True)
    drafts = []
    for name, (title, rows) in books.items():
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = title
        for row in rows:
            ws.append(list(row))
        wb.save(scratch / name)
        drafts.append(scratch / name)
    return convert_many(drafts, "xlsx", folder)


def validate_json(root: Path, period: str, code: int = 0) -> list[dict[str, Any]]:
    """The findings of `opsgov validate --period` on the workspace, as JSON objects."""
    args = ["validate", "--workspace", str(root), "--period", period, "--format", "json"]
    issues: list[dict[str, Any]] = json.loads(invoke(args, code).stdout)["issues"]
    return issues


def score_json(root: Path, period: str, out: Path, *extra: str) -> dict[str, Any]:
    """`opsgov score` of the workspace into `out` (no history), and its scorecard.json."""
    args = ["--workspace", str(root), "--period", period, "--out", str(out), "--no-history"]
    invoke(["score", *args, "-q", *extra])
    card: dict[str, Any] = read_card(out)
    return card
