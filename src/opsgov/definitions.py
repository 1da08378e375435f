"""Definition files -> models. Every problem comes back as a finding with its YAML position.

Each file names its kind in a top-level `kind` key. Later kinds (intake profiles, playbooks,
contracts) register themselves in `KINDS`; loading, positions and error mapping are shared.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from opsgov.issues import Issue, Location, make_issue
from opsgov.models.common import Definition
from opsgov.models.contract import Contract
from opsgov.models.framework import Framework
from opsgov.models.kpitest import KpiTest
from opsgov.models.playbook import Playbook
from opsgov.models.profile import Profile
from opsgov.models.registry import Registry
from opsgov.models.workspace import Workspace
from opsgov.yamlio import PathKey, YamlDocument, dotted, read_yaml

KINDS: dict[str, type[Definition]] = {
    "framework": Framework,
    "registry": Registry,
    "workspace": Workspace,
    "intake_profile": Profile,
    "playbook": Playbook,
    "contract": Contract,
    "kpi_test": KpiTest,
}
"""Every definition kind, by the value of its `kind` key."""

T = TypeVar("T", bound=Definition)

_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """A definition file after loading: the model when it is valid, and every finding."""

    file: str
    doc: YamlDocument | None
    definition: T | None
    issues: list[Issue] = field(default_factory=list)

    @property
    def kind(self) -> str | None:
        """The kind named in the file, when it names one."""
        if self.doc is not None and isinstance(self.doc.data, dict):
            kind = self.doc.data.get("kind")
            return kind if isinstance(kind, str) else None
        return None


def _model_at(model: type[BaseModel], loc: Iterable[str | int]) -> type[BaseModel] | None:
    """The model class that validates the mapping at `loc` (list indices pass through)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _find_model(info.annotation)
    return current


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _find_model(typing.get_args(annotation)[0])
    if origin in (list, dict, tuple, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _find_model(arg)
            if found is not None:
                return found
    return None


def _label(doc: YamlDocument, path: PathKey) -> str:
    """`kpis[3] (aht)`: the dotted path, with the id of the list entry it is in."""
    text = dotted(path) or "the document"
    for cut in range(len(path), 0, -1):
        if isinstance(path[cut - 1], int):
            entry = doc.get(path[:cut])
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                return f"{text} ({entry['id']})"
            break
    return text


def _type_hint(value: Any, error_type: str) -> str | None:
    if isinstance(value, str) and value.lower() in _YAML11_BOOLS and error_type == "bool_type":
        return f"{value!r} is text here (YAML 1.1 tools read it as a boolean). Write true or false."
    if isinstance(value, str) and error_type in {"float_type", "int_type"}:
        if value[:1] == "0" and value[1:].isdigit():
            return f"{value!r} has a leading zero and is read as text. Write the number without it."
        if ":" in value:
            return f"{value!r} is read as text (YAML 1.1 would read it as a base-60 number)."
        return "Write the number without quotes or units."
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and error_type == "string_type"
    ):
        return f'Quote it to make it text: "{value}".'
    if isinstance(value, bool) and error_type == "string_type":
        return "Quote it to make it text (YAML reads true and false as booleans)."
    return None


def map_validation_error(
    exc: ValidationError, doc: YamlDocument, model: type[BaseModel], base: PathKey = ()
) -> list[Issue]:
    """Turn pydantic's errors into findings located at the YAML key or value concerned."""
    issues: list[Issue] = []
    for error in exc.errors(include_url=False):
        issues.append(_map_one(error, doc, model, base))
    return issues


def _map_one(
    error: ErrorDetails, doc: YamlDocument, model: type[BaseModel], base: PathKey
) -> Issue:
    loc: PathKey = (*base, *(p for p in error["loc"] if isinstance(p, str | int)))
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent = loc[:-1]
        owner = _model_at(model, parent[len(base) :])
        known = sorted(owner.model_fields) if owner else []
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"Did you mean `{close[0]}`?" if close else None
        if hint is None and known:
            hint = "Known keys: " + ", ".join(known) + "."
        return make_issue(
            "D110",
            f"unknown key `{key}` in {_label(doc, parent)}",
            location=doc.locate(loc, key=True),
            field=key,
            hint=hint,
        )
    if kind == "missing":
        key = str(loc[-1])
        return make_issue(
            "D111",
            f"missing key `{key}` in {_label(doc, loc[:-1])}",
            location=doc.locate(loc[:-1]),
            field=key,
            hint=f"Add `{key}:`; `opsgov schema` describes it.",
        )
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    value = doc.get(loc)
    found = None if isinstance(value, dict | list) else value
    return make_issue(
        "D112",
        f"{_label(doc, loc)}: {message}"
        + (f" (found {found!r})" if found is not None and kind != "value_error" else ""),
        location=doc.locate(loc),
        field=str(loc[-1]) if loc else None,
        found=found,
        hint=_type_hint(value, kind),
    )


def validate_document(doc: YamlDocument, expect: str | None = None) -> Loaded[Definition]:
    """Validate a parsed document against the model its `kind` names (or `expect`)."""
    data = doc.data
    if not isinstance(data, dict):
        return Loaded(doc.file, doc, None, [_not_definition(doc, "the document is not a mapping")])
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        found = f"`kind: {kind}`" if kind is not None else "no `kind` key"
        return Loaded(
            doc.file, doc, None, [_not_definition(doc, f"{found} names no definition kind")]
        )
    if expect is not None and kind != expect:
        return Loaded(
            doc.file,
            doc,
            None,
            [
                make_issue(
                    "D149",
                    f"this is a {kind} file; a {expect} file was expected here",
                    location=doc.locate(("kind",)),
                )
            ],
        )
    model = KINDS[kind]
    try:
        definition = model.model_validate(data)
    except ValidationError as exc:
        return Loaded(doc.file, doc, None, map_validation_error(exc, doc, model))
    return Loaded(doc.file, doc, definition, [])


def _not_definition(doc: YamlDocument, why: str) -> Issue:
    return make_issue(
        "D107",
        why,
        location=Location(file=doc.file, line=1, column=1),
        hint="Start the file with `kind:` and one of: " + ", ".join(sorted(KINDS)) + ".",
    )


def load_definition(
    path: Path, display: str | None = None, expect: str | None = None
) -> Loaded[Definition]:
    """Read, parse and validate one definition file."""
    doc, issues = read_yaml(path, display)
    file = display or str(path)
    if doc is None:
        return Loaded(file, None, None, issues)
    loaded = validate_document(doc, expect)
    # The YAML findings (a duplicate key, a refused tag) are errors of their own; the rest of
    # the checks still run so that every problem is reported at once.
    return Loaded(file, doc, loaded.definition, [*issues, *loaded.issues])
