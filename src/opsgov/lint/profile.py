"""Intake profile checks against the framework: measures and category values exist."""

from __future__ import annotations

from collections.abc import Iterator

from opsgov.harmonise.text import norm
from opsgov.issues import Issue, make_issue
from opsgov.lint.common import did_you_mean
from opsgov.models.framework import NUMERIC_KINDS, Framework
from opsgov.models.profile import Profile
from opsgov.yamlio import YamlDocument


def check_profile(doc: YamlDocument, profile: Profile, fw: Framework) -> Iterator[Issue]:
    """Every column names a measure; bases and category values exist; headers are not shared."""
    measure_ids = [m.id for m in fw.measures]
    seen_headers: dict[str, str] = {}
    first_of: dict[str, int] = {}
    for index, column in enumerate(profile.columns):
        path = ("columns", index)
        if column.measure in first_of:
            yield make_issue(
                "D150",
                f"columns {first_of[column.measure] + 1} and {index + 1} both fill "
                f"`{column.measure}`",
                location=doc.locate((*path, "measure")),
                field="measure",
                hint="Keep one entry and list the other header among its headers.",
            )
        first_of.setdefault(column.measure, index)
        if column.unit in {"percent_0_100", "percent_0_1"} and column.percent_of is None:
            yield make_issue(
                "D151",
                f"`{column.measure}` is read as a percentage ({column.unit}) of nothing",
                location=doc.locate((*path, "unit")),
                field="unit",
                hint="Add `percent_of:` the measure it is a share of, such as "
                "`percent_of: items_sla_eligible`.",
            )
        measure = fw.measure(column.measure)
        if measure is None:
            yield make_issue(
                "D129",
                f"column maps to `{column.measure}`, which is not a measure of {fw.id}",
                location=doc.locate((*path, "measure")),
                field="measure",
                hint=did_you_mean(column.measure, measure_ids),
            )
        if column.base is not None and fw.measure(column.base) is None:
            key = "percent_of" if column.percent_of else "per"
            yield make_issue(
                "D129",
                f"`{key}: {column.base}` is not a measure of {fw.id}",
                location=doc.locate((*path, key)),
                field=key,
                hint=did_you_mean(column.base, measure_ids),
            )
        if measure is not None and column.values:
            for vendor_value, ours in column.values.items():
                if ours not in measure.values:
                    yield make_issue(
                        "D112",
                        f"{vendor_value!r} maps to `{ours}`, which is not a value of {measure.id}",
                        location=doc.locate((*path, "values", vendor_value)),
                        field=vendor_value,
                        hint=did_you_mean(ours, measure.values)
                        or "Values: " + ", ".join(measure.values) + ".",
                    )
        for h_index, header in enumerate(column.headers):
            key = norm(header)
            if key in seen_headers and seen_headers[key] != column.measure:
                yield make_issue(
                    "D113",
                    f"header {header!r} is listed for both `{seen_headers[key]}` and "
                    f"`{column.measure}`",
                    location=doc.locate((*path, "headers", h_index)),
                    field="headers",
                )
            seen_headers.setdefault(key, column.measure)
    yield from _shared_columns(doc, profile, fw)


def _shared_columns(doc: YamlDocument, profile: Profile, fw: Framework) -> Iterator[Issue]:
    """D129/D156 for measures a column lists under `also` that cannot share its figures."""
    mapped = {c.measure for c in profile.columns}
    shared: dict[str, str] = {}
    for index, column in enumerate(profile.columns):
        own = fw.measure(column.measure)
        for a_index, other in enumerate(column.also):
            where = doc.locate(("columns", index, "also", a_index))
            measure = fw.measure(other)
            problem: str | None = None
            if measure is None:
                yield make_issue(
                    "D129",
                    f"`also: {other}` is not a measure of {fw.id}",
                    location=where,
                    field="also",
                    hint=did_you_mean(other, [m.id for m in fw.measures]),
                )
                continue
            if other == column.measure:
                problem = "is the column's own measure"
            elif measure.kind not in NUMERIC_KINDS:
                problem = f"is a {measure.kind} measure, which cannot be shared"
            elif own is not None and own.kind != measure.kind:
                problem = f"is a {measure.kind} measure, but `{own.id}` is a {own.kind}"
            elif other in mapped:
                problem = "is mapped by another column of the profile"
            elif other in shared:
                problem = f"is already filled by the column for `{shared[other]}`"
            shared.setdefault(other, column.measure)
            if problem is not None:
                yield make_issue(
                    "D156",
                    f"`also: {other}` {problem}",
                    location=where,
                    field="also",
                    hint="A column's `also` lists further numeric measures of the same kind "
                    "that no other column maps.",
                )
