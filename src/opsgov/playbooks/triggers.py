"""Which playbooks a month's scorecard fires, for which sites, vendors or regions, and why.

A KPI trigger fires for a scope when, in the period and in each of the `periods - 1` months
before it, the KPI (or the composite) is at the trigger's RAG status or worse, or above/below
its value. The earlier months come from `history`: scorecards of earlier periods. `opsgov
score` passes the previous month it has just scored from the workspace's inbox, plus the
`scorecard.json` of any earlier month found in the workspace's outputs (written by earlier
runs of `opsgov score`); a month with neither cannot confirm a streak, so the trigger does not
fire. A site-status trigger fires for every registered site with that status. A playbook only
fires for scopes it applies to.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import ValidationError

from opsgov.models.cardformat import READABLE_VERSIONS
from opsgov.models.playbook import COMPOSITE, Playbook, Trigger
from opsgov.models.registry import Registry
from opsgov.models.results import (
    ScopeResult,
    Scorecard,
    TriggeredPlaybook,
)
from opsgov.models.workspace import Workspace
from opsgov.playbooks.library import Library, load_library, search_dirs
from opsgov.playbooks.resolve import not_applicable

_RANK = {"green": 0, "amber": 1, "red": 2}


def previous_periods(period: str, count: int) -> list[str]:
    """The `count` months before `YYYY-MM`, most recent first."""
    year, month = int(period[:4]), int(period[5:7])
    out: list[str] = []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        out.append(f"{year}-{month:02d}")
    return out


def history_depth(playbooks: Iterable[Playbook]) -> int:
    """How many earlier months the triggers need (the longest streak minus one)."""
    return max((t.periods - 1 for p in playbooks for t in p.triggers if t.type == "kpi"), default=0)


def stored_history(
    root: Path, settings: Workspace, period: str, depth: int, skip: Iterable[str] = ()
) -> list[Scorecard]:
    """Scorecards of up to `depth` earlier months, read from the workspace's outputs.

    A missing, unreadable or differently versioned `scorecard.json` is simply not history.
    """
    cards: list[Scorecard] = []
    skipped = set(skip)
    for earlier in previous_periods(period, depth):
        if earlier in skipped:
            continue
        path = root / settings.outputs.replace("{period}", earlier) / "scorecard.json"
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or data.get("schema_version") not in READABLE_VERSIONS:
            continue
        try:
            card = Scorecard.model_validate(data)
        except ValidationError:
            continue
        if card.period == earlier:
            cards.append(card)
    return cards


def _format(value: float | None, fmt: str) -> str:
    if value is None:
        return "no value"
    if fmt == "percent":
        return f"{value * 100:.1f} %"
    if fmt == "score":
        return f"{value:.1f}"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def _kpi_format(card: Scorecard, kpi_id: str) -> str:
    if kpi_id == COMPOSITE:
        return "score"
    info = next((k for k in card.kpis if k.id == kpi_id), None)
    return info.format if info else "decimal"


def _reading(card: Scorecard, scope: ScopeResult, trigger: Trigger) -> tuple[bool, str] | None:
    """Whether the condition holds for the scope in this card, and the reading in words."""
    kpi_id = trigger.kpi or ""
    fmt = _kpi_format(card, kpi_id)
    if kpi_id == COMPOSITE:
        value, status = scope.composite, scope.status
    else:
        result = scope.kpi(kpi_id)
        if result is None:
            return None
        value, status = result.value, result.status
    if trigger.status is not None:
        holds = status in _RANK and _RANK[status] >= _RANK[trigger.status]
        return holds, f"{_format(value, fmt)} ({status}) in {card.period}"
    if value is None:
        return False, f"no value in {card.period}"
    if trigger.above is not None:
        return value > trigger.above, f"{_format(value, fmt)} in {card.period}"
    assert trigger.below is not None
    return value < trigger.below, f"{_format(value, fmt)} in {card.period}"


def _condition(trigger: Trigger, card: Scorecard, scope: ScopeResult) -> str:
    name = trigger.kpi or ""
    info = next((k for k in card.kpis if k.id == name), None)
    fmt = _kpi_format(card, name)
    label = "composite score" if name == COMPOSITE else name
    if info is not None:
        label = f"{info.name} ({name})"
    if trigger.status is not None:
        what = f"{label} {trigger.status}" + (" or worse" if trigger.status == "amber" else "")
        result = scope.kpi(name) if name != COMPOSITE else None
        if result is not None and result.target.amber is not None:
            what += f" (amber threshold {_format(result.target.amber, fmt)})"
    elif trigger.above is not None:
        what = f"{label} above {_format(trigger.above, fmt)}"
    else:
        what = f"{label} below {_format(trigger.below, fmt)}"
    running = f", {trigger.periods} months running" if trigger.periods > 1 else ""
    return what + running


def _applies(playbook: Playbook, scope: ScopeResult, registry: Registry) -> bool:
    applies = playbook.applies_to
    if scope.level == "site":
        site = registry.site(scope.id)
        if site is None:
            return False
        vendor = next((v for v in registry.vendors if v.id == site.vendor), None)
        return not not_applicable(playbook, site, vendor)
    if scope.level == "vendor":
        vendor = next((v for v in registry.vendors if v.id == scope.id), None)
        if applies.vendors and scope.id not in applies.vendors:
            return False
        return not applies.vendor_types or (
            vendor is not None and vendor.type in applies.vendor_types
        )
    if scope.level == "region":
        return not applies.regions or scope.id in applies.regions
    return True


def _kpi_fires(
    playbook: Playbook,
    trigger: Trigger,
    card: Scorecard,
    history: dict[str, Scorecard],
    registry: Registry,
) -> Iterable[TriggeredPlaybook]:
    earlier = previous_periods(card.period, trigger.periods - 1)
    for scope in card.scopes:
        if scope.level != trigger.level or scope.queue is not None:
            continue
        if not _applies(playbook, scope, registry):
            continue
        readings: list[str] = []
        for each in (card, *(history.get(p) for p in earlier)):
            if each is None:
                break
            past = each.scope(scope.level, scope.id)
            reading = _reading(each, past, trigger) if past is not None else None
            if reading is None or not reading[0]:
                break
            readings.append(reading[1])
        else:
            yield TriggeredPlaybook(
                playbook=playbook.id,
                scope=scope.id,
                why=f"{_condition(trigger, card, scope)}: " + ", ".join(readings),
            )


def evaluate_triggers(
    card: Scorecard,
    history: Sequence[Scorecard],
    playbooks: Iterable[Playbook],
    registry: Registry,
) -> list[TriggeredPlaybook]:
    """Every playbook trigger that fires on the card, by playbook, then scope, in order."""
    by_period = {h.period: h for h in history if h.period != card.period}
    fired: list[TriggeredPlaybook] = []
    for playbook in sorted(playbooks, key=lambda p: p.id):
        seen: set[str] = set()
        for trigger in playbook.triggers:
            found: Iterable[TriggeredPlaybook] = ()
            if trigger.type == "kpi":
                found = _kpi_fires(playbook, trigger, card, by_period, registry)
            elif trigger.type == "site_status":
                found = _status_fires(playbook, trigger, registry)
            for hit in found:
                if hit.scope not in seen:  # one entry per scope: the first trigger that fired
                    seen.add(hit.scope)
                    fired.append(hit)
    return fired


def _status_fires(
    playbook: Playbook, trigger: Trigger, registry: Registry
) -> Iterable[TriggeredPlaybook]:
    for site in registry.sites:
        if site.status != trigger.site_status:
            continue
        vendor = next((v for v in registry.vendors if v.id == site.vendor), None)
        if not_applicable(playbook, site, vendor):
            continue
        when = f" (go-live {site.go_live})" if site.go_live and site.status == "launching" else ""
        yield TriggeredPlaybook(
            playbook=playbook.id, scope=site.id, why=f"site {site.id} is {site.status}{when}"
        )


def workspace_triggers(
    root: Path,
    settings: Workspace,
    registry: Registry,
    card: Scorecard,
    previous: Scorecard | None,
    *,
    playbook_dir: Path | None = None,
    library: Library | None = None,
) -> list[TriggeredPlaybook]:
    """The playbooks (`playbook_dir`'s, the workspace's, then the built-ins) a month fires.

    `library` is the workspace's and the built-ins, already loaded (used when there is no
    `playbook_dir`). History: `previous` (the month before, just scored from the inbox), then
    the stored `scorecard.json` of earlier months in the workspace's outputs.
    """
    if library is None or playbook_dir is not None:
        library = load_library(search_dirs(playbook_dir, root, settings))
    playbooks = library.all()
    known = [previous] if previous is not None else []
    depth = history_depth(playbooks)
    history = [
        *known,
        *stored_history(root, settings, card.period, depth, {c.period for c in known}),
    ]
    return evaluate_triggers(card, history, playbooks, registry)
