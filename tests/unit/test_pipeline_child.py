"""Large workbooks are read in a child process: the same blocks and findings, and a reader
crash that ends only the child."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import Workbook

from opsgov import forked
from opsgov.intake.limits import Limits
from opsgov.pipeline import load_definitions, validate
from tests.cli.test_validate import _workspace
from tests.support.sample_month import SAMPLE_WORKSPACE

pytestmark = pytest.mark.skipif(not forked.available(), reason="forking is used on Linux only")

EVERY_WORKBOOK = Limits(child_read_bytes=0)


def test_the_sample_month_reads_the_same_in_a_child() -> None:
    defs = load_definitions(SAMPLE_WORKSPACE)
    here = validate(defs, period="2026-10", limits=Limits(child_read_bytes=1 << 40))
    child = validate(defs, period="2026-10", limits=EVERY_WORKBOOK)
    assert [i.model_dump() for i in child.issues] == [i.model_dump() for i in here.issues]
    assert len(child.blocks) == len(here.blocks) > 0
    for a, b in zip(child.blocks, here.blocks, strict=True):
        assert a.source == b.source
        assert a.site == b.site and a.queue == b.queue and a.keys == b.keys
        assert np.array_equal(a.rows, b.rows) and np.array_equal(a.date, b.date)
        assert a.measures.keys() == b.measures.keys()
        for m in a.measures:
            assert np.array_equal(a.measures[m], b.measures[m], equal_nan=True)


def test_a_sheet_that_would_crash_the_reader_is_refused_with_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cells at A1 and XFD1048576: the reader asks for 512 GiB and aborts. In the child that
    # ends only the child, and the checks made before parsing say why.
    root = _workspace(tmp_path)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"], ws["XFD1048576"] = "Date", 1
    path = root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx"
    wb.save(path)
    outcomes: list[forked.Outcome[object]] = []
    run_forked = forked.run_forked

    def spy(*args: object, **kwargs: Any) -> forked.Outcome[object]:
        outcomes.append(run_forked(*args, **kwargs))  # type: ignore[arg-type]
        return outcomes[-1]

    monkeypatch.setattr(forked, "run_forked", spy)
    run = validate(load_definitions(root), files=[path], limits=EVERY_WORKBOOK)
    assert [o.failure for o in outcomes] == ["crash"]
    (refusal,) = [i for i in run.issues if i.code == "F206"]
    assert "1,048,576 rows by 16,384 columns" in refusal.message
    assert refusal.location is not None and refusal.location.file.endswith(path.name)
