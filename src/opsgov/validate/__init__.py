"""Validate harmonised blocks against the framework and the registry; findings are yielded."""
