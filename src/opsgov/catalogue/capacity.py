"""D18x: the capacity settings in `opsgov.yaml`; Q8xx: findings of a capacity plan."""

from __future__ import annotations

from opsgov.issues import CodeSpec, Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def _c(code: str, title: str, severity: Severity, description: str) -> CodeSpec:
    return CodeSpec(code=code, title=title, severity=severity, description=description)


CAPACITY_CODES: tuple[CodeSpec, ...] = (
    # Linting the capacity settings
    _c(
        "D180",
        "capacity setting for an unknown site or queue",
        E,
        "The `capacity:` section names a site the registry does not have, or a queue no "
        "registered site works, so the setting could never apply. Fix the id (the hint suggests "
        "the closest) or register it.",
    ),
    _c(
        "D181",
        "real-time queue without a service-level target",
        E,
        "A voice or chat queue is planned with Erlang C or A, which needs a target: add "
        "`service_level: {share: 0.8, seconds: 20}` (80 % answered within 20 s), or make the "
        "queue `deferrable`.",
    ),
    _c(
        "D182",
        "setting that does not apply to the channel",
        W,
        "A deferrable queue sets `service_level`, `patience_seconds`, `max_abandon` or "
        "`profile`, or a queue that is not chat sets `concurrency`; the planner ignores them. "
        "Remove them or change the channel.",
    ),
    _c(
        "D183",
        "interval shares wrong",
        E,
        "An interval profile's `shares` must have one value per open interval (open_hours x 60 "
        "/ minutes) and sum to 1, so every contact of the day is placed exactly once.",
    ),
    _c(
        "D184",
        "language mix wrong",
        E,
        "A site's `language_mix` for a queue must sum to 1 and name languages the site serves "
        "(its `languages` in the registry), on a queue it works.",
    ),
    _c(
        "D185",
        "capacity measure or playbook unknown",
        E,
        "A `*_measure` setting names a measure the framework does not have, or "
        "`surge_playbook` a playbook neither the workspace nor the built-in library has.",
    ),
    _c(
        "D186",
        "implausible capacity assumption",
        W,
        "Paid hours per FTE above 744 a month (more than every hour of a 31-day month), "
        "shrinkage above 60 %, or an occupancy target above the real-time cap. Check the unit.",
    ),
    # Findings of a capacity plan
    _c(
        "Q800",
        "staffing gap",
        W,
        "Headcount (from the HR files, less expected attrition) falls short of the required "
        "FTE by more than `gap_tolerance` in a forecast month. The plan gives the hires needed "
        "and the date by which hiring and training must start, and names the surge playbook.",
    ),
    _c(
        "Q801",
        "hiring start date has passed",
        W,
        "A gap opens sooner than hiring and training lead times allow: the date by which "
        "hiring had to start is before the plan's date. Only surge measures (overtime, "
        "cross-skilled staff, vendor burst capacity) can close it in time.",
    ),
    _c(
        "Q802",
        "no handle time",
        E,
        "A queue has volume but no handle time (no handle-time measures in the history and no "
        "`aht_seconds` in its capacity settings), so its requirement cannot be computed. It is "
        "left out of every total; set `aht_seconds` or report handle time.",
    ),
    _c(
        "Q803",
        "short history",
        INFO,
        "A series has fewer than 13 months, too few for a seasonal model: it is forecast by "
        "damped-trend exponential smoothing (or the mean of fewer than four months), without "
        "seasonality. Its intervals are wider for it.",
    ),
    _c(
        "Q804",
        "poor backtest",
        W,
        "The forecast missed the held-out months by more than 20 % (sMAPE). Read the series "
        "before planning on it: a change of scope, a migration or a reporting error shows up "
        "this way.",
    ),
    _c(
        "Q805",
        "no headcount reported",
        W,
        "A site has a requirement but no headcount in the history (no HR file reported it), so "
        "its gap cannot be computed.",
    ),
    _c(
        "Q806",
        "single point of failure",
        W,
        "A queue, or a language of a queue, is served by one site only (or by one vendor "
        "only): losing it stops the work. Cross-skill another site or add a second vendor.",
    ),
    _c(
        "Q807",
        "site loss not absorbed",
        W,
        "If a site went dark, the sites that share its queues and languages could not absorb "
        "its volume within their headroom: the rest becomes backlog (deferrable work) or "
        "abandoned contacts (real-time). The resilience matrix shows the service level and "
        "backlog growth afterwards.",
    ),
    _c(
        "Q808",
        "language split assumed",
        INFO,
        "A site serving several languages has no `language_mix` for a queue: its volume is "
        "split evenly over its languages for the language view and the site-loss scenarios. "
        "Declare the mix to make them exact.",
    ),
    _c(
        "Q809",
        "no volume history",
        INFO,
        "A queue the registry lists for a site has no volume in the history, so nothing is "
        "forecast or required for it.",
    ),
)
