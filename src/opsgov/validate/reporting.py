"""What each site reports, and the findings of a month that leaves some of it out.

A site is expected to report the measures that the intake profiles serving it read (each
column's measure and its `also` measures, where the column or the measure is required), plus
those its vendor and then the site itself list under `reports`, less those they list under
`does_not_report` (the site's lists win over its vendor's). A profile serves:

- the sites of its `vendor`, when it names one;
- otherwise the site it fixes (`site: {source: fixed}`), or the sites its site map names;
- otherwise (a file that holds any site, such as one HR workbook for every site) every site.

A measure a site is not expected to report is "not reported" there: no finding, and the KPIs
built on it read `not_reported` for that site and are left to the composite's missing-KPI rule.
Only a measure the site is expected to report, and that no file of its month supplies, is a
finding (V323), one per site naming what is missing and the fix.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from opsgov.harmonise.table import Block
from opsgov.issues import Issue, Location, make_issue
from opsgov.models.framework import NUMERIC_KINDS, Framework
from opsgov.models.profile import Profile
from opsgov.models.registry import Registry, Site

Reported = Mapping[str, frozenset[str]]
"""Site id -> the numeric measures it is expected to report."""


def serves(profile: Profile, site: Site) -> bool:
    """Whether the profile reads files that hold this site's rows (see the module docstring)."""
    if profile.purpose != "operations":
        return False
    if profile.vendor is not None:
        return profile.vendor == site.vendor
    if profile.site.source == "fixed":
        return profile.site.value == site.id
    if profile.site.map:
        return site.id in profile.site.map.values()
    return True


def profile_measures(profile: Profile, framework: Framework) -> dict[str, bool]:
    """Numeric measures the profile reads -> whether they are required of the file."""
    out: dict[str, bool] = {}
    for column in profile.columns:
        for measure_id in column.fills:
            measure = framework.measure(measure_id)
            if measure is None or measure.kind not in NUMERIC_KINDS:
                continue
            required = column.required if column.required is not None else measure.required
            out[measure_id] = out.get(measure_id, False) or required
    return out


def expected(
    framework: Framework, registry: Registry, profiles: Sequence[Profile], site: Site
) -> frozenset[str]:
    """The numeric measures one site is expected to report."""
    numeric = {m.id for m in framework.measures if m.kind in NUMERIC_KINDS}
    wanted: set[str] = set()
    for profile in profiles:
        if serves(profile, site):
            read = profile_measures(profile, framework)
            wanted.update(m for m, required in read.items() if required)
    vendor = registry.vendor(site.vendor)
    for holder in (vendor, site):
        if holder is None:
            continue
        wanted.update(holder.reports)
        wanted.difference_update(holder.does_not_report)
    return frozenset(wanted & numeric)


def reported(framework: Framework, registry: Registry, profiles: Sequence[Profile]) -> Reported:
    """Every site of the registry -> the measures it is expected to report."""
    return {s.id: expected(framework, registry, profiles, s) for s in registry.sites}


def not_reported(needs: Iterable[str], sites: Iterable[str], reports: Reported | None) -> bool:
    """Whether none of the sites is expected to report everything a KPI needs."""
    if reports is None:
        return False
    wanted = set(needs)
    members = [s for s in sites if s in reports]
    return bool(members) and all(not wanted <= reports[s] for s in members)


def missing_measures(
    framework: Framework,
    registry: Registry,
    profiles: Sequence[Profile],
    blocks: Sequence[Block],
    live: Sequence[Site],
    inputs: str,
    period: str,
    found: Sequence[Issue] = (),
    matched: Collection[str] = (),
) -> list[Issue]:
    """V314 for each live site that sent nothing; V323 once per site that left measures out.

    A measure whose column is missing from a file holding the site's rows is reported there
    already (V300, at the header: the cause), so it is not repeated here. Where a profile read
    no file at all this month (none of the month's files matched it: `matched` holds the ids
    of those that did), the missing file is one finding (V331) for all the sites it serves.
    """
    supplied: dict[str, set[str]] = {}
    files: dict[str, set[str]] = {}
    for block in blocks:
        for site_id in set(block.site):
            if site_id is not None:
                supplied.setdefault(site_id, set()).update(block.measures, block.categories)
                files.setdefault(site_id, set()).add(block.source.file)
    no_column = {
        (i.location.file, i.field) for i in found if i.code == "V300" and i.location is not None
    }
    issues: list[Issue] = []
    missing: dict[str, list[str]] = {}
    order = [m.id for m in framework.measures]
    for site in live:
        if site.id not in supplied:
            issues.append(
                make_issue(
                    "V314",
                    f"live site {site.id} ({site.name}, {site.vendor}) "
                    f"has sent no file for {period}",
                    location=Location(file=inputs),
                    found=site.id,
                )
            )
            continue
        wanted = expected(framework, registry, profiles, site)
        missing[site.id] = [
            m
            for m in order
            if m in wanted
            and m not in supplied[site.id]
            and not any((f, m) in no_column for f in files[site.id])
        ]
    read = {b.source.profile for b in blocks} | set(matched)
    sites = {s.id: s for s in live}
    for profile in profiles:
        if profile.id in read:
            continue
        reads = profile_measures(profile, framework)
        affected = {
            site_id: [m for m in ms if m in reads]
            for site_id, ms in missing.items()
            if serves(profile, sites[site_id])
        }
        affected = {site_id: ms for site_id, ms in affected.items() if ms}
        if affected:
            issues.append(_no_file(profile, affected, period, inputs))
            for site_id, ms in affected.items():
                missing[site_id] = [m for m in missing[site_id] if m not in ms]
    for site_id, ms in missing.items():
        if ms:
            issues.append(_missing(sites[site_id], ms, framework, profiles, period, inputs))
    return issues


def _no_file(
    profile: Profile, affected: Mapping[str, list[str]], period: str, inputs: str
) -> Issue:
    measures = list(dict.fromkeys(m for ms in affected.values() for m in ms))
    names = ", ".join(f"`{m}`" for m in measures)
    site_ids = ", ".join(affected)
    return make_issue(
        "V331",
        f"no file of {period} is read by profile `{profile.id}` ({_files(profile, period)}), "
        f"so {len(affected)} site{'s' if len(affected) > 1 else ''} ({site_ids}) "
        f"lack{'' if len(affected) > 1 else 's'} {names}",
        location=Location(file=inputs),
        found=site_ids,
        expected=_files(profile, period),
        hint="Put the file in the month's folder (its name must match the profile's files "
        "pattern). If these sites do not report the measures, list them under "
        "`does_not_report:` for the sites or their vendor in the registry.",
    )


def _missing(
    site: Site,
    missing: list[str],
    framework: Framework,
    profiles: Sequence[Profile],
    period: str,
    inputs: str,
) -> Issue:
    readers: dict[str, list[str]] = {}
    unread: list[str] = []
    for measure_id in missing:
        ids = [
            p.id
            for p in profiles
            if serves(p, site) and measure_id in profile_measures(p, framework)
        ]
        for pid in ids:
            readers.setdefault(pid, []).append(measure_id)
        if not ids:
            unread.append(measure_id)
    by_id = {p.id: p for p in profiles}
    fixes = [
        f"send the file profile `{pid}` reads ({_files(by_id[pid], period)}) with "
        f"{site.id}'s rows, for {', '.join(ms)}"
        for pid, ms in readers.items()
    ]
    if unread:
        fixes.append(
            f"map {', '.join(unread)} in a profile that reads {site.id}'s files "
            "(the registry says the site reports them)"
        )
    fix = "; or ".join(fixes)
    names = ", ".join(f"`{m}`" for m in missing)
    noun = "measure" if len(missing) == 1 else f"{len(missing)} measures"
    return make_issue(
        "V323",
        f"no file of {site.id}'s month supplies {noun} it reports: {names}",
        location=Location(file=inputs),
        field=missing[0],
        found=site.id,
        hint=fix[:1].upper()
        + fix[1:]
        + f". If {site.id} does not report them, list them under `does_not_report:` for the "
        "site (or its vendor) in the registry.",
    )


def _files(profile: Profile, period: str) -> str:
    if profile.files.pattern is not None:
        return profile.files.pattern.replace("{period}", period)
    return ", ".join(profile.files.paths)
