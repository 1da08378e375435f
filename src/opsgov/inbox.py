"""Which files of a month's folder each intake profile reads.

A profile's file pattern also says which site and period a file name carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from opsgov.models.profile import Profile
from opsgov.patterns import compile_pattern


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


def match_name(path: Path, profile: Profile, root: Path | None = None) -> Match | None:
    """What the file's name says through one profile's pattern, or None if it does not match."""
    files = profile.files
    if files.pattern is not None:
        groups = compile_pattern(files.pattern).match(path.name)
        if groups is None:
            return None
        period = groups.get("period")
        site = groups.get("site")
        return Match(path, profile, site, normalise_period(period) if period else None)
    if any(_listed(path, listed, root) for listed in files.paths):
        return Match(path, profile, None, None)
    return None


def _listed(path: Path, listed: str, root: Path | None) -> bool:
    """Whether a profile's explicit `paths` entry names this file.

    An entry is a file of the month's input folder (`People headcount.xlsx`, whichever month),
    or a path from the workspace folder.
    """
    parts = PurePosixPath(listed).parts
    if path.parts[-len(parts) :] == parts and ".." not in parts:
        return True
    return root is not None and (root / listed).resolve() == path.resolve()


def match_file(path: Path, profiles: Sequence[Profile], root: Path | None = None) -> Match | None:
    """The first of these profiles whose files pattern takes this file, or None.

    Which profile reads a file of the month is `opsgov.route`'s to say; this serves callers
    that ask about one profile.
    """
    return next((m for p in profiles if (m := match_name(path, p, root)) is not None), None)


def month_files(folder: Path) -> list[Path]:
    """The files of a month's folder (not hidden, not in sub-folders, not lock files)."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$", ".~lock"))
    )
