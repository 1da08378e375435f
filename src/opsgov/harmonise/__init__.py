"""Harmonise: raw cells of a vendor's sheet -> the framework's measures, with provenance."""
