"""Engines: the framework compiled to SQL, run on DuckDB or Spark over harmonised tables."""
