"""Text normalisation for matching headers, site names and category values."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm(text: object) -> str:
    """Lower-case letters and digits only, accents folded: `Cases Handled (#)` -> `caseshandled`."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKD", str(text))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    return _NON_ALNUM.sub("", ascii_text.lower())


_TOTAL_LABEL = re.compile(
    r"^\s*(?:grand|sub|all)?[\s_-]*(?:totals?|sum|summe|overall|gesamt|totaal)(?=$|[\s:.,;\-\u2013\u2014])",
    re.IGNORECASE,
)
"""A totals word as the whole first word of a label (`Sub-total`, `Grand Total:`, `TOTAL MNL`),
never a prefix of another word (`Summer Surge`, `Summary`) or text after a symbol (`@SUM(1)`)."""


def is_total_label(text: str) -> bool:
    """True for a totals row label: `Total`, `Sub-total`, `Grand Total:`, `TOTAL MNL`, `Sum`."""
    return _TOTAL_LABEL.match(text) is not None
