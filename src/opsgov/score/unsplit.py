"""What the per-queue views could not split by queue, so that every queue view adds up.

A site whose files carry no queue column has whole-site figures only. Left out of the
per-queue scopes, it would vanish from every queue view, and the queues would not add up to
the operation. It appears instead as one `(all queues)` scope: on its own at site level, and
together with the other such sites beside the global queues. Measures that no queue holds
(people, cost, compliance: files keyed by site) are named, so a reader knows what a queue
view leaves out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

ALL_QUEUES = "(all queues)"
"""The queue of a scope of sites whose figures are not split by queue."""


def queueless_sites(
    site_ids: Sequence[str], with_data: Collection[str], site_queues: Collection[tuple[str, str]]
) -> list[str]:
    """Sites with data for the month and no row of any queue, in registry order."""
    split = {site for site, _ in site_queues}
    return [s for s in site_ids if s in with_data and s not in split]


def not_split_measures(
    whole: Mapping[str, float | None], queues: Sequence[Mapping[str, float | None]]
) -> list[str]:
    """Measures with a value for the whole operation and none in any of its queues.

    A KPI that needs one has no value in any queue's view by construction: its status there
    is `not_by_queue`, not `no_data`, and it does not count as missing from a queue's score.
    """
    return [
        measure
        for measure, value in whole.items()
        if value is not None and all(q.get(measure) is None for q in queues)
    ]


def by_queue(queue: str | None) -> bool:
    """Whether a scope is one queue's view (not a whole scope, nor an `(all queues)` one)."""
    return queue is not None and queue != ALL_QUEUES
