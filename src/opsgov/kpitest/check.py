"""Check a KPI test's expectations against a scorecard: one case per check, pass or fail."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from opsgov.issues import Issue
from opsgov.models.kpitest import Expectation
from opsgov.models.kpitest_expect import Tolerance
from opsgov.models.results import ScopeResult, Scorecard
from opsgov.yamlio import YamlDocument

DEFAULT = Tolerance(relative=1e-9, absolute=1e-12)
"""Without a tolerance: equal to 1e-9 relative (floating-point sums differ in the last bits)."""


@dataclass(frozen=True)
class CaseResult:
    """One test case: one check of one expectation on one engine."""

    test: str
    name: str
    engine: str
    file: str
    line: int
    passed: bool
    expected: str
    actual: str
    code: str | None = None
    message: str = ""

    @property
    def where(self) -> str:
        """`file:line`."""
        return f"{self.file}:{self.line}"


def within(actual: float | None, expected: float | None, tolerance: Tolerance | None) -> bool:
    """Whether `actual` is `expected` within the tolerance (None only matches None)."""
    if actual is None or expected is None:
        return actual is None and expected is None
    t = tolerance or DEFAULT
    gap = abs(actual - expected)
    if t.absolute is not None and gap <= t.absolute:
        return True
    return t.relative is not None and gap <= t.relative * abs(expected)


def shown(value: float | str | None) -> str:
    """A value as the report shows it (`no value` for None)."""
    if value is None:
        return "no value"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    return str(value)


def _label(e: Expectation) -> str:
    where = "global" if e.level == "global" else f"{e.level} {e.scope_id}"
    queue = f" queue {e.queue}" if e.queue else ""
    return f"{e.kpi + ' ' if e.kpi else ''}at {where}{queue}"


def check_expectation(
    test: str,
    index: int,
    e: Expectation,
    doc: YamlDocument,
    card: Scorecard,
    engine: str,
) -> list[CaseResult]:
    """Every check of one expectation (value, status, score, rank, rows) on one scorecard."""
    out: list[CaseResult] = []
    scope = card.scope(e.level, e.scope_id, e.queue)
    result = scope.kpi(e.kpi) if scope is not None and e.kpi else None
    for check in e.checks():
        if check == "findings":
            continue
        case = Collector(
            out, test, f"expect[{index}] {check} of {_label(e)}", engine, doc.file,
            doc.locate(("expect", index, check)).line or 0,
        )  # fmt: skip

        if check == "rows":
            _rows(e, card, case)
            continue
        if scope is None and not (check == "value" and e.value is None):
            case(False, "a scope", "none", "T906", f"the scorecard has no {_label(e)}")
            continue
        if check == "value":
            actual = result.value if result else None
            ok = within(actual, e.value, e.tolerance)
            case(ok, shown(e.value), shown(actual), "T900", gap(actual, e.value, e.tolerance))
        elif check == "status":
            status = result.status if result else None
            case(status == e.status, str(e.status), str(status), "T901")
        elif check == "score":
            points = result.score if result else None
            case(within(points, e.score, e.tolerance), shown(e.score), shown(points), "T902")
        elif check == "rank":
            rank = scope.rank if scope else None
            case(rank == e.rank, str(e.rank), str(rank), "T903")
    return out


@dataclass(frozen=True)
class Collector:
    """Adds the cases of one check: `case(passed, expected, actual, code, message)`."""

    out: list[CaseResult]
    test: str
    name: str
    engine: str
    file: str
    line: int

    def __call__(
        self, passed: bool, expected: str, actual: str, code: str, message: str = ""
    ) -> None:
        """Add one case (the code and message are kept only when it failed)."""
        self.out.append(
            CaseResult(
                self.test,
                self.name,
                self.engine,
                self.file,
                self.line,
                passed,
                expected,
                actual,
                None if passed else code,
                "" if passed else message,
            )
        )


def gap(actual: float | None, expected: float | None, tolerance: Tolerance | None) -> str:
    """Why a value is not the expected one: how far off, and what the tolerance allows."""
    if actual is None or expected is None:
        return "expected no value" if expected is None else "there is no value"
    t = tolerance or DEFAULT
    allowed = " or ".join(
        text
        for text in (
            f"{t.absolute!r} absolute" if t.absolute is not None else "",
            f"{t.relative!r} relative" if t.relative is not None else "",
        )
        if text
    )
    return f"off by {abs(actual - expected)!r}; allowed {allowed}"


def _rows(e: Expectation, card: Scorecard, case: Collector) -> None:
    """Order-insensitive: the level's scopes with a value for the KPI, against those listed."""
    scopes: list[ScopeResult] = [
        s for s in card.scopes if s.level == e.level and s.queue == e.queue
    ]
    actual = {}
    for s in scopes:
        kpi = s.kpi(e.kpi or "")
        if kpi is not None and kpi.value is not None:
            actual[s.id] = kpi.value
    expected = {r.id: r.value for r in e.rows or []}
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    wrong = sorted(
        k for k in set(expected) & set(actual) if not within(actual[k], expected[k], e.tolerance)
    )
    problems = [f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(extra)}" if extra else "",
                f"different values for {', '.join(wrong)}" if wrong else ""]  # fmt: skip
    text = "; ".join(p for p in problems if p)

    def table(values: dict[str, float | None]) -> str:
        return ", ".join(f"{k}={shown(v)}" for k, v in sorted(values.items())) or "no rows"

    case(not text, table(expected), table(dict(actual)), "T904", text)


def check_findings(
    test: str, index: int, e: Expectation, doc: YamlDocument, findings: Sequence[Issue]
) -> CaseResult:
    """The findings the given rows produced, against those expected (codes at cells)."""
    line = doc.locate(("expect", index, "findings")).line or 0
    produced = [(i.code, i.location.a1 if i.location else None) for i in findings]
    wanted = e.findings or []
    missing = []
    for f in wanted:
        hit = any(
            code == f.code and (f.cell is None or (a1 or "").endswith(f.cell))
            for code, a1 in produced
        )
        if not hit:
            missing.append(f"{f.code}{' at ' + f.cell if f.cell else ''}")
    actual = ", ".join(f"{c}{' at ' + a if a else ''}" for c, a in produced) or "none"
    expected = ", ".join(f"{f.code}{' at ' + f.cell if f.cell else ''}" for f in wanted) or "none"
    passed = not missing and (bool(wanted) or not produced)
    message = f"not produced: {', '.join(missing)}" if missing else "findings where none expected"
    return CaseResult(
        test, f"expect[{index}] findings", "intake", doc.file, line, passed, expected, actual,
        None if passed else "T905", "" if passed else message,
    )  # fmt: skip
