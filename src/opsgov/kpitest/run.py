"""Run a workspace's KPI tests on every engine asked for; collect one result per check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from opsgov.definitions import load_definition
from opsgov.fx import FxTable
from opsgov.harmonise.table import Block
from opsgov.issues import Issue, Severity, make_issue
from opsgov.kpitest.capacity import capacity_inputs, check_capacity, settings_of
from opsgov.kpitest.check import CaseResult, check_expectation, check_findings
from opsgov.kpitest.credits import check_credits
from opsgov.kpitest.engines import rates_for, scorecard_on
from opsgov.kpitest.given import given_blocks
from opsgov.kpitest.ledgers import ledgers_on
from opsgov.lint.kpitest_expect import check_expectations, contract_for, contracts_of, errors
from opsgov.models.kpitest import TESTS_FOLDER, KpiTest
from opsgov.pipeline import Definitions
from opsgov.yamlio import YamlDocument


@dataclass
class KpiTestRun:
    """What running the tests gave."""

    files: list[str] = field(default_factory=list)
    engines: list[str] = field(default_factory=list)
    cases: list[CaseResult] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)
    """Warnings about the run itself (no test found)."""

    @property
    def failed(self) -> list[CaseResult]:
        """The cases that failed."""
        return [c for c in self.cases if not c.passed]


def kpi_test_files(root: Path, paths: Sequence[Path] = ()) -> list[Path]:
    """The files named (folders searched), or every YAML file of the workspace's tests/."""
    found: list[Path] = []
    for path in paths or [root / TESTS_FOLDER]:
        if path.is_dir():
            found += sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")])
        else:
            found.append(path)
    return found


def _problem(test: str, issue: Issue) -> CaseResult:
    loc = issue.location
    return CaseResult(
        test=test,
        name=f"{issue.code} {issue.title}",
        engine="definitions",
        file=loc.file if loc else "",
        line=(loc.line or 0) if loc else 0,
        passed=False,
        expected="a runnable test",
        actual=issue.message,
        code=issue.code,
    )


def _semantic(test: KpiTest, doc: YamlDocument, defs: Definitions) -> list[Issue]:
    """Expectations that name unknown KPIs or scopes, or check nothing."""
    kpis = {k.id for k in defs.framework.kpis}
    reg = defs.registry
    known = {
        "site": {s.id for s in reg.sites},
        "vendor": {v.id for v in reg.vendors},
        "region": {r.id for r in reg.regions},
        "global": {"global"},
    }
    out: list[Issue] = []
    for i, e in enumerate(test.expect):
        checks = e.checks()
        if e.kpi is not None and e.kpi not in kpis:
            out.append(
                make_issue(
                    "D188",
                    f"the framework has no KPI `{e.kpi}`",
                    location=doc.locate(("expect", i, "kpi")),
                )
            )
        whole_level = e.id is None and checks == ["rows"]
        alone = e.credits is not None or e.capacity is not None
        if not whole_level and not alone and e.scope_id not in known[e.level]:
            out.append(
                make_issue(
                    "D189",
                    f"the registry has no {e.level} `{e.scope_id}`",
                    location=doc.locate(("expect", i, "id")),
                )
            )
        if e.credits is not None or e.capacity is not None:
            continue  # checked by check_expectations
        if not checks or (e.kpi is None and set(checks) & {"value", "status", "score", "rows"}):
            what = "nothing to check" if not checks else "a value, status, score or rows needs kpi"
            out.append(make_issue("D192", f"the expectation has {what}" if not checks else what,
                                  location=doc.locate(("expect", i))))  # fmt: skip
    settings = settings_of(defs, test.capacity)
    out += errors(check_expectations(doc, test, defs.contracts, reg, settings, kpis))
    return out


def run_file(path: Path, defs: Definitions, engines: Sequence[str], run: KpiTestRun) -> None:
    """Run one test file on each engine, adding its cases to `run`."""
    display = defs.name(path)
    run.files.append(display)
    loaded = load_definition(path, display, expect="kpi_test")
    test, doc = loaded.definition, loaded.doc
    errors = [i for i in loaded.issues if i.severity == Severity.ERROR]
    if errors or not isinstance(test, KpiTest) or doc is None:
        name = path.stem
        run.cases += [_problem(name, i) for i in errors] or [
            _problem(name, make_issue("D187", "not a kpi_test", location=None))
        ]
        return
    problems = _semantic(test, doc, defs)
    by_month, given_problems, findings = given_blocks(test, doc, defs, path.parent)
    problems += given_problems
    if problems:
        run.cases += [_problem(test.id, i) for i in problems]
        return
    for i, e in enumerate(test.expect):
        if "findings" in e.checks():
            run.cases.append(check_findings(test.id, i, e, doc, findings))
    if any(e.capacity for e in test.expect):
        settings = settings_of(defs, test.capacity)
        inputs = capacity_inputs(defs, by_month)
        for i, e in enumerate(test.expect):
            if e.capacity is not None:
                period = e.capacity.period or test.period
                run.cases += check_capacity(test.id, i, e, doc, defs, settings, inputs, period)
    if not any(set(e.checks()) - {"findings", "capacity"} for e in test.expect):
        return
    fx = rates_for(defs, test.periods(), test.fx)
    for engine in engines:
        try:
            _on_engine(test, doc, defs, engine, by_month, fx, run)
        except Exception as exc:  # an engine's own failure becomes the test's result
            message = str(getattr(exc, "message", exc)).splitlines()[0]
            run.cases.append(CaseResult(test.id, "scorecard", engine, doc.file, 1, False,
                                        "a scorecard", "an error", "T907", message))  # fmt: skip


def _on_engine(
    test: KpiTest,
    doc: YamlDocument,
    defs: Definitions,
    engine: str,
    by_month: dict[str, list[Block]],
    fx: FxTable,
    run: KpiTestRun,
) -> None:
    """The KPI and credits checks of one test on one engine."""
    kpi_checks = {"value", "status", "score", "rank", "rows"}
    if any(set(e.checks()) & kpi_checks for e in test.expect if e.credits is None):
        card = scorecard_on(engine, defs, by_month.get(test.period, []), test.period, fx)
        for i, e in enumerate(test.expect):
            if e.credits is None and e.capacity is None:
                run.cases += check_expectation(test.id, i, e, doc, card, engine)
    wanted = [e.credits for e in test.expect if e.credits is not None]
    if not wanted:
        return
    seen = contracts_of(test, defs.contracts)
    contracts = list({c.id: c for w in wanted if (c := contract_for(w, seen))}.values())
    ledgers = ledgers_on(engine, defs, contracts, by_month, fx)
    for i, e in enumerate(test.expect):
        if e.credits is not None:
            contract = contract_for(e.credits, seen)
            assert contract is not None  # checked before the run
            period = e.credits.period or test.period
            run.cases += check_credits(test.id, i, e, doc, contract, ledgers[contract.id],
                                       period, engine)  # fmt: skip


def run_tests(defs: Definitions, engines: Sequence[str], paths: Sequence[Path] = ()) -> KpiTestRun:
    """Every test file (of the workspace's tests/ folder, or those named) on each engine."""
    run = KpiTestRun(engines=list(engines))
    files = kpi_test_files(defs.root, paths)
    if not files:
        run.notes.append(
            make_issue(
                "D193",
                f"no kind: kpi_test files in {defs.name(defs.root / TESTS_FOLDER)}",
                hint="`opsgov init` writes examples; see docs/kpi-tests.md.",
            )
        )
    for path in files:
        run_file(path, defs, engines, run)
    return run
