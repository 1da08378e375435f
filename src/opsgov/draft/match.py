"""Which measure a column most likely holds, from its header and its values.

Every measure of the framework is described by its id, name and aliases (and, for the
built-in measures, the extra names in `vocabulary.yaml`), read as concepts like any header.
A header reads a measure directly ("Items Handled"), as a share of the measure's base
("Within SLA %": items within SLA as a percentage of SLA-eligible items) or as an average
per base item ("AHT": handle time per handled item). The base is the denominator of the
framework's own ratio KPI over the measure (`sla_attain = items_within_sla /
items_sla_eligible`), so a custom framework gets the same readings.

Values decide too: a text column is never a numeric measure, clock values only suit
durations, fractions within 0-1 under a count header are a share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from opsgov.draft.evidence import Evidence
from opsgov.draft.words import ROLES, Header, fold, likeness, read_header, vocabulary
from opsgov.formula.nodes import Binary, Name, Node, Number
from opsgov.formula.parser import FormulaSyntaxError, parse
from opsgov.models.framework import Framework, Kpi, Measure

How = Literal["direct", "percent", "average"]
SURE = 0.8
"""A reading at or above this score, with no close rival, is drafted; below, it is offered."""
LIKELY = 0.5
"""Below this a reading is not worth offering."""


@dataclass(frozen=True)
class Reading:
    """One way of reading a column."""

    measure: str
    score: float
    how: How
    base: str | None
    """The measure a share is of (`percent_of`) or an average is per (`per`)."""
    name: str
    """The name or alias of the measure that matched the header best."""
    kpi: str | None = None
    """The ratio KPI that gives the base."""


@dataclass(frozen=True)
class Signature:
    """One name of a measure, read as concepts."""

    measure: Measure
    text: str
    header: Header


def _ratio(node: Node) -> tuple[str, str] | None:
    """(numerator, denominator) of a formula `a / b`, `a / b / 3600` or `a / 3600 / b`."""
    divisors: list[Node] = []
    while isinstance(node, Binary) and node.op == "/":
        divisors.append(node.right)
        node = node.left
    names = [d.id for d in divisors if isinstance(d, Name)]
    if not isinstance(node, Name) or len(names) != 1:
        return None
    if not all(isinstance(d, Name | Number) for d in divisors):
        return None
    return node.id, names[0]


_TABLES: dict[int, tuple[Framework, list[Signature], dict[str, tuple[str, Kpi]]]] = {}


def _framework_tables(framework: Framework) -> tuple[list[Signature], dict[str, tuple[str, Kpi]]]:
    """The framework's measure names as concepts, and the base of each ratio KPI's numerator."""
    cached = _TABLES.get(id(framework))
    if cached is not None and cached[0] is framework:
        return cached[1], cached[2]
    voc = vocabulary()
    signatures: list[Signature] = []
    for m in framework.measures:
        names = [m.id.replace("_", " "), m.name, *m.aliases, *voc.measures.get(m.id, [])]
        for text in dict.fromkeys(names):
            signatures.append(Signature(m, text, read_header(text)))
    bases: dict[str, tuple[str, Kpi]] = {}
    for kpi in framework.kpis:
        try:
            ratio = _ratio(parse(kpi.formula))
        except (FormulaSyntaxError, RecursionError):  # lint reports it; here it gives no base
            continue
        if ratio and framework.measure(ratio[0]) and framework.measure(ratio[1]):
            bases.setdefault(ratio[0], (ratio[1], kpi))
    _TABLES[id(framework)] = (framework, signatures, bases)
    return signatures, bases


def ratio_base(framework: Framework, measure: str) -> tuple[str, Kpi] | None:
    """The base measure (and its KPI) a share or an average of `measure` is taken against."""
    return _framework_tables(framework)[1].get(measure)


def _fits(measure: Measure, how: How, ev: Evidence) -> float:
    """How well the values suit a reading: 1 fits, 0 cannot be."""
    main = ev.main
    if main == "empty":
        return 0.9
    if measure.kind == "category":
        return 1.0 if main in {"text", "mixed"} else 0.0
    if measure.kind == "date":
        return 1.0 if main in {"date", "month"} else 0.0
    if not ev.numeric:
        return 0.0
    if main in {"clock", "time"}:
        return 1.0 if measure.kind in {"duration", "hours"} and how != "percent" else 0.0
    if how == "percent":
        values = ev.finite()
        return 1.0 if values.size and values.min() >= 0 and values.max() <= 100 else 0.0
    if measure.kind == "count" and how == "direct":
        if ev.fractions:
            return 0.3  # a share written 0-1 under a count's name
        if ev.finite().size and not ev.whole and measure.rollup != "snapshot_avg":
            return 0.6
    return 1.0


def readings(header: Header, ev: Evidence, framework: Framework) -> list[Reading]:
    """Every plausible reading of a column, best first, one per measure."""
    signatures, bases = _framework_tables(framework)
    best: dict[str, Reading] = {}
    concepts = header.concepts - ROLES
    if not concepts:
        return []
    for sig in signatures:
        m = sig.measure
        if m.kind == "date":
            continue
        similar = likeness(concepts, sig.header.concepts - ROLES)
        if similar < LIKELY:
            continue
        options: list[tuple[How, float]] = []
        same = header.average == sig.header.average and header.percent == sig.header.percent
        if same:
            options.append(("direct", similar))
        else:
            options.append(("direct", similar * 0.8))
        if m.id in bases and not sig.header.average and not sig.header.percent:
            if header.percent:
                options.append(("percent", similar))
            elif header.average:
                options.append(("average", similar))
            elif ev.fractions and m.kind == "count":
                options.append(("percent", similar * 0.95))
        for how, score in options:
            score *= _fits(m, how, ev)
            timed = "time" in header.concepts or ev.main in {"clock", "time"}
            if m.kind in {"duration", "hours"} and not timed:
                score *= 0.85  # a duration whose header says nothing of time
            elif timed and m.kind not in {"duration", "hours"}:
                score *= 0.5  # a time on a measure that is not a time
            base = bases[m.id][0] if how != "direct" else None
            kpi = bases[m.id][1].id if how != "direct" else None
            reading = Reading(m.id, round(score, 3), how, base, sig.text, kpi)
            if score >= LIKELY and (m.id not in best or score > best[m.id].score):
                best[m.id] = reading
    return sorted(best.values(), key=lambda r: (-r.score, r.measure))


def value_matches(texts: list[str], allowed: list[str]) -> dict[str, tuple[str, float]]:
    """Each vendor value's closest framework value, and how close (1.0: the same words)."""
    voc = vocabulary()
    out: dict[str, tuple[str, float]] = {}
    targets: list[tuple[str, frozenset[str]]] = []
    for value in allowed:
        forms = [value.replace("_", " "), *voc.values.get(value, [])]
        targets.extend((value, frozenset(form.split())) for form in forms)
    for text in texts:
        words = frozenset(read_header(text).concepts) | frozenset(fold(text).split())
        best: tuple[str, float] | None = None
        for value, form in targets:
            score = len(words & form) / len(form) if form else 0.0
            if form <= words:
                score = 1.0 if len(form) >= len(words) - 1 else 0.9
            if best is None or score > best[1]:
                best = (value, round(score, 2))
        if best is not None and best[1] > 0:
            out[text] = best
    return out
