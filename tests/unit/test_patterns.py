"""File-name patterns: the regular expression's answers, in linear time, and bounded by lint."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsgov.patterns import MAX_WILDCARDS, FilePattern
from tests.conftest import invoke


def _regex(pattern: str) -> re.Pattern[str]:
    """The regular expression patterns used to be compiled to: the semantics to keep."""
    out = ""
    for part in re.split(r"(\{site\}|\{period\}|\*)", pattern):
        if part == "{site}":
            out += r"(?P<site>[A-Za-z0-9][A-Za-z0-9.-]*?)"
        elif part == "{period}":
            out += r"(?P<period>[0-9]{4}[-_]?[0-9]{2})"
        elif part == "*":
            out += ".*?"
        else:
            out += re.escape(part)
    return re.compile(f"^{out}$", re.IGNORECASE)


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        (
            "{site}_ops_{period}.xlsx",
            "MNL1_ops_2026-10.xlsx",
            {"site": "MNL1", "period": "2026-10"},
        ),
        ("{site}_ops_{period}.xlsx", "dub1_OPS_202610.XLSX", {"site": "dub1", "period": "202610"}),
        (
            "*_{site}_{period}.csv",
            "report_final_KUL1_2026_10.csv",
            {"site": "KUL1", "period": "2026_10"},
        ),
        ("{site}-{period}*", "SAO1-2026-10 (2).xlsx", {"site": "SAO1", "period": "2026-10"}),
        ("{site}_ops_{period}.xlsx", "MNL1_ops_2026-10.xlsx.bak", None),
        ("{site}_ops_{period}.xlsx", "_ops_2026-10.xlsx", None),
        ("{site}{period}.csv", "HYD1202610.csv", {"site": "HYD1", "period": "202610"}),
    ],
)
def test_known_answers(pattern: str, name: str, expected: dict[str, str] | None) -> None:
    assert FilePattern.parse(pattern).match(name) == expected


_PARTS = st.sampled_from(["{site}", "{period}", "*", "_", "ops", "-", ".x", "1", "a"])
_NAMES = st.text(alphabet="_-.ax1o2p0sS9", max_size=14)


@st.composite
def _patterns(draw: st.DrawFn) -> str:
    parts = draw(st.lists(_PARTS, max_size=6))
    for name in ("{site}", "{period}"):
        while parts.count(name) > 1:
            parts.remove(name)
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(_patterns(), _NAMES)
def test_matches_what_the_regular_expression_matched(pattern: str, name: str) -> None:
    old = _regex(pattern).match(name)
    new = FilePattern.parse(pattern).match(name)
    if old is None:
        assert new is None
    else:
        assert new == {k: v for k, v in old.groupdict().items() if v is not None}


def test_a_pattern_full_of_wildcards_never_hangs_on_a_long_name() -> None:
    pattern = "*_" * MAX_WILDCARDS + "{site}_ops_{period}.xlsx"
    assert FilePattern.parse(pattern).match("_" * 200 + ".xlsx") is None
    assert FilePattern.parse(pattern).match("_" * 20 + "X_ops_202610.xlsx") == {
        "site": "X",
        "period": "202610",
    }


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("{site}_{site}_{period}.xlsx", "{site} appears 2 times"),
        ("{site}_{period}_{period}.xlsx", "{period} appears 2 times"),
        ("{vendor}_{period}.xlsx", "unknown placeholder {vendor}"),
        ("*_" * 12 + "{site}_ops_{period}.xlsx", "the pattern has 12 wildcards (*); at most 8"),
    ],
)
def test_lint_refuses_patterns_that_cannot_work(tmp_path: Path, pattern: str, words: str) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        textwrap.dedent(
            f"""\
            kind: intake_profile
            id: p
            name: P
            files:
              pattern: "{pattern}"
            columns:
              - {{measure: items_handled, headers: [Handled]}}
            """
        ),
        "utf-8",
    )
    result = invoke(["lint", str(profile)], 1)
    assert f"p.yaml:5:3: error D112 files: {words}" in result.stdout


def test_validate_on_a_hostile_file_name_finishes(tmp_path: Path) -> None:
    """Twelve `*_` used to run past 120 s on a name of 200 underscores; eight now finish."""
    root = tmp_path / "ws"
    invoke(["init", str(root)])
    (root / "profiles").mkdir(exist_ok=True)
    pattern = "*_" * MAX_WILDCARDS + "{site}_ops_{period}.xlsx"
    (root / "profiles" / "hostile.yaml").write_text(
        f'kind: intake_profile\nid: hostile\nname: H\nfiles: {{pattern: "{pattern}"}}\n'
        "columns:\n  - {measure: items_handled, headers: [Handled]}\n",
        "utf-8",
    )
    inbox = root / "inbox" / "2026-10"
    inbox.mkdir(parents=True)
    (inbox / ("_" * 200 + ".xlsx")).write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "-m", "opsgov", "validate", "--period", "2026-10", "-w", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
