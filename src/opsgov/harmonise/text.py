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


TOTAL_WORDS = ("total", "subtotal", "grandtotal", "sum", "overall", "alltotal", "gesamt", "totaal")


def is_total_label(text: str) -> bool:
    """True for a totals row label: `Total`, `Sub-total`, `Grand Total:`, `TOTAL MNL`."""
    key = norm(text)
    return any(key.startswith(word) for word in TOTAL_WORDS)
