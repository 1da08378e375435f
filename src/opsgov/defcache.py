"""A cache of a workspace's linted definitions, keyed by the contents of every file read.

Loading and linting a workspace's definitions (parsing the YAML, validating the models,
cross-checking them) costs the same on every command although the files rarely change. The
cache keeps the outcome, the lint report and the models, and gives it back only when it would
be exactly what linting the files again would give:

- the same opsgov (its version and the size and time of each of its files, so that an edited
  installation never uses an outcome of the code before), the same Python;
- the same workspace folder and current folder (files are named relative to it);
- the same definition files in the workspace (a file added or removed is a new outcome), and
  every file read the same byte for byte (SHA-256): the definitions, including any outside
  the workspace and the built-in ones, the FX rates, and the playbook libraries.

An outcome with errors is never stored (an error may be a missing file, which no hash sees).
Entries live in `$OPSGOV_CACHE_DIR`, else `$XDG_CACHE_HOME/opsgov`, else `~/.cache/opsgov`,
in `definitions/`, one per workspace and current folder; `OPSGOV_NO_CACHE=1` turns the cache
off. An entry is written to a temporary file and renamed, so it is whole or absent; it is read
only when it is the user's own, writable by nobody else, starts with this format's header,
and its SHA-256 matches; anything else (stale, corrupt, foreign) is ignored and replaced. The
cache is an optimisation: any failure to read or write it is silent and costs only time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import opsgov

FORMAT = b"opsgov definitions cache 1\n"
"""The first line of every entry; changed when the layout of an entry changes."""


def cache_dir(kind: str = "definitions") -> Path | None:
    """The folder of one kind of opsgov cache (`definitions`, `templates`), or None when off."""
    if os.environ.get("OPSGOV_NO_CACHE", "") not in ("", "0"):
        return None
    base = os.environ.get("OPSGOV_CACHE_DIR")
    if base:
        return Path(base) / kind
    xdg = os.environ.get("XDG_CACHE_HOME")
    home = Path(xdg) if xdg else Path.home() / ".cache"
    return home / "opsgov" / kind


def load(root: Path, files: Sequence[Path]) -> object | None:
    """The stored outcome for this workspace when it is still exactly right, else None.

    Args:
        root: The workspace folder.
        files: The workspace's definition files as linting finds them, in order.
    """
    entry = _entry(root)
    if entry is None:
        return None
    try:
        with entry.open("rb") as fh:
            info = os.fstat(fh.fileno())
            if not trusted(info):
                return None
            data = fh.read()
    except OSError:
        return None
    start = len(FORMAT) + 65  # the header, the SHA-256 of the rest in hex, a line end
    digest, payload = data[len(FORMAT) : start - 1], data[start:]
    if not data.startswith(FORMAT) or hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    try:
        key, read, value = pickle.loads(payload)
    except Exception:  # a damaged or foreign entry: relinted and replaced
        return None
    if key != _key(root, files) or not isinstance(read, tuple):
        return None
    try:
        if any(_hash(Path(path)) != sha for path, sha in read):
            return None
    except (OSError, TypeError, ValueError):
        return None
    outcome: object = value
    return outcome


def store(root: Path, files: Sequence[Path], read: Iterable[Path], value: object) -> None:
    """Keep an outcome for this workspace, with the hashes of the files it was read from.

    Args:
        root: The workspace folder.
        files: The workspace's definition files as linting found them.
        read: Every file the outcome depends on.
        value: The outcome (picklable).
    """
    entry = _entry(root)
    if entry is None:
        return
    try:
        hashes = tuple((str(path), _hash(path)) for path in read)
        payload = pickle.dumps((_key(root, files), hashes, value), pickle.HIGHEST_PROTOCOL)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return
    digest = hashlib.sha256(payload).hexdigest().encode()
    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(FORMAT + digest + b"\n" + payload)
            os.replace(temp, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def _entry(root: Path) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    where = f"{root.resolve()}\0{os.getcwd()}".encode("utf-8", "surrogateescape")
    return folder / f"{hashlib.sha256(where).hexdigest()[:40]}.pickle"


def trusted(info: os.stat_result) -> bool:
    """Whether an entry is a regular file of this user that nobody else may write."""
    if not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def _key(root: Path, files: Sequence[Path]) -> tuple[object, ...]:
    return (code_version(), str(root.resolve()), os.getcwd(), tuple(str(p) for p in files))


@cache
def code_version() -> str:
    """This opsgov and Python: the version, and each of opsgov's files' size and time."""
    digest = hashlib.sha256(f"{opsgov.__version__}\0{sys.version}".encode())
    package = Path(opsgov.__file__).parent
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            info = os.stat(os.path.join(folder, name))
            digest.update(f"{folder}/{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
