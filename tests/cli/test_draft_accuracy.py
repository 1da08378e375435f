"""`opsgov inspect --draft-profile` measured on sixteen vendor layouts it has never seen.

Each layout (tests/support/draft_layouts.py and draft_heldout.py) is written from a ground
truth, spreadsheets through LibreOffice, with a truth table: the expected reading of every
column (measure, unit, percent_of, per, or ignored) and the expected file settings. The suite
prints the share drafted right; docs/draft-accuracy.md records it. Then each drafted profile,
as written, must lint clean and read its file back to the ground truth through `validate`.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from opsgov.definitions import load_definition
from opsgov.lint.run import lint_paths
from opsgov.models.profile import Profile
from opsgov.pipeline import load_definitions, validate
from tests.conftest import invoke
from tests.support import draft_corpus as dc
from tests.support.draft_heldout import HELD_OUT
from tests.support.draft_layouts import LAYOUTS
from tests.support.draft_truth import PERIOD

GOAL = 0.9
REL = 1e-9


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dc.Corpus:
    return dc.build(tmp_path_factory.mktemp("draft_corpus"))


@pytest.fixture(scope="module")
def drafts(corpus: dc.Corpus, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("drafts")
    paths = {}
    for name, layout in corpus.layouts.items():
        target = out / f"{name}.yaml"
        ws = corpus.workspaces[layout.framework]
        invoke(["inspect", str(layout.files[0]), "-w", str(ws), "--draft-profile", str(target)])
        paths[name] = target
    return paths


def _profile(path: Path) -> Profile:
    loaded = load_definition(path).definition
    assert isinstance(loaded, Profile)
    return loaded


def test_drafts_get_at_least_nine_in_ten_columns_and_settings_right(
    corpus: dc.Corpus, drafts: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    total, held_out = dc.Score(), dc.Score()
    for name, layout in corpus.layouts.items():
        defs = load_definitions(corpus.workspaces[layout.framework])
        found = dc.score(layout, _profile(drafts[name]), defs.framework)
        total.add(found)
        if name in HELD_OUT:
            held_out.add(found)
    columns = total.columns_right / total.columns
    settings = total.settings_right / total.settings
    line = f"draft accuracy on {len(corpus.layouts)} layouts: {total.summary()}"
    with capsys.disabled():
        print(f"\n{line}\n  of which the {len(HELD_OUT)} held-out layouts: {held_out.summary()}")
        for wrong in total.wrong:
            print("  wrong: " + wrong)
    assert len(corpus.layouts) >= 8
    assert columns >= GOAL and settings >= GOAL, line


@pytest.mark.parametrize("name", sorted({**LAYOUTS, **HELD_OUT}))
def test_drafted_profile_lints_clean_and_reads_the_ground_truth(
    name: str, corpus: dc.Corpus, drafts: dict[str, Path], tmp_path: Path
) -> None:
    layout = corpus.layouts[name]
    ws = tmp_path / "ws"
    shutil.copytree(corpus.workspaces[layout.framework], ws)
    shutil.copy(drafts[name], ws / "profiles" / f"{name}.yaml")
    report = lint_paths([ws / "profiles" / f"{name}.yaml"])
    assert [i.message for i in report.issues if i.severity.value == "error"] == []
    inbox = ws / "inbox" / PERIOD
    inbox.mkdir(parents=True)
    files = [Path(shutil.copy(p, inbox / p.name)) for p in layout.files]
    result = invoke(["validate", *map(str, files), "-w", str(ws), "--format", "json"], code=0)
    findings = json.loads(result.stdout)["issues"]
    assert [f for f in findings if f["severity"] == "error"] == []
    defs = load_definitions(ws)
    run = validate(defs, period=PERIOD, files=files)
    actual = dc.rolled(dc.block_cells(run.blocks), defs.framework)
    expected = dc.rolled(layout.cells, defs.framework)
    assert sorted(actual) == sorted(expected)
    for site, measures in expected.items():
        assert sorted(actual[site]) == sorted(measures), site
        wrong = {
            m: (actual[site][m], value)
            for m, value in measures.items()
            if not math.isclose(actual[site][m], value, rel_tol=REL, abs_tol=1e-6)
        }
        assert not wrong, f"{site}: (read back, expected) {wrong}"
