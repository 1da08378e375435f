"""Hard limits on what the input boundary reads, so that no file can exhaust memory or time.

The defaults admit the largest legitimate monthly file: a full Excel sheet of 1,048,576 rows
by 16 columns. Measured on such xlsx files written the way Excel writes them (dates, site
names from the shared-string table, counts, and full-precision ratios):

| content of the 16 columns | file size | sheet XML | ratio |
|---|---|---|---|
| dates, text, counts, 6 full-precision ratios | 137 MB | 690 MB | 5:1 |
| 16 full-precision floats (worst case for size) | 217 MB | 903 MB | 4:1 |
| 16 inline strings of 21 characters | 83 MB | 1,234 MB | 15:1 |

So the file-size cap is 256 MiB rather than 100 MB (which the first two files exceed), and an
archive entry may declare up to 2 GiB (the largest sheet XML measured, with 60 % headroom).
Legitimate workbooks compress between 2:1 and 20:1; the largest ratio seen in the corpus of
real files is 121:1 (a sheet of long repeated strings), so the ratio cap of 200:1 above a
1 MiB grace size only catches archives that no spreadsheet program writes.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveFloat, PositiveInt

MIB = 1024 * 1024
GIB = 1024 * MIB


class Limits(BaseModel):
    """What one call of `read_workbook` may read. Every limit has a finding code when hit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_file_bytes: PositiveInt = Field(
        default=256 * MIB,
        description="Largest file read, in bytes. A full 1,048,576 x 16 xlsx is 80-220 MB.",
    )
    max_zip_entries: PositiveInt = Field(
        default=1_000,
        description="Most entries in an xlsx/xlsb/ods archive (Apache POI's default). A "
        "workbook has about 10 entries plus 2 per sheet.",
    )
    max_entry_bytes: PositiveInt = Field(
        default=2 * GIB,
        description="Largest uncompressed size an archive entry may declare. The sheet XML "
        "of a full 1,048,576 x 16 sheet is 0.7-1.25 GB.",
    )
    max_total_bytes: PositiveInt = Field(
        default=4 * GIB,
        description="Largest total uncompressed size of all archive entries.",
    )
    max_inflate_ratio: PositiveFloat = Field(
        default=200.0,
        description="Largest uncompressed/compressed ratio of an archive entry larger than "
        "`inflate_grace_bytes` (real workbooks: 2-20, at most 121 in the corpus).",
    )
    inflate_grace_bytes: PositiveInt = Field(
        default=1 * MIB,
        description="Entries up to this uncompressed size are exempt from the ratio check.",
    )
    max_rows: PositiveInt = Field(
        default=1_048_576,
        description="Rows read per sheet (Excel's maximum); further rows are cut with F215.",
    )
    max_cols: PositiveInt = Field(
        default=16_384,
        description="Columns read per sheet (Excel's maximum); further columns are cut with F215.",
    )
    max_cells: PositiveInt = Field(
        default=2**25,
        description="Most cells a sheet's used range may span, and most cells read from all "
        "sheets together: 33,554,432, twice a full 1,048,576 x 16 sheet. Readers hold a "
        "sheet's whole rectangle in memory (32 bytes a cell), so this bounds memory.",
    )
    max_cell_chars: PositiveInt = Field(
        default=32_767,
        description="Longest text in one cell, in characters (Excel's own limit).",
    )
    max_total_chars: PositiveInt = Field(
        default=2**29,
        description="Most characters of text read from one file: 536,870,912, a full "
        "1,048,576 x 16 sheet with 32 characters in every cell. Stops shared-string "
        "amplification (one long text referenced from thousands of cells).",
    )
    max_shared_strings_bytes: PositiveInt = Field(
        default=256 * MIB,
        description="Largest uncompressed size of an xlsx's shared-string table. The reader "
        "holds the whole table in memory (about twice its size), and the table holds each "
        "distinct text once: 256 MiB is eight million distinct 20-character texts, where a "
        "full 1,048,576-row month with a distinct agent id per row needs about 30 MB. A "
        "table that expands far beyond that (2 GB from a 23 MB file) is refused before it is "
        "read, as the compression-ratio cap refuses other expanding entries.",
    )
    isolate_legacy_formats: bool = Field(
        default=True,
        description="Measure .xls, .xlsb and .ods sheets in a child process before reading "
        "them: a damaged or hostile file can make the reader request terabytes and abort the "
        "whole process, which no exception handler can catch.",
    )
    child_read_bytes: NonNegativeInt = Field(
        default=16 * MIB,
        description="xlsx and xlsm files of at least this size are read and harmonised in a "
        "child process where the platform allows it (Linux), under `isolation_memory_bytes` "
        "and `isolation_timeout_seconds`: the reader's parse then overlaps the checks on a "
        "second core, and a reader crash ends only the child. 0 reads every workbook so.",
    )
    isolation_timeout_seconds: PositiveFloat = Field(
        default=300.0, description="Wall-clock limit of the child process that measures sheets."
    )
    isolation_memory_bytes: PositiveInt = Field(
        default=6 * GIB,
        description="Address-space limit of that child process (POSIX only), and what a "
        "child reading a large workbook (`child_read_bytes`) may map beyond what it inherits.",
    )
