"""Headers as concepts: the same words whatever the language or abbreviation.

`read_header("Tempo médio de atendimento (min)")` gives the concepts `{handle, time}`, the
modifier `avg` and the unit `minutes`. The vocabulary (`vocabulary.yaml`) maps the words of
vendors' reports in English, Spanish, Portuguese, French, German, Italian, Indonesian/Malay
and Tagalog, and the abbreviations of BPO reports, to English concepts.
"""

from __future__ import annotations

import importlib.resources
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

ROLES = frozenset({"@date", "@site", "@queue", "@month"})
UNITS = {"@hours": "hours", "@minutes": "minutes", "@seconds": "seconds"}
_CLOCK = re.compile(r"\[?h{1,2}\]?\s*:\s*mm(\s*:\s*ss)?|\bmm\s*:\s*ss\b", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = re.compile(r"[^a-z0-9%#]+")
_THRESHOLD = re.compile(
    r"(?<![a-z0-9])\d+\s*(s|sec|secs|seconds?|seg|segundos?|detik|saat|min|mins|minutes?)(?![a-z])"
)
"""A number with a time unit inside a header is a threshold ("Answered within 20s")."""


@dataclass(frozen=True)
class Vocabulary:
    """The loaded vocabulary: every language's words in one lookup."""

    words: dict[str, str]
    abbreviations: dict[str, str]
    phrases: list[tuple[tuple[str, ...], str]]
    generic: frozenset[str]
    measures: dict[str, list[str]]
    values: dict[str, list[str]]


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary shipped with opsgov."""
    text = importlib.resources.files("opsgov.draft").joinpath("vocabulary.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    words: dict[str, str] = {}
    for table in data["words"].values():
        for word, concept in table.items():
            words.setdefault(str(word), str(concept))
    phrases = sorted(
        ((tuple(fold(p).split()), str(c)) for p, c in data["phrases"].items()),
        key=lambda pc: -len(pc[0]),
    )
    return Vocabulary(
        words=words,
        abbreviations={str(k): str(v) for k, v in data["abbreviations"].items()},
        phrases=phrases,
        generic=frozenset(data["generic"]),
        measures={k: list(v) for k, v in data["measures"].items()},
        values={k: [fold(x) for x in v] for k, v in data["values"].items()},
    )


def fold(text: str) -> str:
    """Lower-case ASCII words: accents dropped, apostrophes joined, camelCase split."""
    text = _CAMEL.sub(" ", str(text)).replace("Ø", " avg ").replace("ø", " avg ")
    text = text.replace("\u2300", " avg ")
    folded = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    plain = re.sub(r"['\u2019`]", "", plain).replace("ß", "ss")
    plain = plain.replace("%", " % ").replace("#", " # ")
    plain = _THRESHOLD.sub(" threshold ", plain)
    return " ".join(w for w in _SPLIT.split(plain) if w)


@dataclass(frozen=True)
class Header:
    """What a header says."""

    text: str
    concepts: frozenset[str]
    """English concepts, roles (`@date`, ...) included; modifiers and units excluded."""
    average: bool
    percent: bool
    unit: str | None
    """seconds, minutes, hours, mm:ss or hh:mm:ss when the header names one."""
    unknown: tuple[str, ...]
    """Words the vocabulary does not know."""

    @property
    def role(self) -> str | None:
        """`@date`, `@site`, `@queue` or `@month` when the header names one of them alone."""
        roles = self.concepts & ROLES
        rest = self.concepts - ROLES
        if len(roles) == 1 and not rest - vocabulary().generic:
            return next(iter(roles))
        return None


def _lookup(word: str, voc: Vocabulary) -> str | None:
    for key in _forms(word):
        if key in voc.abbreviations:
            return voc.abbreviations[key]
        if key in voc.words:
            return voc.words[key]
    return None


def _forms(word: str) -> list[str]:
    forms = [word]
    if len(word) > 3 and word.endswith("es"):
        forms.append(word[:-2])
    if len(word) > 3 and word.endswith("s"):
        forms.append(word[:-1])
    stem = forms[-1]
    if len(stem) > 3 and stem[-1] in "aei":
        forms.append(stem[:-1] + "o")
    if len(word) > 4 and word[-2:] in {"en", "er"}:
        forms.append(word[:-2])  # German endings: bearbeiteten, offener
    if len(stem) > 4 and stem.endswith("e"):
        forms.append(stem[:-1])  # relevante -> relevant, moderatore -> moderator
    return forms


def _phrase_pass(words: list[str], voc: Vocabulary) -> list[str]:
    """Replace known phrases by their concepts (marked with a leading `=`)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for phrase, concept in voc.phrases:
            if tuple(words[i : i + len(phrase)]) == phrase:
                out.extend("=" + c for c in concept.split())
                i += len(phrase)
                break
        else:
            out.append(words[i])
            i += 1
    return out


@cache
def read_header(text: str) -> Header:
    """The concepts, modifiers and unit of one header."""
    voc = vocabulary()
    unit = None
    clock = _CLOCK.search(text)
    if clock:
        unit = "hh:mm:ss" if clock.group(0).lower().lstrip("[").startswith("h") else "mm:ss"
        text = text[: clock.start()] + " " + text[clock.end() :]
    concepts: set[str] = set()
    average = percent = False
    unknown: list[str] = []
    pending = _phrase_pass(fold(text).split(), voc)
    while pending:
        word = pending.pop(0)
        if word.startswith("="):
            meaning: str | None = word[1:]
        elif word in {"%", "#"}:
            meaning = "%" if word == "%" else "count"
        elif word.isdigit():
            continue
        else:
            meaning = _lookup(word, voc)
        if meaning is None:
            plain = word[:-1] if len(word) > 3 and word.endswith("s") and word[-2] != "s" else word
            if plain not in voc.generic and word not in voc.generic:
                unknown.append(word)
            concepts.add(word if word in voc.generic else plain)
            continue
        for concept in meaning.split():
            if concept == "avg":
                average = True
            elif concept == "%":
                percent = True
            elif concept in UNITS:
                unit = unit or UNITS[concept]
                concepts.add("time")
            elif concept:
                concepts.add(concept)
    bracketed = _bracket_unit(text, voc)
    if bracketed and unit not in {"mm:ss", "hh:mm:ss"}:
        unit = bracketed  # `Paid Hours (s)`: the unit in brackets is the one written
    if unit in {"mm:ss", "hh:mm:ss"}:
        concepts.add("time")
    return Header(
        text=text,
        concepts=frozenset(concepts),
        average=average,
        percent=percent,
        unit=unit,
        unknown=tuple(unknown),
    )


def _bracket_unit(text: str, voc: Vocabulary) -> str | None:
    for inner in re.findall(r"[(\[]([^)\]]*)[)\]]", text):
        for word in fold(inner).split():
            meaning = _lookup(word, voc) or ""
            units = [UNITS[c] for c in meaning.split() if c in UNITS]
            if units:
                return units[0]
    return None


def weight(concepts: frozenset[str]) -> float:
    """How much a set of concepts says: generic words count a quarter."""
    generic = vocabulary().generic
    return sum(0.25 if c in generic else 1.0 for c in concepts)


def likeness(a: frozenset[str], b: frozenset[str]) -> float:
    """Weighted Dice similarity of two concept sets, 0-1."""
    total = weight(a) + weight(b)
    return 2 * weight(a & b) / total if total else 0.0
