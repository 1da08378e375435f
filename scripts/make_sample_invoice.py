"""Write the sample workspace's Acme invoice for October 2026 (two deliberate discrepancies).

`tests/support/sample_invoice.py` says what the discrepancies are and where; the figures come
from the sample's ground truth, so the file changes only if that does.

Usage, from the repository root:

    .venv/bin/python scripts/make_sample_invoice.py [--workspace sample_data]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.sample_invoice import PERIOD, write_invoice  # noqa: E402


def main() -> None:
    """Write the invoice into the workspace's inbox for its month."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", type=Path, default=REPO / "sample_data")
    args = parser.parse_args()
    path = write_invoice(args.workspace / "inbox" / PERIOD)
    sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
