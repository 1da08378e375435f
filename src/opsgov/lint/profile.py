"""Intake profile checks against the framework: measures and category values exist."""

from __future__ import annotations

from collections.abc import Iterator

from opsgov.harmonise.text import norm
from opsgov.issues import Issue, make_issue
from opsgov.lint.common import did_you_mean
from opsgov.models.framework import Framework
from opsgov.models.profile import Profile
from opsgov.yamlio import YamlDocument


def check_profile(doc: YamlDocument, profile: Profile, fw: Framework) -> Iterator[Issue]:
    """Every column names a measure; bases and category values exist; headers are not shared."""
    measure_ids = [m.id for m in fw.measures]
    seen_headers: dict[str, str] = {}
    for index, column in enumerate(profile.columns):
        path = ("columns", index)
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
