"""opsgov: harmonised, validated scorecards for global Trust & Safety and support operations."""

__version__ = "0.1.0"
