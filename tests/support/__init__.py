"""Helpers shared by tests: external programs and test data locations."""
