"""The draft-profile corpus built on disk, and a drafted profile scored against its truth."""

from __future__ import annotations

import codecs
import fnmatch
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsgov.harmonise.text import norm
from opsgov.models.framework import Framework
from opsgov.models.profile import Profile
from tests.support.draft_heldout import HELD_OUT
from tests.support.draft_layouts import LAYOUTS, Cells, Layout
from tests.support.draft_truth import CX, TS, make_truth, write_workspace
from tests.support.libreoffice import convert_many

SEEDS = {TS: 20261130, CX: 20261201}


@dataclass
class Corpus:
    """Every layout written, with a workspace per framework."""

    layouts: dict[str, Layout]
    workspaces: dict[str, Path]
    frameworks: dict[str, Framework] = field(default_factory=dict)


def build(root: Path) -> Corpus:
    """Write the ground truth, every layout (spreadsheets through LibreOffice) and workspaces."""
    truths = {fw: make_truth(fw, seed) for fw, seed in SEEDS.items()}
    layouts: dict[str, Layout] = {}
    for name, write in {**LAYOUTS, **HELD_OUT}.items():
        layouts[name] = write(truths[CX if name.endswith("_cx") else TS], root / name)
    by_format: dict[str, list[tuple[Layout, Path]]] = defaultdict(list)
    for layout in layouts.values():
        if layout.spreadsheet:
            by_format[layout.spreadsheet] += [(layout, p) for p in layout.files]
    for fmt, items in by_format.items():
        staged = root / "converted"
        convert_many([p for _, p in items], fmt, staged)
        for layout, path in items:
            final = path.parents[1] / "files" / f"{path.stem}.{fmt}"
            final.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staged / f"{path.stem}.{fmt}", final)
            layout.files = [final if p == path else p for p in layout.files]
    workspaces = {fw: write_workspace(root / f"workspace_{fw}", fw) for fw in SEEDS}
    return Corpus(layouts, workspaces)


# Scoring ------------------------------------------------------------------------------------


@dataclass
class Score:
    """Columns and settings drafted right, with what went wrong."""

    columns: int = 0
    columns_right: int = 0
    settings: int = 0
    settings_right: int = 0
    wrong: list[str] = field(default_factory=list)

    def check(self, kind: str, ok: bool, what: str) -> None:
        """Count one column or setting."""
        if kind == "column":
            self.columns += 1
            self.columns_right += ok
        else:
            self.settings += 1
            self.settings_right += ok
        if not ok:
            self.wrong.append(what)

    def summary(self) -> str:
        """`columns right a / b (p %), file settings right c / d (q %)`."""
        return (
            f"columns right {self.columns_right} / {self.columns} "
            f"({self.columns_right / max(self.columns, 1):.1%}), file settings right "
            f"{self.settings_right} / {self.settings} "
            f"({self.settings_right / max(self.settings, 1):.1%})"
        )

    def add(self, other: Score) -> None:
        """Add another layout's score."""
        self.columns += other.columns
        self.columns_right += other.columns_right
        self.settings += other.settings
        self.settings_right += other.settings_right
        self.wrong += other.wrong


def _encoding(name: str) -> str:
    """The codec's name; Latin-1 and Windows-1252 count as one (the files hold no byte from
    0x80 to 0x9F, the only bytes they read differently), as do UTF-8 with and without BOM."""
    found = codecs.lookup(name).name.removesuffix("-sig").replace("_", "-")
    return "cp1252" if found in {"iso8859-1", "latin-1"} else found


def score(layout: Layout, profile: Profile, framework: Framework) -> Score:
    """How much of the layout's truth table the drafted profile gets right."""
    out = Score()
    s = layout.settings
    by_header = {norm(h): c for c in profile.columns for h in c.headers}
    roles = {norm(x[0]) for x in (s.get("date"), s.get("queue")) if x}
    if s["site"][1]:
        roles.add(norm(s["site"][1]))
    for col in layout.columns:
        if norm(col.header) in roles:
            continue
        got = by_header.get(norm(col.header))
        name = f"{layout.name}: column {col.header!r}"
        if col.measure is None:
            out.check("column", got is None, f"{name} should be ignored, drafted {got}")
            continue
        ok = (
            got is not None
            and got.measure == col.measure
            and got.unit in col.units
            and got.percent_of == col.percent_of
            and got.per == col.per
        )
        drafted = (
            f"{got.measure} {got.unit} percent_of={got.percent_of} per={got.per}"
            if got
            else "nothing"
        )
        expected = f"{col.measure} {col.units[0]} percent_of={col.percent_of} per={col.per}"
        out.check("column", ok, f"{name}: expected {expected}, drafted {drafted}")
    out.check(
        "setting", profile.files.pattern == s["pattern"],
        f"{layout.name}: pattern {profile.files.pattern!r}, expected {s['pattern']!r}",
    )  # fmt: skip
    out.check("setting", profile.grain == s["grain"], f"{layout.name}: grain {profile.grain}")
    out.check(
        "setting", _sheet_ok(profile, s["sheet"]),
        f"{layout.name}: sheet {profile.sheet}, expected {s['sheet']}",
    )  # fmt: skip
    out.check(
        "setting", profile.header.row == s["header_row"],
        f"{layout.name}: header row {profile.header.row}, expected {s['header_row']}",
    )  # fmt: skip
    source, column, site_map = s["site"]
    site_ok = profile.site.source == source and (
        source != "column"
        or (norm(profile.site.column) == norm(column) and profile.site.map == site_map)
    )
    out.check("setting", site_ok, f"{layout.name}: site {profile.site}, expected {s['site']}")
    date = s.get("date")
    date_ok = (
        profile.date.column is None
        if date is None
        else norm(profile.date.column) == norm(date[0]) and profile.date.format in date[1]
    )
    out.check("setting", date_ok, f"{layout.name}: date {profile.date}, expected {date}")
    if "queue" in s:
        header, expected_map = s["queue"]
        queue = next((c for c in profile.columns if c.measure == "queue"), None)
        measure = framework.measure("queue")
        allowed = {norm(x): x for x in (measure.values if measure else [])}
        ok = queue is not None and norm(header) in {norm(h) for h in queue.headers}
        if ok and queue is not None:
            lookup = dict(allowed)
            lookup.update({norm(k): x for k, x in queue.values.items()})
            ok = all(lookup.get(norm(k)) == x for k, x in expected_map.items())
        out.check("setting", ok, f"{layout.name}: queue {queue}, expected {s['queue']}")
    if "text" in s:
        encoding, delimiter, decimal = s["text"]
        t = profile.text
        out.check(
            "setting", t.encoding is not None and _encoding(t.encoding) == _encoding(encoding),
            f"{layout.name}: encoding {t.encoding}",
        )  # fmt: skip
        out.check("setting", t.delimiter == delimiter, f"{layout.name}: delimiter {t.delimiter}")
        out.check("setting", t.decimal == decimal, f"{layout.name}: decimal {t.decimal}")
    if "vendor" in s:
        out.check("setting", profile.vendor == s["vendor"], f"{layout.name}: {profile.vendor}")
    return out


def _sheet_ok(profile: Profile, expected: object) -> bool:
    choice = profile.sheet
    if expected is None:  # a CSV: its one sheet is named after the (monthly) file
        return choice.name is None and choice.pattern is None
    if isinstance(expected, tuple):  # a sheet named after the month
        _, names = expected
        return choice.name is None and (
            choice.pattern is None
            or all(fnmatch.fnmatchcase(n.lower(), choice.pattern.lower()) for n in names)
        )
    return choice.name == expected or (
        choice.pattern is not None and fnmatch.fnmatchcase(str(expected), choice.pattern)
    )


def rolled(cells: Iterable[tuple[str, int, str, float]], framework: Framework) -> dict[str, Any]:
    """Per site, each measure rolled up over the month by the framework's rule."""
    by: dict[tuple[str, str], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for site, day, measure, value in cells:
        by[site, measure][day] += value
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (site, measure), days in by.items():
        rule = framework.measure(measure).rollup  # type: ignore[union-attr]
        if rule == "snapshot_end":
            out[site][measure] = days[max(days)]
        elif rule == "snapshot_avg":
            out[site][measure] = sum(days.values()) / len(days)
        else:
            out[site][measure] = sum(days.values())
    return dict(out)


def block_cells(blocks: Iterable[object]) -> Cells:
    """The harmonised cells of a validation run's blocks."""
    out: Cells = []
    for block in blocks:
        for measure, values in block.measures.items():  # type: ignore[attr-defined]
            for site, day, value in zip(block.site, block.date, values, strict=True):  # type: ignore[attr-defined]
                out.append((str(site), int(day), measure, float(value)))
    return out
