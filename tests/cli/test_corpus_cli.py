"""Every file of the shared corpus through `opsgov inspect` and `opsgov validate`.

Each runs in a subprocess under a memory and a time limit: a correct read or a clear finding,
never a traceback, a hang or unbounded memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS

_NOT_DATA = {"SOURCES.md", "SHA256SUMS"}
FILES = (
    sorted(
        p
        for p in CORPUS.rglob("*")
        if p.is_file() and "LICENSES" not in p.parts and p.name not in _NOT_DATA
    )
    if CORPUS.is_dir()
    else []
)

WORKSPACE = {
    "opsgov.yaml": "kind: workspace\nname: Corpus\nframework: builtin:trust_safety\n"
    "registry: registry.yaml\nreporting_currency: USD\ninputs: inbox\n",
    "registry.yaml": "kind: registry\nregions: [{id: EU, name: Europe}]\n"
    "vendors: [{id: v, name: V, type: bpo}]\n"
    "sites: [{id: S1, name: S, vendor: v, region: EU, country: IE, currency: EUR, "
    "timezone: Europe/Dublin, status: live, go_live: '2020-01-01'}]\n",
    "profiles/any.yaml": "kind: intake_profile\nid: any\nname: Any file\nfiles: {pattern: '*'}\n"
    "site: {source: fixed, value: S1}\ndate: {column: Date}\n"
    "columns:\n  - {measure: items_handled, headers: [Handled, Items Handled]}\n",
}

RUNNER = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))
from opsgov.cli import main
sys.argv = ["opsgov", *sys.argv[1:]]
main()
"""


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-c", RUNNER, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
@pytest.mark.skipif(not FILES, reason="the shared corpus (../shared/corpus) is not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file_gets_a_read_or_a_clear_finding(path: Path, tmp_path: Path) -> None:
    for rel, text in WORKSPACE.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, "utf-8")
    inspected = _run(["inspect", str(path), "--format", "json"], tmp_path)
    assert inspected.returncode in (0, 2), inspected.stderr
    validated = _run(["validate", str(path), "--format", "json"], tmp_path)
    assert validated.returncode in (0, 1, 2), validated.stderr
    for result in (inspected, validated):
        assert "Traceback" not in result.stdout + result.stderr
        assert "internal error" not in result.stderr
        if result.returncode == 2:
            assert result.stderr.strip().startswith("opsgov:"), result.stderr
