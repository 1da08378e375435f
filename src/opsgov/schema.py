"""JSON Schema of every definition kind, for editors and for `opsgov schema`."""

from __future__ import annotations

import json
from typing import Any

from opsgov.definitions import KINDS

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def kind_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one definition kind (KeyError for an unknown kind)."""
    model = KINDS[kind]
    schema = model.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, "$id": f"opsgov:{kind}", **schema}


def schema_text(kind: str) -> str:
    """The schema as the JSON text shipped in `schemas/KIND.schema.json`."""
    return json.dumps(kind_schema(kind), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def scorecard_schema_text() -> str:
    """The JSON Schema of `scorecard.json`, shipped as `schemas/scorecard.schema.json`."""
    from opsgov.models.cardschema import stored_schema
    from opsgov.models.results import SCORECARD_SCHEMA_VERSION, Scorecard

    model = Scorecard.model_json_schema(mode="serialization")
    schema = stored_schema(model, SCORECARD_SCHEMA_VERSION)
    body = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"opsgov:scorecard:v{SCORECARD_SCHEMA_VERSION}",
        **schema,
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
