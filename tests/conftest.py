"""Shared fixtures: a deterministic terminal, the CLI runner helper, repository paths."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from opsgov.cli import app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed width, no colour, no CI-forced terminal: output is the same everywhere."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("TERMINAL_WIDTH", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(scope="session")
def _cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("opsgov-cache")


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, _cache_folder: Path) -> None:
    """The definitions cache in a folder of the test run's own, never the user's."""
    monkeypatch.setenv("OPSGOV_CACHE_DIR", str(_cache_folder))
    monkeypatch.delenv("OPSGOV_NO_CACHE", raising=False)


def invoke(args: Sequence[str], code: int = 0) -> Result:
    """Run the CLI in-process; assert the exit code; re-raise anything that is not an exit."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == code, (
        f"exit {result.exit_code}, expected {code}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


@pytest.fixture(scope="session")
def spark_session() -> Iterator[object]:
    """One local Spark session for every test that needs one (starting one takes seconds).

    local[1], bound to 127.0.0.1, no UI. Skips, saying why, where pyspark or Java is missing.
    """
    import shutil

    pytest.importorskip("pyspark", reason="pyspark not installed: pip install -e '.[spark]'")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: scripts/install-system-deps.sh installs OpenJDK 17")
    from opsgov.engines.spark import session

    spark = session()
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()
