"""Number the distinct values of a column: the step that lets NumPy group and compare text."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt


def factorise(values: Sequence[Hashable]) -> tuple[npt.NDArray[np.int64], list[Hashable]]:
    """Each value's number among the distinct values, and those values in order of appearance.

    One dictionary lookup per value, done in C (`map` over the table's `__getitem__`), so a
    million-row column takes a few hundredths of a second.

    Args:
        values: The column.

    Returns:
        The codes (0 for the first distinct value seen, 1 for the next, ...) and the values.
    """
    distinct = list(dict.fromkeys(values))
    table = {v: i for i, v in enumerate(distinct)}
    codes = np.fromiter(map(table.__getitem__, values), dtype=np.int64, count=len(values))
    return codes, distinct
