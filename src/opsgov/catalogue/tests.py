"""KPI tests: D187-D199 check a `kind: kpi_test` file; T9xx are the results of running it."""

from __future__ import annotations

from opsgov.issues import CodeSpec, Severity

E, W = Severity.ERROR, Severity.WARNING


def _c(code: str, title: str, severity: Severity, description: str) -> CodeSpec:
    return CodeSpec(code=code, title=title, severity=severity, description=description)


TEST_CODES: tuple[CodeSpec, ...] = (
    _c("D187", "KPI test unreadable", E,
       "A file in the workspace's tests/ folder is not a valid `kind: kpi_test` definition (bad "
       "YAML, an unknown key, a wrong type). Its tests cannot run."),
    _c("D188", "unknown KPI in a test", E,
       "An expectation names a KPI the workspace's framework does not define."),
    _c("D189", "unknown site in a test", E,
       "The given rows name a site that is not in the registry, or an expectation names a site, "
       "vendor or region that the registry does not have."),
    _c("D190", "unknown measure in given rows", E,
       "An inline row names something that is neither `date`, `queue` nor a numeric measure of "
       "the framework, or gives a value that is not a number."),
    _c("D191", "given file unreadable", E,
       "A given file does not exist, or names an intake profile the workspace does not have."),
    _c("D192", "expectation checks nothing", E,
       "An expectation gives none of value, status, score, rank, rows, findings, credits or "
       "capacity; or a value, status, score or rows without the KPI it is about; or a check in "
       "the wrong place: a service level's figure without `sl`, a month's figure with it, "
       "credits or capacity beside a KPI's checks."),
    _c("D193", "no KPI tests", W,
       "`opsgov test` found no `kind: kpi_test` file in the tests folder."),
    _c("T900", "KPI value differs", E,
       "The KPI's value is not the expected one within the tolerance (or has a value where none "
       "was expected, or none where one was)."),
    _c("T901", "status differs", E, "The KPI's RAG status is not the expected one."),
    _c("T902", "score differs", E, "The KPI's 0-100 score is not the expected one."),
    _c("T903", "rank differs", E, "The scope's rank among its level is not the expected one."),
    _c("T904", "rows differ", E,
       "The scopes of the level that have a value for the KPI, compared in any order, are not "
       "the expected ones, or a value differs."),
    _c("T905", "findings differ", E,
       "An expected finding (code at cell) was not produced, or findings were produced where "
       "none were expected."),
    _c("T906", "no such scope", E,
       "The scorecard of the given rows has no such scope (no data for that site, vendor, "
       "region or queue)."),
    _c("T907", "engine failed", E,
       "The engine could not compute the test's scorecard; the message is the engine's."),
    _c("D196", "unknown contract in a test", E,
       "A credits expectation names a contract (or a vendor) that neither the test's own "
       "`contracts` nor the workspace's contracts folder has, or names neither."),
    _c("D197", "unknown service level in a test", E,
       "A credits expectation names a service level that the contract's version in force in "
       "that month does not have, or a month the contract is not in force in."),
    _c("D198", "tolerance that cannot apply", W,
       "A tolerance on an expectation whose checks are not numbers (a status, a rank, a count "
       "of people, yes or no), or a relative tolerance on an expected 0 (only an exact 0 is "
       "within it): give an absolute tolerance, or none."),
    _c("D199", "capacity expectation cannot be worked out", E,
       "A capacity expectation names a queue the site does not serve, a language the site "
       "does not plan the queue in, or a real-time figure (agents, service level, ASA, P(wait), "
       "P(abandon)) of a queue planned as deferrable work."),
    _c("T908", "service level value differs", E,
       "The service level's measured value (over its scope and window) is not the expected one "
       "within the tolerance."),
    _c("T909", "service level status differs", E,
       "The service level's status (met_target, met_minimum, missed, excluded, no_data), or "
       "whether it was met, is not the expected one."),
    _c("T910", "credit amount differs", E,
       "An amount of the contract's month (a credit before or after the cap, the charges, the "
       "at-risk amount, the cap, the earn-back booked, the net) is not the expected one within "
       "the tolerance (default: to the cent)."),
    _c("T911", "cap applied differs", E,
       "Whether the cap cut the month's credits is not as expected."),
    _c("T912", "earn-back differs", E,
       "The earn-back of the credit accrued in the month (earned, forfeited or pending, and "
       "the amount returned) is not the expected one."),
    _c("T913", "credit rows differ", E,
       "The service levels with a credit in the month, compared in any order, are not the "
       "expected ones, or a credit differs."),
    _c("T914", "no such credit month", E,
       "The contract's ledger has no such month (not in force, or no rows given for it) or its "
       "version has no such service level."),
    _c("T915", "capacity requirement differs", E,
       "The month's requirement (FTE, productive FTE, workload or staffed hours, people "
       "scheduled) is not the expected one within the tolerance."),
    _c("T916", "queue figure differs", E,
       "What the staffing achieves (agents of the busiest interval, service level, ASA, "
       "occupancy, P(wait), P(abandon)) is not the expected one within the tolerance."),
    _c("T917", "capacity not worked out", E,
       "The requirement cannot be worked out: no volume or handle time in the given rows (give "
       "`volume` or `aht_seconds`), or a figure the queue's channel does not have."),
    _c("T918", "repeat failure differs", E,
       "The service level's miss number within the repeat window, or its multiplier, is not "
       "the expected one."),
)  # fmt: skip
