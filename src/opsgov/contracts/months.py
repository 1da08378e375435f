"""Month arithmetic on `YYYY-MM` periods: windows before and after a month, quarters."""

from __future__ import annotations


def _step(period: str, delta: int) -> str:
    index = int(period[:4]) * 12 + int(period[5:7]) - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_back(period: str, count: int) -> list[str]:
    """The `count` months ending with `period`, oldest first."""
    return [_step(period, -k) for k in range(count - 1, -1, -1)]


def months_after(period: str, count: int) -> list[str]:
    """The `count` months after `period`."""
    return [_step(period, k) for k in range(1, count + 1)]


def quarter_to_date(period: str) -> list[str]:
    """The months of `period`'s calendar quarter up to and including it."""
    into = (int(period[5:7]) - 1) % 3
    return months_back(period, into + 1)
