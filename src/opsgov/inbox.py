"""Which files of a month's folder each intake profile reads.

A profile's file pattern also says which site and period a file name carries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from opsgov.models.profile import Profile

_PERIOD = r"(?P<period>\d{4}[-_]?\d{2})"
_SITE = r"(?P<site>[A-Za-z0-9][A-Za-z0-9.-]*?)"


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A file-name pattern with `{site}`, `{period}` and `*` as a regular expression."""
    out = ""
    for part in re.split(r"(\{site\}|\{period\}|\*)", pattern):
        if part == "{site}":
            out += _SITE
        elif part == "{period}":
            out += _PERIOD
        elif part == "*":
            out += ".*?"
        else:
            out += re.escape(part)
    return re.compile(f"^{out}$", re.IGNORECASE)


def normalise_period(text: str) -> str:
    """`202610`, `2026_10` or `2026-10` as `2026-10`."""
    digits = text.replace("-", "").replace("_", "")
    return f"{digits[:4]}-{digits[4:6]}"


@dataclass(frozen=True)
class Match:
    """A file matched to a profile, with what its name says."""

    path: Path
    profile: Profile
    site: str | None
    period: str | None


def match_file(path: Path, profiles: Sequence[Profile], root: Path | None = None) -> Match | None:
    """The first profile that reads this file, or None."""
    for profile in profiles:
        files = profile.files
        if files.pattern is not None:
            found = pattern_regex(files.pattern).match(path.name)
            if found:
                groups = found.groupdict()
                period = groups.get("period")
                return Match(
                    path, profile, groups.get("site"), normalise_period(period) if period else None
                )
        elif root is not None and any((root / p).resolve() == path.resolve() for p in files.paths):
            return Match(path, profile, None, None)
    return None


def month_files(folder: Path) -> list[Path]:
    """The files of a month's folder (not hidden, not in sub-folders, not lock files)."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$", ".~lock"))
    )
