"""Pause Python's cyclic garbage collector while a file's millions of cells are built.

Reading a sheet creates one list per row and millions of cell values, none of them in a
reference cycle. The cyclic collector still walks every container each time enough of them
have been allocated, which, on a 1,048,576-row sheet, costs more time than building the
rows. Pausing it while a file is read and harmonised is safe (reference counting frees
everything those stages drop) and puts it back as it was afterwards.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic garbage collector inside the block; restore its state after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
