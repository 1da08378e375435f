"""Open an HTML file in headless Chromium: the DOM it built, its console, a screenshot.

Without Selenium or Playwright: Chromium's own command-line switches (`--dump-dom`,
`--screenshot`) with console messages logged to stderr. `scripts/install-system-deps.sh`
installs Chromium on Debian/Ubuntu; without it the tests that need it skip and say why.

Each run gets its own throw-away profile, has networking features that phone home switched
off, runs in its own process group, and is killed (the whole group) if it outlives the timeout.

`parse_html` turns markup (a rendered file, or the DOM Chromium dumped) into a small tree the
tests can query, with the standard library's HTML parser.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

TIMEOUT_SECONDS = 60

_SWITCHES = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)


def chromium() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class BrowserRun:
    """What one headless Chromium run printed."""

    command: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def console(self) -> list[str]:
        """The page's console messages and uncaught errors, as Chromium logged them."""
        return [
            line for line in self.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line
        ]


def run_chromium(page: Path, *switches: str, timeout: float = TIMEOUT_SECONDS) -> BrowserRun:
    """Load `page` (a local file) in headless Chromium with extra `switches`.

    Fails the test when Chromium exits with an error or outlives `timeout` (its whole process
    group is killed then); skips it when Chromium is not installed.
    """
    program = chromium()
    if program is None:
        pytest.skip("Chromium is not installed: run scripts/install-system-deps.sh")
    with tempfile.TemporaryDirectory(
        prefix="opsgov-chromium-", ignore_cleanup_errors=True
    ) as profile:
        command = (
            program,
            *_SWITCHES,
            f"--user-data-dir={profile}",
            *switches,
            page.resolve().as_uri(),
        )
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            stdout, stderr = process.communicate()
            pytest.fail(
                f"Chromium did not finish with {page.name} in {timeout} s:\n{stderr[-4000:]}"
            )
        finally:
            _kill_group(process.pid)
    done = BrowserRun(command, process.returncode, stdout, stderr)
    if done.returncode != 0:
        pytest.fail(f"Chromium exited {done.returncode} on {page.name}:\n{stderr[-4000:]}")
    return done


def _kill_group(pgid: int) -> None:
    """Kill what is left of the process group Chromium started (its helpers, if any)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def dump_dom(page: Path) -> BrowserRun:
    """Load the page; its `stdout` is the DOM Chromium built, serialised."""
    return run_chromium(page, "--dump-dom")


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 2000) -> BrowserRun:
    """Load the page and save a PNG of its first `width` x `height` CSS pixels."""
    return run_chromium(page, f"--screenshot={png}", f"--window-size={width},{height}")


def print_to_pdf(page: Path, pdf: Path) -> BrowserRun:
    """Load the page and print it to `pdf`, as a reader's Print to PDF does (no header line)."""
    return run_chromium(page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")


VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
"""HTML elements that have no end tag."""


@dataclass
class Element:
    """An element of a parsed page: its tag, attributes, children and text."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        """This element and every element below it, in document order; only `tag` if given."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter(tag)

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        """Elements below with this tag and these attribute values (`class_` for class)."""
        wanted = {k.rstrip("_"): v for k, v in attrs.items()}
        return [
            e
            for e in self.iter(tag)
            if all(
                (v in e.attrs.get(k, "").split()) if k == "class" else e.attrs.get(k) == v
                for k, v in wanted.items()
            )
        ]

    def text(self) -> str:
        """The text of the element, whitespace collapsed."""
        parts: list[str] = []

        def walk(node: Element | str) -> None:
            if isinstance(node, str):
                parts.append(node)
            else:
                for child in node.children:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(markup: str) -> Element:
    """The element tree of `markup` (the document node; its child is `<html>`)."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root
