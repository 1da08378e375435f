"""opsgov: harmonised, validated scorecards for global Trust & Safety and support operations."""

import os

# openpyxl writes (and parses) XML with lxml when lxml is importable, and with the standard
# library otherwise; the two write different bytes. opsgov promises byte-identical outputs for
# the same inputs on every machine, and lxml arrives with optional extras (python-pptx), so
# openpyxl always uses the standard library here. Set before any module imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")

__version__ = "0.1.0"
