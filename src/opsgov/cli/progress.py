"""A progress bar for reads that take more than a second, on a terminal only."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from opsgov.console import make_console

ProgressCallback = Callable[[str, int, int], None]
"""Called before each file: (file, index, total)."""


@contextlib.contextmanager
def file_progress(enabled: bool, delay: float = 1.0) -> Iterator[ProgressCallback | None]:
    """Yield a callback that advances a bar; the bar appears only after `delay` seconds.

    Disabled (None) when output is not a terminal or `--quiet` is given, so scripts and CI logs
    stay clean.
    """
    console = make_console(stderr=True)
    if not enabled or not console.is_terminal:
        yield None
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} files", markup=False),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task("reading", total=None)
    timer = threading.Timer(delay, progress.start)
    timer.daemon = True
    timer.start()

    def advance(file: str, index: int, total: int) -> None:
        progress.update(task, description=f"reading {file}", completed=index, total=total)

    try:
        yield advance
    finally:
        timer.cancel()
        progress.stop()
