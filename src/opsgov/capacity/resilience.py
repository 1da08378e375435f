"""Resilience (N-1): what losing each site does, single points of failure, pooling costs.

For one month (the plan's first): each site goes dark in turn. Its volume in each queue and
language moves to the other sites whose registry lists that queue and that language, within
their headroom (headcount less requirement, in FTE), shared out in proportion to the headroom
each has left. Whatever cannot be placed stays unhandled:

- deferrable work: it becomes backlog, `unabsorbed` items a month, or `backlog_days` days of
  the pool's volume each month; the service level is the share of the pool's volume handled;
- real-time queues: the pool's contacts meet the agents the receiving sites have (their own
  plus those their headroom buys) interval by interval: Erlang A when the queue's patience is
  known (an overloaded queue has an answer, held by abandonment), Erlang C otherwise (which has
  none past saturation: the service level is then 0).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass

from opsgov.capacity.erlang import QueueResult, erlang_a_result, erlang_c_result
from opsgov.capacity.fte import effective_aht, interval_staffing, open_days
from opsgov.capacity.plan import requirement
from opsgov.capacity.results import ResilienceCell, SitePlan, SplitCost, SpofRow, StreamPlan
from opsgov.issues import Issue, make_issue
from opsgov.models.capacity import CapacitySettings
from opsgov.models.registry import Registry, Site


@dataclass(frozen=True)
class Pool:
    """Everything the plan has for one queue and language in the month."""

    queue: str
    language: str
    volume: dict[str, float]
    """Site -> volume."""
    fte: dict[str, float]
    aht: dict[str, float]


def _pools(streams: Sequence[StreamPlan], period: str) -> dict[tuple[str, str], Pool]:
    pools: dict[tuple[str, str], Pool] = {}
    for s in streams:
        month = next((m for m in s.months if m.period == period), None)
        if month is None:
            continue
        pool = pools.setdefault((s.queue, s.language), Pool(s.queue, s.language, {}, {}, {}))
        pool.volume[s.site] = pool.volume.get(s.site, 0.0) + month.volume
        pool.fte[s.site] = pool.fte.get(s.site, 0.0) + month.fte
        pool.aht[s.site] = month.aht_seconds
    return pools


def headroom(sites: Sequence[SitePlan], period: str) -> dict[str, float]:
    """Spare FTE per site in the month: projected headcount less requirement (never < 0)."""
    out: dict[str, float] = {}
    for plan in sites:
        if plan.queue:
            continue
        month = next((m for m in plan.months if m.period == period), None)
        if month is not None:
            out[plan.site] = max(-month.gap, 0.0)
    return out


def staffed_share(sites: Sequence[SitePlan], period: str) -> dict[str, float]:
    """Per site: the share of its requirement its headcount covers in the month (at most 1)."""
    out: dict[str, float] = {}
    for plan in sites:
        month = next((m for m in plan.months if m.period == period), None)
        if not plan.queue and month is not None and month.required_fte > 0:
            out[plan.site] = min(1.0, month.headcount / month.required_fte)
    return out


def _serves(site: Site, queue: str, language: str) -> bool:
    return queue in site.queues and (not language or language in site.languages)


def _fte_for(
    period: str,
    volume: float,
    aht: float,
    site: str,
    queue: str,
    settings: CapacitySettings,
    base: float,
) -> float:
    """FTE a receiving site needs for `volume` more on top of `base` of its own."""
    if volume <= 0:
        return 0.0
    more = requirement(period, base + volume, aht, site, queue, settings).fte
    less = requirement(period, base, aht, site, queue, settings).fte if base > 0 else 0.0
    return max(more - less, 0.0)


def _agents_bought(
    fte: float, site: str, queue: str, settings: CapacitySettings, period: str
) -> float:
    """Agents on each open interval that `fte` FTE give, after shrinkage."""
    profile = settings.profile_for(queue)
    hours_open = open_days(period, profile) * profile.open_hours
    return fte * (1 - settings.shrinkage_for(site, queue)) * settings.hours_for(site) / hours_open


def _realtime_after(
    pool: Pool,
    lost: str,
    agents_extra: float,
    period: str,
    settings: CapacitySettings,
    staffed: dict[str, float],
) -> tuple[float | None, float | None, float | None, str]:
    """Service level, P(abandon) and ASA of the pool's contacts after the loss."""
    q = settings.queue(pool.queue)
    target = q.service_level
    assert target is not None
    profile = settings.profile_for(pool.queue)
    days = open_days(period, profile)
    demand = sum(pool.volume.values())
    survivors = [s for s in pool.volume if s != lost]
    aht_raw = sum(pool.aht.values()) / len(pool.aht)
    aht = effective_aht(aht_raw, q)
    results: list[QueueResult] = []
    for share in profile.day_shares():
        own = 0
        for s in survivors:
            contacts = pool.volume[s] / days * share
            need = interval_staffing(contacts, aht, profile.minutes, q, settings.max_occupancy)
            own += math.floor(need.agents * staffed.get(s, 1.0) + 1e-9)
        agents = own + int(agents_extra)
        rate = demand / days * share / (profile.minutes * 60.0)
        if q.patience_seconds is not None:
            results.append(erlang_a_result(rate, aht, q.patience_seconds, agents, target.seconds))
        else:
            results.append(erlang_c_result(rate, aht, agents, target.seconds))
    total = sum(r.load for r in results) or 1.0
    sl = sum(r.service_level * r.load for r in results) / total
    model = "erlang_a" if q.patience_seconds is not None else "erlang_c"
    mean_wait: float | None = sum(r.asa * r.load for r in results) / total
    if model == "erlang_a":
        ab = sum(r.p_abandon * r.load for r in results) / total
        return sl, ab, mean_wait, model
    if any(r.agents <= r.load for r in results):
        mean_wait = None  # past saturation: the wait grows without bound
    return sl, None, mean_wait, model


def _place(
    moved: float, need: dict[str, float], left: dict[str, float], receivers: list[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """Share `moved` items out in proportion to the headroom left, as far as it goes.

    `need[r]` is the FTE receiver r would need for all of it (its cost per item is taken as
    constant); `left` is each receiver's headroom, reduced in place. A receiver that fills up
    passes the rest to the others on the next round. Returns items taken and FTE used.
    """
    taken = dict.fromkeys(receivers, 0.0)
    used = dict.fromkeys(receivers, 0.0)
    cost = {r: need[r] / moved for r in receivers}
    remaining = moved
    for _ in range(len(receivers)):
        open_ = [r for r in receivers if left.get(r, 0.0) > 1e-9 or cost[r] == 0]
        if not open_ or remaining <= 1e-9:
            break
        weights = {r: left.get(r, 0.0) for r in open_}
        total = sum(weights.values())
        for r in open_:
            offered = remaining * (weights[r] / total if total > 0 else 1 / len(open_))
            take = offered if cost[r] == 0 else min(offered, left.get(r, 0.0) / cost[r])
            taken[r] += take
            used[r] += take * cost[r]
            left[r] = left.get(r, 0.0) - take * cost[r]
        remaining = moved - sum(taken.values())
    return taken, used


def site_loss(
    lost: Site,
    pools: dict[tuple[str, str], Pool],
    spare: dict[str, float],
    staffed: dict[str, float],
    registry: Registry,
    settings: CapacitySettings,
    period: str,
) -> list[ResilienceCell]:
    """Every queue and language of one site, if it went dark.

    `spare` is each site's headroom in FTE, `staffed` the share of its own requirement its
    headcount covers (a site short of staff also leaves some of its own work undone).
    """
    left = dict(spare)
    left.pop(lost.id, None)
    cells = []
    days = calendar.monthrange(int(period[:4]), int(period[5:7]))[1]
    for (queue, language), pool in sorted(pools.items()):
        moved = pool.volume.get(lost.id, 0.0)
        if moved <= 0:
            continue
        aht = pool.aht[lost.id]
        receivers = [
            s.id for s in registry.sites
            if s.id != lost.id and s.status != "closed" and _serves(s, queue, language)
        ]  # fmt: skip
        need = {
            r: _fte_for(period, moved, aht, r, queue, settings, pool.volume.get(r, 0.0))
            for r in receivers
        }
        room = {r: left.get(r, 0.0) for r in receivers}
        taken, used = _place(moved, need, left, receivers)
        placed = sum(taken.values())
        unabsorbed = max(moved - placed, 0.0)
        demand = sum(pool.volume.values())
        channel = settings.queue(queue).channel
        lines = [
            f"{lost.id} goes dark in {period}: {moved:,.1f} {queue}/{language or '-'} items to "
            f"move; the pool's volume is {demand:,.1f}",
            "receivers (registry lists the queue and language): "
            + (", ".join(receivers) or "none"),
        ]
        lines += [
            f"  {r}: headroom {room[r]:,.2f} FTE; taking all would need {need[r]:,.2f} FTE; "
            f"used {used.get(r, 0.0):,.2f}"
            for r in receivers
        ]
        lines.append(f"absorbed {placed:,.1f}, unabsorbed {unabsorbed:,.1f}")
        model, sl, ab, asa = "workload", None, None, None
        backlog, backlog_days = None, None
        if channel == "deferrable" or settings.queue(queue).service_level is None:
            short = sum(
                v * (1 - staffed.get(site, 1.0))
                for site, v in pool.volume.items()
                if site != lost.id
            )
            undone = unabsorbed + short
            sl = (demand - undone) / demand if demand else None
            backlog_days = undone / (demand / days) if demand else None
            if short > 0:
                lines.append(
                    f"the other sites, short of staff, also leave {short:,.1f} of their own undone"
                )
            lines.append(
                f"handled share = ({demand:,.1f} - {undone:,.1f}) / {demand:,.1f} = "
                f"{sl:.1%}; backlog grows {undone:,.0f} items a month = "
                f"{backlog_days or 0:.1f} days of the pool's volume ({days} days)"
            )
            backlog = undone
        else:
            extra = sum(
                _agents_bought(used.get(r, 0.0), r, queue, settings, period) for r in receivers
            )
            sl, ab, asa, model = _realtime_after(pool, lost.id, extra, period, settings, staffed)
            lines.append(
                "the pool's contacts meet the other sites' own agents (as far as their "
                f"headcount covers their requirement) plus {extra:,.1f} bought "
                f"with headroom, each interval by {model.replace('_', ' ').title()}: service "
                f"level {sl:.1%}"
                + (f", abandonment {ab:.1%}" if ab is not None else "")
                + ("" if asa is not None or model == "erlang_a" else "; past saturation")
            )
        cells.append(
            ResilienceCell(
                id=f"n1/{lost.id}/{queue}/{language or '-'}",
                explain=lines,
                lost_site=lost.id,
                queue=queue,
                language=language,
                channel=channel,
                demand=demand,
                moved=moved,
                absorbed=placed,
                unabsorbed=unabsorbed,
                receivers=receivers,
                model=model,
                service_level=sl,
                p_abandon=ab,
                asa=asa,
                backlog_growth_month=backlog,
                backlog_days=backlog_days,
            )
        )
    return cells


def single_points(registry: Registry) -> list[SpofRow]:
    """Each queue, and each language of each queue, with the sites and vendors serving it."""
    live = [s for s in registry.sites if s.status != "closed"]
    keys: set[tuple[str, str]] = set()
    for s in live:
        for q in s.queues:
            keys.add((q, ""))
            keys.update((q, lang) for lang in s.languages)
    rows = []
    for queue, language in sorted(keys):
        sites = sorted(s.id for s in live if _serves(s, queue, language))
        vendors = sorted({s.vendor for s in live if _serves(s, queue, language)})
        what = f"queue {queue}" + (f" in {language}" if language else "")
        rows.append(
            SpofRow(
                id=f"spof/{queue}/{language or '-'}",
                explain=[
                    f"{what}: served by {len(sites)} site(s) ({', '.join(sites)}) of "
                    f"{len(vendors)} vendor(s) ({', '.join(vendors)}), from the registry"
                ],
                queue=queue,
                language=language,
                sites=sites,
                vendors=vendors,
                single_site=len(sites) == 1,
                single_vendor=len(vendors) == 1,
            )
        )
    return rows


def spof_findings(rows: Sequence[SpofRow]) -> list[Issue]:
    """Q806 for every queue or queue language one site or one vendor carries alone."""
    out = []
    for r in rows:
        if not (r.single_site or r.single_vendor):
            continue
        what = f"queue {r.queue}" + (f" in {r.language}" if r.language else "")
        who = f"site {r.sites[0]}" if r.single_site else f"vendor {r.vendors[0]}"
        out.append(make_issue("Q806", f"{what} is served by {who} only"))
    return out


def split_costs(
    pools: dict[tuple[str, str], Pool],
    registry: Registry,
    settings: CapacitySettings,
    period: str,
) -> list[SplitCost]:
    """Per queue: FTE pooled in one team against split across its vendors' teams.

    Real-time work loses to smaller pools (Erlang needs proportionally more agents for less
    volume); deferrable work is linear, so only rounding each team up once costs anything.
    A queue one vendor serves is priced as an even split across two.
    """
    vendor_of = {s.id: s.vendor for s in registry.sites}
    by_queue: dict[str, dict[str, float]] = {}
    aht_of: dict[str, float] = {}
    for (queue, _language), pool in pools.items():
        for site, volume in pool.volume.items():
            vendors = by_queue.setdefault(queue, {})
            vendors[vendor_of.get(site, site)] = (
                vendors.get(vendor_of.get(site, site), 0.0) + volume
            )
            aht_of.setdefault(queue, pool.aht[site])
    out = []
    for queue, shares in sorted(by_queue.items()):
        total = sum(shares.values())
        if total <= 0:
            continue
        basis = "current" if len(shares) > 1 else "two-way"
        parts = list(shares.values()) if len(shares) > 1 else [total / 2, total / 2]
        aht = aht_of[queue]
        site = next(iter(pools[next(k for k in pools if k[0] == queue)].volume))
        pooled = requirement(period, total, aht, site, queue, settings).fte
        split_fte = [requirement(period, v, aht, site, queue, settings).fte for v in parts]
        channel = settings.queue(queue).channel
        if channel == "deferrable" or settings.queue(queue).service_level is None:
            pooled_n = float(-(-pooled // 1))
            split_n = float(sum(-(-f // 1) for f in split_fte))
            rule = "deferrable work is linear: the cost is rounding each team up once"
        else:
            pooled_n, split_n = pooled, sum(split_fte)
            rule = "real-time: smaller pools need more agents for the same service level"
        out.append(
            SplitCost(
                id=f"split/{queue}",
                explain=[
                    f"{queue} in {period}: {total:,.1f} items, AHT {aht:.1f} s (at {site}'s "
                    "settings)",
                    f"one pool: {pooled:,.3f} FTE; split ({basis}) "
                    + " + ".join(f"{v:,.1f}" for v in parts)
                    + f" items: {' + '.join(f'{f:,.3f}' for f in split_fte)} FTE",
                    f"{rule}: {split_n:,.2f} - {pooled_n:,.2f} = {split_n - pooled_n:,.2f} FTE",
                ],
                queue=queue,
                channel=channel,
                vendors=sorted(shares),
                basis=basis,
                pooled_fte=pooled_n,
                split_fte=split_n,
                lost_fte=split_n - pooled_n,
            )
        )
    return out


def resilience(
    streams: Sequence[StreamPlan],
    sites: Sequence[SitePlan],
    registry: Registry,
    settings: CapacitySettings,
    period: str,
) -> tuple[list[ResilienceCell], list[SpofRow], list[SplitCost], list[Issue]]:
    """The N-1 matrix, the single points of failure and the split costs, with findings."""
    pools = _pools(streams, period)
    spare = headroom(sites, period)
    staffed = staffed_share(sites, period)
    cells: list[ResilienceCell] = []
    issues: list[Issue] = []
    for site in registry.sites:
        if site.status == "closed":
            continue
        lost = site_loss(site, pools, spare, staffed, registry, settings, period)
        cells.extend(lost)
        short = [c for c in lost if c.unabsorbed > 0.5]
        if short:
            worst = min(short, key=lambda c: c.service_level if c.service_level is not None else 0)
            issues.append(
                make_issue(
                    "Q807",
                    f"if {site.id} went dark in {period}, {sum(c.unabsorbed for c in short):,.0f} "
                    f"items could not be placed; worst: {worst.queue}/{worst.language or '-'} "
                    f"at {worst.service_level or 0:.0%}",
                    hint=f"`opsgov capacity --explain {worst.id}`",
                )
            )
    spof = single_points(registry)
    issues.extend(spof_findings(spof))
    return cells, spof, split_costs(pools, registry, settings, period), issues
