"""Shared pieces of every definition model."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Definition(BaseModel):
    """Base of every YAML-backed model: unknown keys rejected, no type coercion, immutable.

    Strict types mean `required: yes` or `target: "95"` are reported, never silently converted.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            "must be a snake_case id: lower-case letters, digits and _, starting with a letter"
        )
    return value


def _code(value: str) -> str:
    if not _CODE.match(value):
        raise ValueError(
            "must be an id of letters, digits, '_', '-' or '.', starting with a letter or digit"
        )
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
    return value


Slug = Annotated[str, AfterValidator(_slug)]
"""A snake_case id such as `sla_attain`."""
Code = Annotated[str, AfterValidator(_code)]
"""An id such as a site code `MNL-1` or a region `APAC`."""
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A date written as `YYYY-MM-DD`."""
Text = Annotated[str, Field(min_length=1)]
"""Non-empty text."""
