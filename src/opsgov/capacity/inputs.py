"""What a capacity plan reads: the monthly measures of every site and site queue.

`load_inputs` is the one place the plan touches the history store; everything after it is
pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from opsgov.history.store import HistoryStore
from opsgov.models.capacity import CapacitySettings

SeriesKey = tuple[str, str]
"""(site, queue); queue '' is the whole site."""


@dataclass
class CapacityInputs:
    """Measures by (site, queue) -> period -> measure, for the stored periods."""

    periods: list[str]
    measures: dict[SeriesKey, dict[str, dict[str, float | None]]] = field(default_factory=dict)

    def value(self, key: SeriesKey, period: str, measure: str | None) -> float | None:
        """One measure of one scope in one month (None when absent)."""
        if measure is None:
            return None
        return self.measures.get(key, {}).get(period, {}).get(measure)

    def queues(self, site: str) -> list[str]:
        """The queues a site has measures for (not the whole-site '')."""
        return sorted(q for s, q in self.measures if s == site and q)


def wanted_measures(settings: CapacitySettings) -> list[str]:
    """The measures a plan reads."""
    names: Iterable[str | None] = (
        settings.volume_measure,
        settings.handle_measure,
        settings.handled_measure,
        settings.headcount_measure,
        settings.leavers_measure,
        "hc_avg",
    )
    return sorted({n for n in names if n})


def load_inputs(
    store: HistoryStore, settings: CapacitySettings, until: str | None = None
) -> CapacityInputs:
    """Every site and site-queue measure the plan needs, from the history store.

    Args:
        store: The history store.
        settings: The capacity settings (they name the measures).
        until: The last month to read, YYYY-MM (default: every stored month), so a plan can
            be made as it would have been at the end of that month.
    """
    conn = store.conn
    last = until or "9999-12"
    periods = [
        p
        for (p,) in conn.execute(
            "SELECT period FROM runs WHERE period <= ? ORDER BY period", (last,)
        )
    ]
    measures = wanted_measures(settings)
    marks = ", ".join("?" for _ in measures)
    inputs = CapacityInputs(periods)
    for period, site, queue, measure, value in conn.execute(
        "SELECT r.period, s.scope, s.queue, m.measure, m.value FROM measures m "
        "JOIN scopes s ON s.id = m.scope_id JOIN runs r ON r.id = s.run_id "
        f"WHERE s.level = 'site' AND m.measure IN ({marks}) AND r.period <= ? ORDER BY r.period",
        (*measures, last),
    ):
        by_period = inputs.measures.setdefault((site, queue), {})
        by_period.setdefault(period, {})[measure] = value
    return inputs
