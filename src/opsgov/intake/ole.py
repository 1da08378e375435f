"""A small, bounded reader of OLE compound files (the container of .xls and encrypted OOXML).

It does only what sniffing needs: list the directory's entry names and read the first bytes
of a stream. Every sector chain is checked against the file size and for cycles, so a damaged
or hostile file raises `OleError` after a bounded amount of work.

Format: [MS-CFB] (Compound File Binary File Format), sections 2.2 (header), 2.3 (sectors and
FAT), 2.6 (directory entries).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import BinaryIO

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_MAX_REGULAR = 0xFFFFFFFA  # sector numbers above this are markers, not sectors
_DIR_ENTRY = 128


class OleError(Exception):
    """The compound file's structure is damaged."""


class OleFile:
    """Directory and stream access to one compound file, read from an open binary file."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        """Read the header, the FAT and the directory.

        Args:
            fh: The file, opened in binary mode and seekable.
            size: The file size in bytes.

        Raises:
            OleError: The header, FAT or directory is damaged.
        """
        self._fh = fh
        self._size = size
        header = self._read_at(0, 512)
        if len(header) < 512 or header[:8] != SIGNATURE:
            raise OleError("not an OLE compound file, or shorter than its 512-byte header")
        sector_shift, mini_shift = struct.unpack_from("<HH", header, 0x1E)
        if sector_shift not in (9, 12) or mini_shift != 6:
            raise OleError(f"invalid sector sizes (shift {sector_shift}/{mini_shift})")
        self._sector = 1 << sector_shift
        self._mini = 1 << mini_shift
        (n_fat, first_dir, _txn, self._mini_cutoff, first_minifat, n_minifat, first_difat,
         n_difat) = struct.unpack_from("<8I", header, 0x2C)  # fmt: skip
        self._max_sectors = max(1, size // self._sector)
        if n_fat > self._max_sectors or n_difat > self._max_sectors:
            raise OleError("the FAT claims more sectors than the file holds")
        fat_sectors = [s for s in struct.unpack_from("<109I", header, 0x4C) if s <= _MAX_REGULAR]
        difat = first_difat
        per_difat = self._sector // 4 - 1
        seen: set[int] = set()
        while difat <= _MAX_REGULAR and len(fat_sectors) < n_fat:
            if difat in seen:
                raise OleError("the DIFAT chain loops")
            seen.add(difat)
            entries = struct.unpack(f"<{per_difat + 1}I", self._sector_bytes(difat))
            fat_sectors.extend(s for s in entries[:per_difat] if s <= _MAX_REGULAR)
            difat = entries[per_difat]
        self._fat: list[int] = []
        for s in fat_sectors[:n_fat]:
            self._fat.extend(struct.unpack(f"<{self._sector // 4}I", self._sector_bytes(s)))
        directory = self._read_chain(first_dir, self._fat, self._sector, self._sector_bytes)
        self.entries: dict[str, tuple[int, int, int]] = {}
        """Entry name -> (object type, start sector, stream size); 5 is the root entry."""
        root: tuple[int, int, int] | None = None
        for off in range(0, len(directory) - _DIR_ENTRY + 1, _DIR_ENTRY):
            raw = directory[off : off + _DIR_ENTRY]
            name_len = struct.unpack_from("<H", raw, 0x40)[0]
            kind = raw[0x42]
            if kind not in (1, 2, 5) or not 2 <= name_len <= 64:
                continue
            name = raw[: name_len - 2].decode("utf-16-le", errors="replace")
            start, stream_size = struct.unpack_from("<IQ", raw, 0x74)
            if sector_shift == 9:
                stream_size &= 0xFFFFFFFF  # version 3 files: the high half is undefined
            entry = (kind, start, stream_size)
            if kind == 5 and root is None:
                root = entry
            self.entries.setdefault(name, entry)
        if root is None:
            raise OleError("the directory has no root entry")
        self._root = root
        self._first_minifat = first_minifat
        self._n_minifat = n_minifat

    @property
    def names(self) -> set[str]:
        """Names of all storages and streams, at any depth."""
        return set(self.entries)

    def read_stream_head(self, name: str, limit: int) -> bytes:
        """Up to `limit` first bytes of a stream.

        Args:
            name: The stream's name.
            limit: How many bytes to return at most.

        Raises:
            OleError: The stream does not exist or its sector chain is damaged.
        """
        if name not in self.entries:
            raise OleError(f"no stream named {name!r}")
        kind, start, size = self.entries[name]
        if kind != 2:
            raise OleError(f"{name!r} is not a stream")
        want = min(limit, size)
        if size >= self._mini_cutoff:
            return self._read_chain(start, self._fat, self._sector, self._sector_bytes, want)
        minifat_raw = self._read_chain(
            self._first_minifat, self._fat, self._sector, self._sector_bytes,
            self._n_minifat * self._sector,
        )  # fmt: skip
        minifat = list(struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw))
        _, root_start, root_size = self._root
        container = self._read_chain(root_start, self._fat, self._sector, self._sector_bytes)
        container = container[:root_size]

        def mini_sector(n: int) -> bytes:
            off = n * self._mini
            if off + self._mini > len(container):
                raise OleError("a mini sector lies outside the mini stream")
            return container[off : off + self._mini]

        return self._read_chain(start, minifat, self._mini, mini_sector, want)

    def _read_at(self, offset: int, n: int) -> bytes:
        self._fh.seek(offset)
        return self._fh.read(n)

    def _sector_bytes(self, n: int) -> bytes:
        offset = (n + 1) * self._sector
        if n > _MAX_REGULAR or offset + self._sector > self._size:
            raise OleError(f"sector {n} lies outside the file")
        return self._read_at(offset, self._sector)

    def _read_chain(
        self,
        start: int,
        fat: list[int],
        unit: int,
        fetch: Callable[[int], bytes],
        limit: int | None = None,
    ) -> bytes:
        out = bytearray()
        seen: set[int] = set()
        n = start
        cap = self._max_sectors * (self._sector // unit) + 1
        while n != _END_OF_CHAIN and (limit is None or len(out) < limit):
            if n in seen or len(seen) > cap or n == _FREE:
                raise OleError("a sector chain loops or runs past the end of the file")
            if n >= len(fat):
                raise OleError(f"sector {n} is not in the allocation table")
            seen.add(n)
            out += fetch(n)
            n = fat[n]
        return bytes(out if limit is None else out[:limit])
