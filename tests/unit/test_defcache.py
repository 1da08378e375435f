"""The cache of linted definitions: the same findings, byte for byte, and never a stale outcome.

Each test lints a copy of the sample workspace with a warning in it (two profiles that tie,
D153: an outcome with errors is never stored), through the CLI, with its own cache folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from opsgov import defcache
from opsgov.lint import run as lint_run
from opsgov.pipeline import load_definitions
from tests.conftest import invoke

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(SAMPLE, root)
    text = (root / "profiles" / "acme_daily_ops.yaml").read_text("utf-8")
    (root / "profiles" / "tie.yaml").write_text(
        text.replace("id: acme_daily_ops", "id: tie_copy"), "utf-8"
    )
    monkeypatch.setenv("OPSGOV_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    return root


def _entries(root: Path) -> list[Path]:
    return sorted((root.parent / "cache" / "definitions").glob("*.pickle"))


def _lint(*extra: str) -> str:
    return invoke(["lint", *extra], code=0).stdout


def _no_relint(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> object:
        raise AssertionError("linted again: the cached outcome was not used")

    monkeypatch.setattr(lint_run, "lint_files", refuse)


def _relinted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = lint_run.lint_files

    def counting(files: list[Path]) -> lint_run.Linted:
        calls.append(1)
        return real(files)

    monkeypatch.setattr(lint_run, "lint_files", counting)
    return calls


@pytest.mark.parametrize("form", [(), ("--format", "json")])
def test_lint_output_is_byte_identical_with_and_without_the_cache(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, form: tuple[str, ...]
) -> None:
    monkeypatch.setenv("OPSGOV_NO_CACHE", "1")
    uncached = _lint(*form)
    assert not _entries(workspace)  # off: nothing written
    monkeypatch.delenv("OPSGOV_NO_CACHE")
    cold = _lint(*form)
    assert len(_entries(workspace)) == 1
    _no_relint(monkeypatch)
    warm = _lint(*form)
    assert uncached == cold == warm
    assert "profiles/tie.yaml:13:3" in uncached or '"line": 13' in uncached
    assert "D153" in warm


def test_commands_load_the_same_models_from_the_cache(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = load_definitions(workspace)
    _no_relint(monkeypatch)
    cached = load_definitions(workspace)
    assert cached == fresh
    assert [p.id for p in cached.profiles] == [p.id for p in fresh.profiles]
    assert "tie_copy" in [p.id for p in cached.profiles]


def test_a_changed_added_or_removed_file_is_linted_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _lint()
    calls = _relinted(monkeypatch)
    tie = workspace / "profiles" / "tie.yaml"
    stat = tie.stat()
    tie.write_text(tie.read_text("utf-8").replace("id: tie_copy", "id: tie_twin"), "utf-8")
    os.utime(tie, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time: the content decides
    assert "tie_twin" in _lint() and len(calls) == 1
    assert "tie_twin" in _lint() and len(calls) == 1  # and now cached again
    (workspace / "profiles" / "tie2.yaml").write_text(
        tie.read_text("utf-8").replace("id: tie_twin", "id: tie_third"), "utf-8"
    )
    assert "tie_third" in _lint() and len(calls) == 2
    (workspace / "profiles" / "tie2.yaml").unlink()
    assert "tie_third" not in _lint() and len(calls) == 3
    fx = workspace / "fx_rates.csv"
    fx.write_text(fx.read_text("utf-8") + "\n", "utf-8")  # a file read that is not YAML
    _lint()
    assert len(calls) == 4


def test_an_outcome_with_errors_is_never_stored(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "profiles" / "broken.yaml").write_text("kind: intake_profile\nid: [\n", "utf-8")
    first = invoke(["lint"], code=1).stdout
    assert "D100" in first
    assert not _entries(workspace)
    calls = _relinted(monkeypatch)
    assert invoke(["lint"], code=1).stdout == first
    assert calls == [1]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-10] + bytes(10),  # its hash no longer matches
        lambda data: b"opsgov definitions cache 0\n" + data[27:],  # another format
        lambda data: b"",
        lambda data: os.urandom(len(data)),
    ],
)
def test_a_damaged_entry_is_ignored_and_replaced(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    expected = _lint()
    (entry,) = _entries(workspace)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    calls = _relinted(monkeypatch)
    assert _lint() == expected and calls == [1]
    assert _lint() == expected and calls == [1]  # the new entry is good


def test_an_entry_others_may_write_is_not_trusted(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _lint()
    (entry,) = _entries(workspace)
    entry.chmod(0o666)
    calls = _relinted(monkeypatch)
    assert _lint() == expected and calls == [1]


def test_another_opsgov_does_not_use_the_entry(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _lint()
    calls = _relinted(monkeypatch)
    monkeypatch.setattr(defcache, "code_version", lambda: "another version")
    _lint()
    assert calls == [1]


def test_a_cache_that_cannot_be_written_costs_only_time(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = workspace.parent / "blocked"
    blocked.write_text("a file where the cache folder would be", "utf-8")
    monkeypatch.setenv("OPSGOV_CACHE_DIR", str(blocked))
    assert "D153" in _lint()
    assert "D153" in _lint()
