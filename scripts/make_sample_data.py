"""Regenerate the sample workspace's data files from their ground truth.

Writes, under the workspace (default `sample_data/`):

- `inbox/YYYY-MM/` for each of the thirteen months of `SEEDS` (2025-10 to 2026-10): every file
  of the month, in every vendor's layout, from `make_ground_truth(period, SEEDS[period])`.
  Only months whose folder is missing or empty are written, so the committed months keep
  their bytes; `--all` empties and rewrites every month;
- `flawed/`: one Acme submission with planted defects (`HYD1_ops_2026-10.xlsx`) and
  `EXPECTED.md`, which lists each defect with its finding code and cell.

The output depends only on the seeds, except for the metadata LibreOffice stamps into the
files it writes (the LatAm CX `.xls` and the in-house `.xlsx` and `.ods`). LibreOffice
(`soffice`) must be installed: `scripts/install-system-deps.sh` installs it.

Usage, from the repository root:

    .venv/bin/python scripts/make_sample_data.py [--workspace sample_data] [--all]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.flawed_expected import (  # noqa: E402 - needs the repository on the path
    FLAWED_FILE,
    FLAWED_PERIOD,
    FLAWED_SITE,
    expected_markdown,
)
from tests.support.sample_month import (  # noqa: E402
    SEEDS,
    make_ground_truth,
    write_flawed,
    write_month,
)


def regenerate(workspace: Path, *, every_month: bool = False) -> list[Path]:
    """Write the sample months and the flawed submission into `workspace`.

    Args:
        workspace: The sample workspace folder (holding `opsgov.yaml`).
        every_month: Rewrite months that are already there (by default only missing or empty
            month folders are written: LibreOffice stamps new metadata into every file it saves).

    Returns:
        Every file written.
    """
    written: list[Path] = []
    for period, seed in sorted(SEEDS.items()):
        inbox = workspace / "inbox" / period
        if inbox.is_dir() and any(inbox.iterdir()):
            if not every_month:
                continue
            for old in inbox.iterdir():
                if old.is_file():
                    old.unlink()
        written.extend(write_month(make_ground_truth(period, seed), inbox))
    flawed = workspace / "flawed"
    flawed.mkdir(parents=True, exist_ok=True)
    truth = make_ground_truth(FLAWED_PERIOD, SEEDS[FLAWED_PERIOD], sites=(FLAWED_SITE,))
    written.append(write_flawed(truth, flawed / FLAWED_FILE))
    expected = flawed / "EXPECTED.md"
    expected.write_text(expected_markdown(), encoding="utf-8")
    written.append(expected)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and regenerate the sample data."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--workspace",
        type=Path,
        default=REPO / "sample_data",
        help="the sample workspace folder (default: sample_data)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="empty and rewrite every month, not only the missing ones",
    )
    args = parser.parse_args(argv)
    workspace: Path = args.workspace
    if not (workspace / "opsgov.yaml").is_file():
        parser.error(f"{workspace} holds no opsgov.yaml")
    for path in regenerate(workspace, every_month=args.all):
        sys.stdout.write(f"wrote {path.relative_to(workspace.parent)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
