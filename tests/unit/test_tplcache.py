"""Compiled templates kept between runs: used only when exactly right, never trusted blindly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from opsgov import defcache
from opsgov.render.env import environment


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPSGOV_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "templates"


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from source from now on."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counting(
        self: jinja2.Environment, source: str, name: str | None = None, *a: Any, **k: Any
    ) -> Any:
        names.append(name or "")
        return original(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def _hello(folder: Path) -> Path:
    """A user template in `folder`: `t.md.j2`, greeting `who`."""
    template = folder / "t.md.j2"
    template.write_text("Hello {{ who }}\n", "utf-8")
    return template


def _render(folder: Path, name: str = "t.md.j2") -> str:
    return environment([folder]).get_template(name).render(who="Lisbon")


def test_a_template_is_compiled_once_then_read_from_the_cache(
    cache: Path, tmp_path: Path, compiled: list[str]
) -> None:
    _hello(tmp_path)
    assert _render(tmp_path) == "Hello Lisbon\n"
    assert compiled == ["t.md.j2"]
    assert len(list(cache.glob("*.jinja"))) == 1
    assert _render(tmp_path) == "Hello Lisbon\n"
    assert compiled == ["t.md.j2"]


def test_the_built_in_scorecard_is_read_from_the_cache(cache: Path, compiled: list[str]) -> None:
    environment().get_template("scorecard.html.j2")
    first = len(compiled)
    assert "scorecard.html.j2" in compiled
    environment().get_template("scorecard.html.j2")
    assert len(compiled) == first


def test_an_edited_template_is_compiled_again(
    cache: Path, tmp_path: Path, compiled: list[str]
) -> None:
    template = _hello(tmp_path)
    _render(tmp_path)
    template.write_text("Goodbye {{ who }}\n", "utf-8")
    assert _render(tmp_path) == "Goodbye Lisbon\n"
    assert compiled == ["t.md.j2", "t.md.j2"]


def test_a_damaged_entry_is_compiled_again_and_replaced(
    cache: Path, tmp_path: Path, compiled: list[str]
) -> None:
    _hello(tmp_path)
    _render(tmp_path)
    (entry,) = cache.glob("*.jinja")
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 3])
    assert _render(tmp_path) == "Hello Lisbon\n"
    assert entry.read_bytes() == whole
    assert _render(tmp_path) == "Hello Lisbon\n"
    assert compiled == ["t.md.j2", "t.md.j2"]


def test_an_entry_others_may_write_is_not_used(
    cache: Path, tmp_path: Path, compiled: list[str]
) -> None:
    _hello(tmp_path)
    _render(tmp_path)
    (entry,) = cache.glob("*.jinja")
    entry.chmod(0o666)
    assert _render(tmp_path) == "Hello Lisbon\n"
    assert compiled == ["t.md.j2", "t.md.j2"]


def test_another_opsgov_compiles_its_own(
    cache: Path, tmp_path: Path, compiled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _hello(tmp_path)
    _render(tmp_path)
    monkeypatch.setattr("opsgov.render.tplcache.code_version", lambda: "another version")
    _render(tmp_path)
    assert compiled == ["t.md.j2", "t.md.j2"]


def test_no_cache_writes_nothing(
    cache: Path, tmp_path: Path, compiled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPSGOV_NO_CACHE", "1")
    _hello(tmp_path)
    _render(tmp_path)
    _render(tmp_path)
    assert compiled == ["t.md.j2", "t.md.j2"]
    assert not cache.exists()
    assert defcache.cache_dir("templates") is None


def test_a_cache_that_cannot_be_written_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be", "utf-8")
    monkeypatch.setenv("OPSGOV_CACHE_DIR", str(blocked))
    _hello(tmp_path)
    assert _render(tmp_path) == "Hello Lisbon\n"
