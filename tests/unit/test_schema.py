"""Shipped JSON Schemas match the models; built-in YAML files point editors at them."""

from __future__ import annotations

import json

import pytest

from opsgov.definitions import KINDS
from opsgov.schema import schema_text
from tests.conftest import REPO, invoke


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_shipped_schema_matches_the_model(kind: str) -> None:
    shipped = (REPO / "schemas" / f"{kind}.schema.json").read_text("utf-8")
    assert shipped == schema_text(kind), (
        f"schemas/{kind}.schema.json is stale: run `opsgov schema --out schemas`"
    )


def test_every_field_is_described() -> None:
    missing: list[str] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                if "description" not in prop:
                    missing.append(f"{where}.{name}")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    for kind in KINDS:
        walk(json.loads(schema_text(kind)), kind)
    assert missing == []


def test_builtin_yaml_files_carry_the_schema_comment() -> None:
    files = [*(REPO / "frameworks").glob("*.yaml"), *(REPO / "sample_data").glob("*.yaml")]
    assert files
    for path in files:
        first = path.read_text("utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../schemas/"), path.name
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{path.name} points at a missing schema"


def test_schema_command_prints_json_and_rejects_unknown_kinds(tmp_path: object) -> None:
    data = json.loads(invoke(["schema", "framework"]).stdout)
    assert data["title"] == "Framework" and "kpis" in data["properties"]
    assert "unknown kind" in invoke(["schema", "frameworks"], 2).stderr


def test_scorecard_schema_is_current() -> None:
    from opsgov.schema import scorecard_schema_text

    shipped = (REPO / "schemas" / "scorecard.schema.json").read_text("utf-8")
    assert shipped == scorecard_schema_text(), "regenerate schemas/scorecard.schema.json"
