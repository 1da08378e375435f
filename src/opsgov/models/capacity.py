"""Capacity planning assumptions: the `capacity:` section of `opsgov.yaml`.

Every figure `opsgov capacity` produces follows from these settings, the registry and the
history; nothing else is assumed. Shrinkage divides: scheduled = required / (1 - shrinkage),
so 30 % shrinkage adds 42.9 % to the requirement, not 30 %.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from opsgov.models.common import Code, Definition

Channel = Literal["deferrable", "voice", "chat"]
Share = Annotated[float, Field(ge=0, le=1)]
Shrinkage = Annotated[float, Field(ge=0, lt=1)]
Occupancy = Annotated[float, Field(gt=0, le=1)]

CONCURRENCY_FACTORS: dict[int, float] = {1: 1.0, 2: 1.7, 3: 2.5, 4: 2.9, 5: 3.5}
"""Chats one agent handles at once -> how many times faster the work goes (effective AHT =
AHT / factor), the common planning convention."""


class ServiceTarget(Definition):
    """A service-level target: `share` of contacts answered within `seconds`."""

    share: float = Field(gt=0, lt=1, description="Share answered in time, such as 0.8.")
    seconds: float = Field(ge=0, description="Answer-time target in seconds, such as 20.")


class IntervalProfile(Definition):
    """When a real-time queue's contacts arrive: the intervals it is open and their shares."""

    minutes: Literal[15, 30, 60] = Field(default=30, description="Interval length in minutes.")
    open_hours: float = Field(default=24, gt=0, le=24, description="Hours a day the queue is open.")
    opens: str = Field(
        default="00:00",
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="Local time the first interval starts, HH:MM.",
    )
    days_per_week: int = Field(default=7, ge=1, le=7, description="Days a week it is open.")
    shares: list[Share] | None = Field(
        default=None,
        description="Share of a day's contacts arriving in each open interval, in order (one "
        "per interval: open_hours x 60 / minutes of them, summing to 1). Default: even.",
    )

    @property
    def intervals(self) -> int:
        """Open intervals a day."""
        return round(self.open_hours * 60 / self.minutes)

    def day_shares(self) -> list[float]:
        """Share of a day's contacts in each open interval."""
        if self.shares is not None:
            return list(self.shares)
        return [1.0 / self.intervals] * self.intervals


class QueueCapacity(Definition):
    """How one queue is staffed: its channel and the targets it is planned to."""

    channel: Channel = Field(
        default="deferrable",
        description="deferrable (moderation, email, back office: workload / occupancy), voice "
        "or chat (real-time: Erlang C, or Erlang A when `patience_seconds` is set).",
    )
    service_level: ServiceTarget | None = Field(
        default=None, description="Real-time channels: the service-level target per interval."
    )
    patience_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Mean time a contact waits before abandoning; set it to plan with Erlang A.",
    )
    max_abandon: float | None = Field(
        default=None, gt=0, le=1, description="Real-time: highest share of contacts abandoning."
    )
    concurrency: int = Field(
        default=1, ge=1, le=5, description="Chat: conversations one agent handles at once."
    )
    aht_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Handle time per contact; default: handle time / items handled over the "
        "last three months in the history.",
    )
    shrinkage: Shrinkage | None = Field(default=None, description="Overrides the default.")
    occupancy_target: Occupancy | None = Field(
        default=None, description="Deferrable work: overrides the default."
    )
    profile: IntervalProfile | None = Field(
        default=None, description="Real-time: overrides the default interval profile."
    )


class SiteCapacity(Definition):
    """Assumptions that differ for one site."""

    shrinkage: Shrinkage | None = Field(default=None, description="Overrides the default.")
    hours_per_fte: float | None = Field(default=None, gt=0, description="Overrides the default.")
    occupancy_target: Occupancy | None = Field(default=None, description="Overrides the default.")
    language_mix: dict[Code, dict[str, Share]] = Field(
        default_factory=dict,
        description="Per queue: the share of its volume in each language (summing to 1). A "
        "queue without one is split evenly over the site's registered languages.",
    )


class CapacitySettings(Definition):
    """Capacity planning assumptions (`capacity:` in `opsgov.yaml`)."""

    horizon_months: int = Field(default=6, ge=1, le=24, description="Months to forecast.")
    confidence: float = Field(
        default=0.8, gt=0.5, lt=1, description="Coverage of the prediction intervals."
    )
    hours_per_fte: float = Field(
        default=160, gt=0, description="Paid hours per FTE per month, before shrinkage."
    )
    shrinkage: Shrinkage = Field(
        default=0.3,
        description="Share of paid time not available for work (leave, training, meetings, "
        "breaks); requirements are divided by (1 - shrinkage).",
    )
    occupancy_target: Occupancy = Field(
        default=0.85, description="Deferrable work: planned share of available time handling."
    )
    max_occupancy: Occupancy = Field(
        default=0.9, description="Real-time channels: the highest occupancy planned for."
    )
    volume_measure: Code = Field(default="items_received", description="Volume measure.")
    handle_measure: Code = Field(
        default="handle_seconds", description="Total handle time measure (seconds)."
    )
    handled_measure: Code = Field(default="items_handled", description="Items handled measure.")
    headcount_measure: Code = Field(default="hc_end", description="Headcount (from HR files).")
    leavers_measure: Code | None = Field(
        default="leavers",
        description="Leavers measure; with `hc_avg` it gives the monthly attrition applied to "
        "headcount ahead. null: no attrition.",
    )
    hiring_lead_days: int = Field(
        default=34, ge=0, description="Days from opening a requisition to a start date."
    )
    training_days: int = Field(
        default=40, ge=0, description="Days of training and nesting before a hire is productive."
    )
    gap_tolerance: Share = Field(
        default=0.05,
        description="Shortfall (share of the requirement) accepted before the surge playbook "
        "is triggered.",
    )
    surge_playbook: Code = Field(
        default="surge_crisis_response", description="Playbook a staffing gap triggers."
    )
    profile: IntervalProfile = Field(
        default_factory=IntervalProfile, description="Real-time channels' interval profile."
    )
    queues: dict[Code, QueueCapacity] = Field(
        default_factory=dict,
        description="Per queue id; a queue not listed is deferrable work at the defaults.",
    )
    sites: dict[Code, SiteCapacity] = Field(
        default_factory=dict, description="Per site id: assumptions that differ."
    )

    def queue(self, queue: str) -> QueueCapacity:
        """The queue's settings (defaults for a queue not listed)."""
        return self.queues.get(queue) or QueueCapacity()

    def site(self, site: str) -> SiteCapacity:
        """The site's settings (defaults for a site not listed)."""
        return self.sites.get(site) or SiteCapacity()

    def shrinkage_for(self, site: str, queue: str) -> float:
        """Queue setting, else site, else default."""
        q, s = self.queue(queue).shrinkage, self.site(site).shrinkage
        return q if q is not None else s if s is not None else self.shrinkage

    def occupancy_for(self, site: str, queue: str) -> float:
        """Queue setting, else site, else default (deferrable work)."""
        q, s = self.queue(queue).occupancy_target, self.site(site).occupancy_target
        return q if q is not None else s if s is not None else self.occupancy_target

    def hours_for(self, site: str) -> float:
        """Paid hours per FTE per month at a site."""
        h = self.site(site).hours_per_fte
        return h if h is not None else self.hours_per_fte

    def profile_for(self, queue: str) -> IntervalProfile:
        """The queue's interval profile."""
        return self.queue(queue).profile or self.profile
