"""KPI tests: given rows, expected values, run on every engine."""
