"""Capacity settings checks: D180-D186, each at its line and column.

The `capacity:` section of `opsgov.yaml` against the registry, the framework and the playbooks.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator

from opsgov.issues import Issue, make_issue
from opsgov.lint.common import did_you_mean
from opsgov.models.capacity import CapacitySettings, IntervalProfile
from opsgov.models.framework import Framework
from opsgov.models.registry import Registry
from opsgov.yamlio import PathKey, YamlDocument

ROOT: PathKey = ("capacity",)
MONTH_HOURS = 744
"""Hours of a 31-day month."""


def _unknown(
    doc: YamlDocument, path: PathKey, what: str, name: str, known: Collection[str]
) -> Issue:
    return make_issue(
        "D180",
        f"capacity settings name {what} `{name}`, which the registry does not have",
        location=doc.locate(path, key=True),
        found=name,
        hint=did_you_mean(name, known) or f"Known: {', '.join(sorted(known)) or 'none'}.",
    )


def _profile(doc: YamlDocument, path: PathKey, profile: IntervalProfile) -> Iterator[Issue]:
    if profile.shares is None:
        return
    where = doc.locate((*path, "shares"))
    if len(profile.shares) != profile.intervals:
        yield make_issue(
            "D183",
            f"{len(profile.shares)} interval shares for {profile.intervals} open intervals "
            f"({profile.open_hours:g} h of {profile.minutes}-minute intervals)",
            location=where,
            field="shares",
        )
    total = math.fsum(profile.shares)
    if abs(total - 1) > 1e-6:
        yield make_issue(
            "D183",
            f"interval shares sum to {total:.6g}; they must sum to 1",
            location=where,
            field="shares",
        )


def _queues(doc: YamlDocument, settings: CapacitySettings, known: set[str]) -> Iterator[Issue]:
    for qid, queue in settings.queues.items():
        path = (*ROOT, "queues", qid)
        if known and qid not in known:
            yield _unknown(doc, path, "queue", qid, known)
        realtime = queue.channel != "deferrable"
        if realtime and queue.service_level is None:
            yield make_issue(
                "D181",
                f"{queue.channel} queue `{qid}` has no service-level target",
                location=doc.locate((*path, "channel")),
                hint="Add `service_level: {share: 0.8, seconds: 20}`, or make it deferrable.",
            )
        ignored = [
            name
            for name, is_set in (
                ("service_level", queue.service_level is not None),
                ("patience_seconds", queue.patience_seconds is not None),
                ("max_abandon", queue.max_abandon is not None),
                ("profile", queue.profile is not None),
            )
            if is_set and not realtime
        ]
        if queue.concurrency != 1 and queue.channel != "chat":
            ignored.append("concurrency")
        if queue.occupancy_target is not None and realtime:
            ignored.append("occupancy_target")
        for name in ignored:
            yield make_issue(
                "D182",
                f"`{name}` does not apply to {queue.channel} queue `{qid}` and is ignored",
                location=doc.locate((*path, name), key=True),
                field=name,
            )
        if queue.profile is not None:
            yield from _profile(doc, (*path, "profile"), queue.profile)


def _sites(doc: YamlDocument, settings: CapacitySettings, registry: Registry) -> Iterator[Issue]:
    for sid, site in settings.sites.items():
        path = (*ROOT, "sites", sid)
        registered = registry.site(sid)
        if registered is None:
            yield _unknown(doc, path, "site", sid, [s.id for s in registry.sites])
            continue
        for qid, mix in site.language_mix.items():
            where = (*path, "language_mix", qid)
            if qid not in registered.queues:
                yield make_issue(
                    "D184",
                    f"site `{sid}` does not work queue `{qid}` (it works "
                    f"{', '.join(registered.queues) or 'none'})",
                    location=doc.locate(where, key=True),
                )
            for lang in mix:
                if lang not in registered.languages:
                    yield make_issue(
                        "D184",
                        f"site `{sid}` does not serve language `{lang}` (it serves "
                        f"{', '.join(registered.languages) or 'none'})",
                        location=doc.locate((*where, lang), key=True),
                        found=lang,
                    )
            total = math.fsum(mix.values())
            if abs(total - 1) > 1e-6:
                yield make_issue(
                    "D184",
                    f"the language mix of `{sid}` queue `{qid}` sums to {total:.6g}; it must "
                    "sum to 1",
                    location=doc.locate(where),
                )


def _plausible(doc: YamlDocument, settings: CapacitySettings) -> Iterator[Issue]:
    checks: list[tuple[PathKey, bool, str]] = [
        ((*ROOT, "hours_per_fte"), settings.hours_per_fte > MONTH_HOURS,
         f"{settings.hours_per_fte:g} paid hours per FTE a month is more than a month has"),
        ((*ROOT, "shrinkage"), settings.shrinkage > 0.6,
         f"shrinkage of {settings.shrinkage:.0%} leaves under 40 % of paid time for work"),
        ((*ROOT, "occupancy_target"), settings.occupancy_target > settings.max_occupancy,
         f"the occupancy target {settings.occupancy_target:.0%} is above the real-time cap "
         f"{settings.max_occupancy:.0%}"),
    ]  # fmt: skip
    for sid, site in settings.sites.items():
        if site.hours_per_fte is not None:
            checks.append(
                (
                    (*ROOT, "sites", sid, "hours_per_fte"),
                    site.hours_per_fte > MONTH_HOURS,
                    f"{site.hours_per_fte:g} paid hours per FTE a month at `{sid}` is more than "
                    "a month has",
                )
            )
    for path, wrong, message in checks:
        if wrong:
            yield make_issue("D186", message, location=doc.locate(path))


def check_capacity(
    doc: YamlDocument,
    settings: CapacitySettings,
    registry: Registry | None,
    framework: Framework | None,
    playbooks: Collection[str] | None,
) -> Iterator[Issue]:
    """Every check of the capacity settings; the ones needing a missing file are skipped."""
    known = {q for s in registry.sites for q in s.queues} if registry else set()
    yield from _queues(doc, settings, known)
    yield from _profile(doc, (*ROOT, "profile"), settings.profile)
    if registry is not None:
        yield from _sites(doc, settings, registry)
    yield from _plausible(doc, settings)
    if framework is not None:
        measures = {m.id for m in framework.measures}
        for key in (
            "volume_measure",
            "handle_measure",
            "handled_measure",
            "headcount_measure",
            "leavers_measure",
        ):
            name = getattr(settings, key)
            if name is not None and name not in measures:
                yield make_issue(
                    "D185",
                    f"`{key}` names `{name}`, which is not a measure of the framework",
                    location=doc.locate((*ROOT, key)),
                    field=key,
                    hint=did_you_mean(name, measures),
                )
    if playbooks is not None and settings.surge_playbook not in playbooks:
        yield make_issue(
            "D185",
            f"`surge_playbook` names `{settings.surge_playbook}`, which is not a playbook of "
            "the workspace or the built-in library",
            location=doc.locate((*ROOT, "surge_playbook")),
            field="surge_playbook",
            hint=did_you_mean(settings.surge_playbook, playbooks)
            or f"Known: {', '.join(sorted(playbooks))}.",
        )
