"""KPI tests: D187-D193 check a `kind: kpi_test` file; T9xx are the results of running it."""

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
       "An expectation gives none of value, status, score, rank, rows or findings; or a value, "
       "status, score or rows without the KPI it is about."),
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
)  # fmt: skip
