"""Required FTE for a month of work: deferrable workload, or real-time Erlang staffing.

Deferrable work (moderation queues, email, back office):

    workload hours = volume x AHT / 3600
    FTE            = workload hours / (paid hours per FTE x occupancy target) / (1 - shrinkage)

Real-time channels (voice, chat): the month's volume is spread over the open days and over the
intervals of each day by the queue's profile; each interval is staffed with the fewest agents
that meet its service-level target (Erlang C, or Erlang A when the queue's patience is known),
and the staffed hours are summed: FTE = staffed hours / paid hours per FTE / (1 - shrinkage).
Occupancy is an outcome of the queue there, not a divisor.

Shrinkage divides: 14 agents at 30 % shrinkage need 14 / 0.7 = 20 scheduled, not 14 x 1.3 =
18.2. FTE stay fractional through every sum; `scheduled` rounds up once, where people are
scheduled (a site's queue and language), so rounding never compounds.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass

from opsgov.capacity.erlang import (
    QueueResult,
    erlang_a_required,
    erlang_c_required,
)
from opsgov.models.capacity import CONCURRENCY_FACTORS, IntervalProfile, QueueCapacity


@dataclass(frozen=True)
class Requirement:
    """The FTE one site's queue (and language) needs in one month, and how it was reached."""

    volume: float
    aht_seconds: float
    workload_hours: float
    """Deferrable: volume x AHT. Real-time: the agents' staffed hours over the month."""
    productive_fte: float
    """FTE on the work itself, before shrinkage."""
    fte: float
    """FTE to employ: productive FTE / (1 - shrinkage), fractional."""
    shrinkage: float
    hours_per_fte: float
    occupancy: float
    """Deferrable: the target divided by; real-time: achieved, weighted by the intervals."""
    intervals: tuple[QueueResult, ...] = ()
    """Real-time: each open interval of a day, in order."""
    open_days: float = 0.0

    @property
    def peak(self) -> QueueResult | None:
        """Real-time: the interval needing the most agents."""
        return max(self.intervals, key=lambda r: r.agents, default=None)

    def day_average(self, figure: str) -> float | None:
        """Real-time: one figure of the day's intervals, each weighted by its offered load.

        `figure` is a `QueueResult` field: service_level, asa, occupancy, p_wait, p_abandon.
        """
        return _weighted(self.intervals, figure)


def _weighted(intervals: tuple[QueueResult, ...], name: str) -> float | None:
    total = sum(r.load for r in intervals)
    if not intervals or total == 0:
        return None
    return float(sum(getattr(r, name) * r.load for r in intervals)) / total


def scheduled(fte: float) -> int:
    """People to schedule for a fractional requirement: rounded up once (1e-9 absorbs noise)."""
    return math.ceil(fte - 1e-9) if fte > 0 else 0


def shrunk(productive: float, shrinkage: float) -> float:
    """Productive FTE or agents grossed up for shrinkage: divided by (1 - shrinkage)."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    return productive / (1.0 - shrinkage)


def deferrable(
    volume: float,
    aht_seconds: float,
    hours_per_fte: float,
    occupancy: float,
    shrinkage: float,
) -> Requirement:
    """FTE for a month of deferrable work (workload / (hours x occupancy) / (1 - shrinkage))."""
    workload = volume * aht_seconds / 3600.0
    productive = workload / (hours_per_fte * occupancy)
    return Requirement(
        volume=volume,
        aht_seconds=aht_seconds,
        workload_hours=workload,
        productive_fte=productive,
        fte=shrunk(productive, shrinkage),
        shrinkage=shrinkage,
        hours_per_fte=hours_per_fte,
        occupancy=occupancy,
    )


def open_days(period: str, profile: IntervalProfile) -> float:
    """Days a queue is open in a month (YYYY-MM): its days x days open a week / 7."""
    year, month = (int(p) for p in period.split("-"))
    return calendar.monthrange(year, month)[1] * profile.days_per_week / 7.0


def effective_aht(aht_seconds: float, queue: QueueCapacity) -> float:
    """Handle time per contact as the queue sees it: chat concurrency shortens it."""
    if queue.channel != "chat":
        return aht_seconds
    return aht_seconds / CONCURRENCY_FACTORS[queue.concurrency]


def interval_staffing(
    contacts: float,
    aht_seconds: float,
    minutes: int,
    queue: QueueCapacity,
    max_occupancy: float,
) -> QueueResult:
    """Agents for one interval's contacts: Erlang A when patience is known, else Erlang C."""
    target = queue.service_level
    if target is None:
        raise ValueError("a real-time queue needs a service-level target")
    rate = contacts / (minutes * 60.0)
    if queue.patience_seconds is not None:
        return erlang_a_required(
            rate,
            aht_seconds,
            queue.patience_seconds,
            target.seconds,
            target.share,
            max_occupancy,
            queue.max_abandon if queue.max_abandon is not None else 1.0,
        )
    return erlang_c_required(rate, aht_seconds, target.seconds, target.share, max_occupancy)


def realtime(
    period: str,
    volume: float,
    aht_seconds: float,
    queue: QueueCapacity,
    profile: IntervalProfile,
    hours_per_fte: float,
    max_occupancy: float,
    shrinkage: float,
) -> Requirement:
    """FTE for a month of a real-time queue, staffed interval by interval."""
    days = open_days(period, profile)
    aht = effective_aht(aht_seconds, queue)
    daily = volume / days
    results = tuple(
        interval_staffing(daily * share, aht, profile.minutes, queue, max_occupancy)
        for share in profile.day_shares()
    )
    staffed = sum(r.agents for r in results) * profile.minutes / 60.0 * days
    productive = staffed / hours_per_fte
    agents = sum(r.agents for r in results)
    return Requirement(
        volume=volume,
        aht_seconds=aht_seconds,
        workload_hours=staffed,
        productive_fte=productive,
        fte=shrunk(productive, shrinkage),
        shrinkage=shrinkage,
        hours_per_fte=hours_per_fte,
        occupancy=sum(r.occupancy * r.agents for r in results) / agents if agents else 0.0,
        intervals=results,
        open_days=days,
    )
