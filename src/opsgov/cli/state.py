"""Flags the top-level callback sets for every command (kept apart so start-up stays light)."""

from __future__ import annotations


class State:
    """Global flags set by the top-level callback."""

    debug: bool = False
