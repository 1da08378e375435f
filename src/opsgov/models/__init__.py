"""Definition and result models: pydantic only, no I/O."""
