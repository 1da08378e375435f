"""A month of many sites: two long, filterable site sheets, not a tab each; html folds queues."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from opsgov.models.results import Scorecard
from opsgov.render.env import environment
from opsgov.render.html import render_html
from opsgov.render.xlsx import (
    SHEET_SITE_CATEGORIES,
    SHEET_SITE_KPIS,
    SITE_HEADER_ROW,
    SITE_SHEETS_MAX,
    render_xlsx,
)
from tests.cli.test_score_xlsx import WORKSPACE, score_to

COPIES = 5
"""Each sample site appears this many times: 8 x 5 = 40 sites, past `SITE_SHEETS_MAX`."""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Scorecard:
    out = score_to(WORKSPACE, tmp_path_factory.mktemp("many"))
    return Scorecard.model_validate(json.loads((out / "scorecard.json").read_text("utf-8")))


def many_sites(card: Scorecard) -> Scorecard:
    """The sample month with every site (and its queues) repeated as S1-DUB1, S2-DUB1, ..."""
    scopes = [s for s in card.scopes if s.level != "site"]
    for copy in range(1, COPIES + 1):
        for scope in card.scopes:
            if scope.level == "site":  # the site and its queues
                scopes.append(scope.model_copy(update={"id": f"S{copy}-{scope.id}"}))
    return card.model_copy(update={"scopes": scopes})


def rows(book: Any, name: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in book[name].iter_rows(values_only=True)]


def test_past_the_limit_sites_share_two_sheets_with_the_same_cells(sample: Scorecard) -> None:
    few = openpyxl.load_workbook(io.BytesIO(render_xlsx(sample, environment())))
    card = many_sites(sample)
    sites = [s for s in card.scopes if s.level == "site" and s.queue is None]
    assert len(sites) == 8 * COPIES > SITE_SHEETS_MAX
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(card, environment())))

    assert not any(name.startswith(("S1-", "DUB1")) for name in book.sheetnames)
    assert {SHEET_SITE_KPIS, SHEET_SITE_CATEGORIES, "Summary", "Lineage"} <= set(book.sheetnames)
    assert len(book.sheetnames) < 12

    kpis = rows(book, SHEET_SITE_KPIS)
    assert kpis[0][:3] == ("Site", "Site name", "KPI id")
    by_site: dict[str, list[tuple[Any, ...]]] = {}
    for row in kpis[1:]:
        by_site.setdefault(row[0], []).append(row[2:])
    assert len(by_site) == len(sites)
    # Every copy of Dublin carries exactly the KPI rows of Dublin's own sheet in the 8-site book.
    dublin = rows(few, "DUB1")[SITE_HEADER_ROW:]
    dublin = dublin[: next(i for i, r in enumerate(dublin) if not r[0])]
    assert len(dublin) > 20
    for copy in range(1, COPIES + 1):
        assert by_site[f"S{copy}-DUB1"] == [r[: len(kpis[0]) - 2] for r in dublin]

    categories = rows(book, SHEET_SITE_CATEGORIES)
    dub1 = next(s for s in card.scopes if s.id == "S3-DUB1")
    mine = [r for r in categories[1:] if r[0] == "S3-DUB1"]
    assert [r[2] for r in mine] == [c.category for c in dub1.categories]
    assert [r[5] for r in mine] == [c.score for c in dub1.categories]
    assert book[SHEET_SITE_KPIS].auto_filter.ref.startswith("A1:")


def test_up_to_the_limit_each_site_keeps_its_sheet(sample: Scorecard) -> None:
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(sample, environment())))
    assert "DUB1" in book.sheetnames and SHEET_SITE_KPIS not in book.sheetnames


def test_the_limit_is_in_the_readme() -> None:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    assert f"more than {SITE_SHEETS_MAX} sites" in text


def test_html_of_many_sites_folds_each_sites_queues_and_keeps_every_figure(
    sample: Scorecard,
) -> None:
    few = render_html(sample, environment()).decode("utf-8")
    assert "<details>" not in few and 'id="sites" class="many"' not in few
    assert "By queue, DUB1" in few

    card = many_sites(sample)
    page = render_html(card, environment()).decode("utf-8")
    assert 'id="sites" class="many"' in page
    with_queues = [s for s in sample.scopes if s.level == "site" and s.queue is not None]
    queued_sites = {s.id for s in with_queues}
    assert page.count("<details><summary>By queue") == COPIES * len(queued_sites)
    for copy in range(1, COPIES + 1):
        for site in queued_sites:
            folded = page.split(f"By queue, S{copy}-{site} ", 1)
            assert len(folded) == 2  # the site's queue table is on the page
            assert folded[0].rsplit("<details>", 1)[1].startswith("<summary>By queue")
