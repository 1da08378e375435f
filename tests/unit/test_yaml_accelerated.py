"""libyaml reads definitions faster; every value, position, finding and message stays PyYAML's.

Each case parses the same text twice, with the C parser and with the pure-Python one, and
compares everything a lint finding or a definition error quotes.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from opsgov.yamlio import parse_yaml

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    p
    for folder in ("frameworks", "sample_data", "playbooks", "templates", "src", "tests")
    for p in (REPO / folder).rglob("*.yaml")
)


def reading(text: str, *, accelerated: bool) -> Any:
    doc, issues = parse_yaml(text, "f.yaml", accelerated=accelerated)
    found = [(i.code, i.message, i.hint, str(i.location)) for i in issues]
    if doc is None:
        return None, found
    return (doc.data, dict(doc.positions), dict(doc.key_positions)), found


def assert_same(text: str) -> None:
    assert reading(text, accelerated=True) == reading(text, accelerated=False)


def test_every_shipped_definition_reads_the_same() -> None:
    assert len(SHIPPED) > 20
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8")
        fast, slow = reading(text, accelerated=True), reading(text, accelerated=False)
        assert fast == slow, path.relative_to(REPO)
        assert fast[0] is not None and len(fast[0][1]) > 5  # positions were really compared


@pytest.mark.parametrize(
    "text",
    [
        "a:\n\tb: 1\n",  # tab indentation: D105
        "a: 1\tb\n",  # a tab libyaml accepts as a separator
        "a: {b: ?c}\n",  # `?` inside a flow mapping
        "a: {b: , c: 1}\n",  # an empty value in a flow mapping
        "a:\nb: 2\n",  # an empty value in a block mapping
        "a: |#x\n  text\n",  # a comment touching a block indicator
        "a: &x 1\nb: *x\n",  # alias
        "a: 1\nb: 2\na: 3\n",  # duplicate key
        "a: !!python/object:os.system x\n",  # refused tag
        "a: [1, 2\nb: 3\n",  # unclosed bracket
        "a: 'unterminated\n",
        "a: b: c\n",
        "a: x\x07y\n",  # control character
        "a:\r\n  b: 1\r\n",  # CRLF line ends
        "a: x\u2028y\n",
        "a: 1e400\nb: 0123\nc: NO\nd: 1:30\n",
        "- [" * 70 + "]" * 70 + "\n",  # deep nesting
        "key: {url: http://example.com:8080/x}\n",  # ':' in a plain flow scalar
        "naïve: 'déjà vu'\nemoji: \U0001f600 ok\nnext: 1\n",
        "",
        "# only a comment\n",
    ],
)
def test_hostile_text_reads_the_same(text: str) -> None:
    assert_same(text)


def test_damaged_definitions_read_the_same() -> None:
    """Hundreds of seeded edits (insertions and deletions of YAML's own punctuation)."""
    rng = random.Random(19)
    texts = [p.read_text(encoding="utf-8")[:2500] for p in SHIPPED]
    marks = list(" :-[]{},#'\"\n\t|>&*!?%@`é\x85")
    for _ in range(300):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.5:
                text = text[:at] + rng.choice(marks) + text[at:]
            else:
                text = text[:at] + text[at + 1 :]
        assert_same(text)
