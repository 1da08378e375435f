"""Causes before symptoms: a value derived from a bad cell is not computed, and not flagged.

A share or an average turned back into a total (`percent_of`, `per`) is multiplied by its base
column. When the base cell is wrong (a negative count, a fraction of a whole count), every
value made from it is wrong too, though its own cell is fine: a valid `01:32` AHT times -5
items is -460 seconds. Such a value is "not computed": its cell gets no finding of its own,
and the finding at the base cell names the cells that depend on it, so the vendor fixes one
cell and the annotated copy marks that one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from opsgov.harmonise.table import Block, BoolArray


def not_computed(block: Block, bad: Mapping[str, BoolArray]) -> dict[str, BoolArray]:
    """Derived measure -> rows whose value depends on a bad cell, through any chain of bases.

    Args:
        block: The harmonised rows, with `bases` naming each derived measure's base.
        bad: Measure -> rows whose own cell failed a check (the causes).
    """
    blocked: dict[str, BoolArray] = {}
    for _ in range(len(block.bases) + 1):  # a chain of bases is at most as long as the map
        changed = False
        for derived, base in block.bases.items():
            upstream = bad.get(base)
            if base in blocked:
                upstream = blocked[base] if upstream is None else upstream | blocked[base]
            if upstream is None or not upstream.any():
                continue
            if derived not in blocked or (upstream & ~blocked[derived]).any():
                blocked[derived] = upstream | blocked.get(derived, np.zeros_like(upstream))
                changed = True
        if not changed:
            break
    return blocked


def dependents(block: Block, blocked: Mapping[str, BoolArray], measure: str, i: int) -> list[str]:
    """The measures at row `i` not computed because `measure`'s cell there is bad, in order."""
    out: list[str] = []
    frontier = [measure]
    while frontier:
        base = frontier.pop(0)
        for derived, its_base in block.bases.items():
            mask = blocked.get(derived)
            if its_base == base and derived not in out and mask is not None and mask[i]:
                out.append(derived)
                frontier.append(derived)
    return out


def dependents_note(block: Block, measures: list[str], row: int, cause: str | None) -> str:
    """`; AHT (E8) is not computed: it depends on C8` for the cause's message ('' for none)."""
    if not measures:
        return ""
    src = block.source
    named = [f"{src.headers.get(m, m)} ({src.cell(row, m).cell or m})" for m in measures]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    verb = "is" if len(named) == 1 else "are"
    pronoun = "it depends" if len(named) == 1 else "they depend"
    return f"; {listed} {verb} not computed: {pronoun} on {cause or 'this cell'}"
