"""Registry checks against the framework and profiles: what vendors and sites say they report."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from opsgov.issues import Issue, make_issue
from opsgov.lint.common import did_you_mean
from opsgov.models.framework import NUMERIC_KINDS, Framework
from opsgov.models.profile import Profile
from opsgov.models.registry import Registry, Site, Vendor
from opsgov.validate.reporting import profile_measures, serves
from opsgov.yamlio import YamlDocument


def check_reporting(
    doc: YamlDocument, registry: Registry, fw: Framework, profiles: Sequence[Profile]
) -> Iterator[Issue]:
    """D157/D158: what vendors and sites say they report, against the framework and profiles.

    D157 for a name that is no numeric measure, or one listed as both reported and not; D158
    for a measure a site must report that no profile serving it reads (it could never arrive).
    """
    holders: list[tuple[str, int, Vendor | Site]] = [
        *(("vendors", i, v) for i, v in enumerate(registry.vendors)),
        *(("sites", i, s) for i, s in enumerate(registry.sites)),
    ]
    for section, index, holder in holders:
        yield from _known(doc, fw, section, index, holder)
    flagged: set[tuple[str, int, int]] = set()
    for index, site in enumerate(registry.sites):
        read = {m for p in profiles if serves(p, site) for m in profile_measures(p, fw)}
        places: list[tuple[str, int, Vendor | Site]] = [("sites", index, site)]
        vendor = registry.vendor(site.vendor)
        if vendor is not None:
            places.insert(0, ("vendors", registry.vendors.index(vendor), vendor))
        for section, at, holder in places:
            for m_index, measure_id in enumerate(holder.reports):
                if fw.measure(measure_id) is None or measure_id in read:
                    continue
                if (section, at, m_index) in flagged:
                    continue
                flagged.add((section, at, m_index))
                yield make_issue(
                    "D158",
                    f"{site.id} is to report `{measure_id}`, but no intake profile reading "
                    f"{site.id}'s files maps it",
                    location=doc.locate((section, at, "reports", m_index)),
                    field="reports",
                    hint=f"Map `{measure_id}` in the profile that reads {site.id}'s files, or "
                    "remove it from reports.",
                )


def _known(
    doc: YamlDocument, fw: Framework, section: str, index: int, holder: Vendor | Site
) -> Iterator[Issue]:
    numeric = [m.id for m in fw.measures if m.kind in NUMERIC_KINDS]
    for key in ("reports", "does_not_report"):
        listed: list[str] = getattr(holder, key)
        for m_index, measure_id in enumerate(listed):
            where = doc.locate((section, index, key, m_index))
            kpi = next((k for k in fw.kpis if k.id == measure_id), None)
            if measure_id not in numeric:
                yield make_issue(
                    "D157",
                    f"`{key}: {measure_id}` is not a numeric measure of {fw.id}",
                    location=where,
                    field=key,
                    hint=f"`{measure_id}` is a KPI: list the measures its formula uses "
                    f"({kpi.formula})."
                    if kpi is not None
                    else did_you_mean(measure_id, numeric),
                )
            elif key == "does_not_report" and measure_id in holder.reports:
                yield make_issue(
                    "D157",
                    f"`{measure_id}` is listed under both reports and does_not_report",
                    location=where,
                    field=key,
                    hint="Keep it in one of the two lists.",
                )
