"""Check a KPI test's capacity expectations: one month's requirement of a site's queue.

The requirement is `opsgov capacity`'s own (`capacity.plan.requirement`): workload over the
occupancy target for deferrable work, Erlang C or A interval by interval for real-time
channels, then shrinkage divided out. It is the same on every engine (it depends on volumes
and handle times only), so each check is one case, reported under the engine `capacity`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from opsgov.capacity.fte import Requirement, scheduled
from opsgov.capacity.inputs import CapacityInputs
from opsgov.capacity.plan import Stream, aht_of, language_shares, requirement
from opsgov.compute.groups import Groups
from opsgov.compute.rollup import site_measures
from opsgov.harmonise.table import Block
from opsgov.kpitest.check import CaseResult, Collector, gap, shown, within
from opsgov.models.capacity import CapacitySettings
from opsgov.models.kpitest import Expectation
from opsgov.models.kpitest_expect import CAPACITY_FTE, REALTIME_ONLY, CapacityExpectation
from opsgov.pipeline import Definitions
from opsgov.yamlio import YamlDocument

ENGINE = "capacity"
"""The engine name capacity cases are reported under: they are engine-independent."""


def capacity_inputs(defs: Definitions, by_month: Mapping[str, Sequence[Block]]) -> CapacityInputs:
    """The given rows' site and site-queue measures by month, as the history would hold them."""
    inputs = CapacityInputs(sorted(p for p, blocks in by_month.items() if blocks))
    for period in inputs.periods:
        groups = Groups.of(list(by_month[period]))
        for (site, queue), measures in site_measures(groups, defs.framework, by_queue=True).items():
            inputs.measures.setdefault((site, queue or ""), {})[period] = dict(measures)
    return inputs


def settings_of(defs: Definitions, own: CapacitySettings | None) -> CapacitySettings:
    """The test's capacity settings, else the workspace's (else the defaults)."""
    return own or defs.settings.capacity or CapacitySettings()


def _work_out(
    c: CapacityExpectation,
    period: str,
    defs: Definitions,
    settings: CapacitySettings,
    inputs: CapacityInputs,
) -> tuple[Requirement | None, str]:
    """The requirement, or None and why it cannot be worked out."""
    site = defs.registry.site(c.site)
    assert site is not None  # checked before the run
    key = (c.site, c.queue) if (c.site, c.queue) in inputs.measures else (c.site, "")
    volume = c.volume
    if volume is None:
        volume = inputs.value(key, period, settings.volume_measure)
        if volume is None:
            return None, (
                f"no {settings.volume_measure} in the given rows of {c.site} queue {c.queue} "
                f"in {period}; give `volume`"
            )
    aht = c.aht_seconds
    if aht is None:
        up_to = [p for p in inputs.periods if p <= period]
        aht, why = aht_of(inputs, Stream(site, c.queue, key), settings, up_to)
        if aht is None:
            return None, f"{why} for {c.site} queue {c.queue}; give `aht_seconds`"
    if c.language is not None:
        shares = dict(language_shares(site, c.queue, settings)[0])
        if c.language not in shares:
            return None, f"{c.site} does not plan {c.queue} in language {c.language}"
        volume *= shares[c.language]
    return requirement(period, volume, aht, c.site, c.queue, settings), ""


def _figure(r: Requirement, name: str) -> float | int | None:
    if name == "scheduled":
        return scheduled(r.fte)
    if name == "agents":
        return r.peak.agents if r.peak else None
    if name == "occupancy":
        return r.occupancy
    if name in REALTIME_ONLY:
        return r.day_average(name)
    value: float = getattr(r, name)
    return value


def check_capacity(
    test: str,
    index: int,
    e: Expectation,
    doc: YamlDocument,
    defs: Definitions,
    settings: CapacitySettings,
    inputs: CapacityInputs,
    period: str,
) -> list[CaseResult]:
    """Every figure of one capacity expectation (one case each)."""
    c = e.capacity
    assert c is not None
    out: list[CaseResult] = []
    r, why = _work_out(c, period, defs, settings, inputs)
    where = f"{c.site} {c.queue}{' ' + c.language if c.language else ''} in {period}"
    for check in c.checks():
        line = doc.locate(("expect", index, "capacity", check)).line or 0
        name = f"expect[{index}] {check.replace('_', ' ')} of {where}"
        case = Collector(out, test, name, ENGINE, doc.file, line)
        expected = getattr(c, check)
        if r is None:
            case(False, shown(expected), "none", "T917", why)
            continue
        actual = _figure(r, check)
        if actual is None:
            case(False, shown(expected), "none", "T917",
                 f"{check} is a real-time figure; {c.queue} is deferrable work")  # fmt: skip
        elif check in ("scheduled", "agents"):
            code = "T915" if check in CAPACITY_FTE else "T916"
            case(actual == expected, str(expected), str(actual), code)
        else:
            code = "T915" if check in CAPACITY_FTE else "T916"
            ok = within(float(actual), expected, c.tolerance)
            case(ok, shown(expected), shown(float(actual)), code,
                 gap(float(actual), expected, c.tolerance))  # fmt: skip
    return out
