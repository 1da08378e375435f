"""Property-based tests: whatever the input, a result or a finding; never a crash, never a hang.

Bounded in time: each property runs a fixed number of examples with no per-example deadline,
and the workbook reader runs in a child process with a timeout, because a reader that aborts
the process (a Rust panic in a native library) must fail this test, not end the test run.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsgov.definitions import validate_document
from opsgov.errors import WorkbookError
from opsgov.formula.parser import FormulaSyntaxError, parse
from opsgov.intake.readers import read_workbook
from opsgov.yamlio import parse_yaml
from tests.conftest import REPO

SAMPLES = REPO / "sample_data" / "inbox" / "2026-10"
FORMULA_ALPHABET = "abc_xyz019.+-*/()<>=!, \t\nandornotifminmaxabsroundcoalesce"
YAML_ALPHABET = "kind:framework\nid: -[]{},&*!|>'\"#%@`?\t 0123456789.eE+-~nulltrue"

quick = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quick
@given(st.text(alphabet=FORMULA_ALPHABET, max_size=80) | st.text(max_size=40))
def test_formula_parser_gives_a_tree_or_a_positioned_syntax_error(text: str) -> None:
    error: FormulaSyntaxError | None = None
    try:
        parse(text)
    except FormulaSyntaxError as exc:
        error = exc
    if error is not None:
        assert 0 <= error.offset <= max(len(text), 1)


@quick
@given(st.text(alphabet=YAML_ALPHABET, max_size=200) | st.text(max_size=100))
def test_yaml_loader_gives_a_document_or_findings(text: str) -> None:
    doc, issues = parse_yaml(text, "fuzz.yaml")
    assert doc is not None or issues
    for issue in issues:
        assert issue.location is not None and issue.location.file == "fuzz.yaml"
    if doc is not None:
        validate_document(doc)  # findings, never an exception


@quick
@given(st.binary(max_size=400))
def test_delimited_text_sniffer_reads_or_refuses_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        error: WorkbookError | None = None
        try:
            read_workbook(path)
        except WorkbookError as exc:
            error = exc
        if error is not None:
            assert error.issues and error.issues[0].code.startswith("F2")


_MUTATE = textwrap.dedent(
    """
    import random, sys, tempfile
    from pathlib import Path
    from opsgov.errors import WorkbookError
    from opsgov.intake.readers import read_workbook

    source, seed, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    original = source.read_bytes()
    rng = random.Random(seed)
    outcomes = {"read": 0, "refused": 0}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(count):
            data = bytearray(original)
            for _ in range(rng.choice((1, 2, 4, 16))):
                at = rng.randrange(len(data))
                data[at] ^= 1 << rng.randrange(8)
            if rng.random() < 0.2:
                data = data[: rng.randrange(len(data))]
            path = Path(folder) / (f"m{n}" + source.suffix)
            path.write_bytes(bytes(data))
            try:
                read_workbook(path)
                outcomes["read"] += 1
            except WorkbookError as exc:
                assert exc.issues[0].code.startswith("F2"), exc.issues
                outcomes["refused"] += 1
            path.unlink()
    print(outcomes)
    """
)


def test_mutated_sample_workbooks_are_read_or_refused_never_a_crash(tmp_path: Path) -> None:
    script = tmp_path / "mutate.py"
    script.write_text(_MUTATE, "utf-8")
    for index, name in enumerate(
        [
            "MNL1_ops_2026-10.xlsx",
            "AUS1_daily_metrics_2026-10.ods",
            "LatAmCX_BOG1_2026-10.xls",
            "TW_KUL1_202610.csv",
        ]
    ):
        done = subprocess.run(
            [sys.executable, str(script), str(SAMPLES / name), str(index), "60"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"{name}: exit {done.returncode}\n{done.stderr[-3000:]}"
        assert "'refused'" in done.stdout
