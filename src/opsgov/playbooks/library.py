"""Find playbooks: `--playbook-dir`, then the workspace's folder, then the built-in library.

The first file with a given playbook id wins; later ones with the same id are listed as
shadowed, so `opsgov playbook list` can show where each playbook came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from opsgov.definitions import load_definition
from opsgov.errors import DefinitionError, OpsgovError
from opsgov.issues import Issue
from opsgov.lint.common import did_you_mean
from opsgov.models.playbook import Playbook
from opsgov.models.workspace import Workspace
from opsgov.resources import builtin_dir
from opsgov.workspace import display_path

SOURCE_OPTION = "--playbook-dir"
SOURCE_WORKSPACE = "workspace"
SOURCE_BUILTIN = "built-in"


@dataclass(frozen=True)
class Found:
    """A playbook and where it was found."""

    playbook: Playbook
    path: Path
    source: str
    """`--playbook-dir`, `workspace` or `built-in`."""

    @property
    def where(self) -> str:
        """The file as the user should read it."""
        return display_path(self.path)


@dataclass
class Library:
    """Every playbook found, by id, in search order."""

    playbooks: dict[str, Found] = field(default_factory=dict)
    shadowed: list[Found] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    """Findings of files that could not be loaded (they are left out)."""

    def get(self, playbook_id: str) -> Found:
        """The playbook with this id; OpsgovError naming the closest id when there is none."""
        found = self.playbooks.get(playbook_id)
        if found is None:
            hint = did_you_mean(playbook_id, self.playbooks) or (
                "Known playbooks: " + ", ".join(sorted(self.playbooks)) + "."
                if self.playbooks
                else "No playbooks were found."
            )
            raise OpsgovError(f"there is no playbook {playbook_id!r}. {hint}")
        return found

    def all(self) -> list[Playbook]:
        """Every playbook, by id."""
        return [self.playbooks[k].playbook for k in sorted(self.playbooks)]


def search_dirs(
    playbook_dir: Path | None = None,
    root: Path | None = None,
    settings: Workspace | None = None,
    *,
    builtin: bool = True,
) -> list[tuple[str, Path]]:
    """The folders searched, highest precedence first, each with its source label."""
    dirs: list[tuple[str, Path]] = []
    if playbook_dir is not None:
        dirs.append((SOURCE_OPTION, playbook_dir))
    if root is not None:
        folder = settings.playbooks if settings is not None else "playbooks"
        dirs.append((SOURCE_WORKSPACE, root / folder))
    if builtin:
        dirs.append((SOURCE_BUILTIN, builtin_dir("playbooks")))
    return dirs


def playbook_files(folder: Path) -> list[Path]:
    """The YAML files directly in a folder, sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in [*folder.glob("*.yaml"), *folder.glob("*.yml")] if p.is_file())


def load_library(dirs: Sequence[tuple[str, Path]]) -> Library:
    """Load every playbook of the folders; broken files become findings and are skipped."""
    library = Library()
    for source, folder in dirs:
        for path in playbook_files(folder):
            loaded = load_definition(path, display_path(path), expect="playbook")
            library.issues.extend(loaded.issues)
            if not isinstance(loaded.definition, Playbook):
                continue
            found = Found(loaded.definition, path.resolve(), source)
            if found.playbook.id in library.playbooks:
                library.shadowed.append(found)
            else:
                library.playbooks[found.playbook.id] = found
    return library


def load_playbook_file(path: Path) -> Playbook:
    """One playbook file; DefinitionError with its findings when it is not a valid playbook."""
    loaded = load_definition(path, display_path(path), expect="playbook")
    if not isinstance(loaded.definition, Playbook):
        raise DefinitionError(f"{display_path(path)} is not a valid playbook", loaded.issues)
    return loaded.definition
