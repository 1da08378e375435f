"""Compiled templates kept between runs, so that a report does not recompile its templates.

Jinja compiles a template to Python on first use (about a tenth of a second for the
scorecard's html on every `score`). This keeps the compiled code in the opsgov cache
(`templates/` beside the definitions cache of `opsgov.defcache`, off with `OPSGOV_NO_CACHE=1`):

- an entry is found by the template's name and file and this opsgov's code (its version and
  files), and used only when the template's source is unchanged (Jinja checks its checksum);
- it is read only when it is the user's own file that nobody else may write (it is code);
- it is written to a temporary file and renamed, so it is whole or absent; a damaged entry is
  compiled again and replaced; any failure to read or write costs only time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from opsgov.defcache import cache_dir, code_version, trusted


class TemplateCache(BytecodeCache):
    """Jinja's bytecode of each template, one file per template, in a folder of the user's."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        """The entry's name: the template's name and file, and this opsgov's code."""
        where = f"{code_version()}\0{name}\0{filename or ''}"
        return hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()[:40]

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill the bucket from its entry when the entry is trusted and whole."""
        try:
            with (self.folder / f"{bucket.key}.jinja").open("rb") as fh:
                if trusted(os.fstat(fh.fileno())):
                    bucket.load_bytecode(fh)
        except Exception:  # absent, unreadable or damaged: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the bucket's code (atomically; silently skipped when it cannot be written)."""
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".jinja")
            try:
                with os.fdopen(fd, "wb") as fh:
                    bucket.write_bytecode(fh)
                os.replace(temp, self.folder / f"{bucket.key}.jinja")
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise

    def clear(self) -> None:
        """Remove every entry."""
        for entry in self.folder.glob("*.jinja"):
            with contextlib.suppress(OSError):
                entry.unlink()


def template_cache() -> TemplateCache | None:
    """The cache of compiled templates, or None when the opsgov cache is off."""
    folder = cache_dir("templates")
    return None if folder is None else TemplateCache(folder)
