"""Checks of a KPI test's credits and capacity expectations, each at its line.

D196: a credits expectation names a contract (or vendor) neither the test nor the workspace
has. D197: it names a service level the contract's version in force that month lacks. D198: a
tolerance that cannot apply (nothing it checks is a number, or a relative tolerance on an
expected 0, which only an exact 0 meets). D199: a capacity expectation that cannot be worked
out from the settings (a queue the site does not serve, a language it does not plan, a
real-time figure of deferrable work). D192: a check in the wrong place (a service level's
figure without `sl`, a month's with it, credits or capacity beside a KPI check).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from opsgov.capacity.plan import language_shares, model_name
from opsgov.issues import Issue, Severity, make_issue
from opsgov.lint.common import did_you_mean
from opsgov.models.capacity import CapacitySettings
from opsgov.models.contract import Contract
from opsgov.models.kpitest import Expectation, KpiTest
from opsgov.models.kpitest_expect import (
    MONEY,
    MONTH_CHECKS,
    REALTIME_ONLY,
    SL_CHECKS,
    CreditsExpectation,
    Tolerance,
)
from opsgov.models.registry import Registry
from opsgov.yamlio import PathKey, YamlDocument

NUMERIC_KPI = frozenset({"value", "score", "rows"})
NUMERIC_CREDITS = MONEY | {"value", "earn_back", "rows"}
NUMERIC_CAPACITY = frozenset({"fte", "productive_fte", "workload_hours", "service_level",
                              "asa", "occupancy", "p_wait", "p_abandon"})  # fmt: skip


def contracts_of(test: KpiTest, workspace: Sequence[Contract] | None) -> list[Contract]:
    """The contracts a test sees: its own, then the workspace's whose ids it does not reuse."""
    own = {c.id for c in test.contracts}
    return [*test.contracts, *(c for c in workspace or () if c.id not in own)]


def contract_for(c: CreditsExpectation, contracts: Sequence[Contract]) -> Contract | None:
    """The contract a credits expectation names (by id, else by vendor)."""
    if c.contract is not None:
        return next((k for k in contracts if k.id == c.contract), None)
    return next((k for k in contracts if k.vendor == c.vendor), None)


def _credits(
    doc: YamlDocument, at: PathKey, c: CreditsExpectation, period: str,
    contracts: Sequence[Contract], known_all: bool,
) -> Iterator[Issue]:  # fmt: skip
    if c.contract is None and c.vendor is None:
        yield make_issue("D196", "a credits expectation names its `contract` or `vendor`",
                         location=doc.locate(at))  # fmt: skip
        return
    contract = contract_for(c, contracts)
    if contract is None and not known_all:
        return  # the workspace's contracts were not loaded
    if contract is None:
        key, name = ("contract", c.contract) if c.contract else ("vendor", c.vendor)
        known = [k.id if key == "contract" else k.vendor for k in contracts]
        what = f"`{name}`" if key == "contract" else f"with vendor {name}"
        yield make_issue(
            "D196",
            f"no contract {what} in the test or the workspace",
            location=doc.locate((*at, key)),
            field=key,
            hint=did_you_mean(str(name), known) or f"Known: {', '.join(sorted(known)) or 'none'}.",
        )
        return
    version = contract.version_for(period)
    if c.sl is not None and version is not None and version.service_level(c.sl) is None:
        known = [s.id for s in version.service_levels]
        yield make_issue(
            "D197",
            f"version {version.version} of {contract.id} (in force in {period}) has no service "
            f"level `{c.sl}`",
            location=doc.locate((*at, "sl")),
            field="sl",
            hint=did_you_mean(c.sl, known) or f"Its service levels: {', '.join(known)}.",
        )
    if c.sl is not None and version is None:
        yield make_issue("D197", f"{contract.id} is not in force in {period}",
                         location=doc.locate((*at, "period" if c.period else "sl")))  # fmt: skip
    checks = c.checks()
    for check in checks:
        misplaced = check not in SL_CHECKS if c.sl is not None else check not in MONTH_CHECKS
        if misplaced:
            what = ("is the month's figure: leave out `sl`" if c.sl is not None
                    else "is a service level's figure: name its `sl`")  # fmt: skip
            yield make_issue("D192", f"`{check}` {what}", location=doc.locate((*at, check)),
                             field=check)  # fmt: skip
    if not checks:
        yield make_issue("D192", "the credits expectation has nothing to check",
                         location=doc.locate(at))  # fmt: skip


def _capacity(
    doc: YamlDocument, at: PathKey, e: Expectation, registry: Registry,
    settings: CapacitySettings,
) -> Iterator[Issue]:  # fmt: skip
    c = e.capacity
    assert c is not None
    site = registry.site(c.site)
    if site is None:
        yield make_issue("D189", f"the registry has no site `{c.site}`",
                         location=doc.locate((*at, "site")),
                         hint=did_you_mean(c.site, [s.id for s in registry.sites]))  # fmt: skip
        return
    if c.queue not in site.queues:
        yield make_issue("D199", f"{site.id} serves no queue `{c.queue}`",
                         location=doc.locate((*at, "queue")),
                         hint=did_you_mean(c.queue, site.queues)
                         or f"Its queues: {', '.join(site.queues)}.")  # fmt: skip
    if c.language is not None:
        shares = dict(language_shares(site, c.queue, settings)[0])
        if c.language not in shares:
            yield make_issue(
                "D199", f"{site.id} plans {c.queue} in {', '.join(shares) or 'no language'}, "
                f"not `{c.language}`", location=doc.locate((*at, "language")))  # fmt: skip
    if model_name(settings, c.queue) == "workload":
        for check in c.checks():
            if check in REALTIME_ONLY:
                yield make_issue(
                    "D199",
                    f"`{check}` is a real-time figure; {c.queue} is planned as deferrable "
                    "work (no channel voice or chat with a service level)",
                    location=doc.locate((*at, check)),
                    field=check,
                )
    if not c.checks():
        yield make_issue("D192", "the capacity expectation has nothing to check",
                         location=doc.locate(at))  # fmt: skip


def _tolerance(
    doc: YamlDocument, at: PathKey, tol: Tolerance | None, numeric: list[str],
    expected: list[float],
) -> Iterator[Issue]:  # fmt: skip
    if tol is None:
        return
    where = doc.locate((*at, "tolerance"))
    if not numeric:
        yield make_issue("D198", "a tolerance on checks that are not numbers (statuses, counts, "
                         "yes/no) applies to nothing", location=where)  # fmt: skip
    elif tol.absolute is None and expected and all(v == 0 for v in expected):
        yield make_issue("D198", "a relative tolerance of an expected 0 is 0: only an exact 0 "
                         "passes; give `absolute`", location=where)  # fmt: skip


def _own_contracts(doc: YamlDocument, test: KpiTest, kpis: Collection[str]) -> Iterator[Issue]:
    for i, contract in enumerate(test.contracts):
        for j, version in enumerate(contract.versions):
            for k, sl in enumerate(version.service_levels):
                if sl.kpi not in kpis:
                    path = ("contracts", i, "versions", j, "service_levels", k, "kpi")
                    yield make_issue("D188", f"`{sl.kpi}` is not a KPI of the framework",
                                     location=doc.locate(path), field="kpi",
                                     hint=did_you_mean(sl.kpi, kpis))  # fmt: skip


def _numbers(obj: object, names: list[str]) -> list[float]:
    values = [getattr(obj, n) for n in names]
    return [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


def check_expectations(
    doc: YamlDocument,
    test: KpiTest,
    contracts: Sequence[Contract] | None,
    registry: Registry | None,
    settings: CapacitySettings,
    kpis: Collection[str] | None = None,
) -> Iterator[Issue]:
    """D188, D192, D196-D199 for the credits and capacity expectations and every tolerance.

    `contracts` are the workspace's (None: not known, so a test's references to them are not
    checked). With the framework's `kpis`, the test's own contracts' service levels are checked
    against them (D188).
    """
    if kpis is not None:
        yield from _own_contracts(doc, test, kpis)
    seen = contracts_of(test, contracts)
    for i, e in enumerate(test.expect):
        at: PathKey = ("expect", i)
        plain = [c for c in e.checks() if c not in ("credits", "capacity")]
        if (e.credits or e.capacity) and (plain or (e.credits and e.capacity)):
            yield make_issue("D192", "credits and capacity each stand alone in an expectation, "
                             "without a KPI's checks", location=doc.locate(at))  # fmt: skip
        if e.credits is not None:
            period = e.credits.period or test.period
            yield from _credits(doc, (*at, "credits"), e.credits, period, seen,
                                contracts is not None)  # fmt: skip
            numeric = [c for c in e.credits.checks() if c in NUMERIC_CREDITS]
            yield from _tolerance(doc, (*at, "credits"), e.credits.tolerance, numeric,
                                  _numbers(e.credits, numeric))  # fmt: skip
        if e.capacity is not None and registry is not None:
            yield from _capacity(doc, (*at, "capacity"), e, registry, settings)
        if e.capacity is not None:
            numeric = [c for c in e.capacity.checks() if c in NUMERIC_CAPACITY]
            yield from _tolerance(doc, (*at, "capacity"), e.capacity.tolerance, numeric,
                                  _numbers(e.capacity, numeric))  # fmt: skip
        numeric = [c for c in plain if c in NUMERIC_KPI]
        yield from _tolerance(doc, at, e.tolerance, numeric, _numbers(e, ["value", "score"]))


def errors(issues: Iterator[Issue]) -> list[Issue]:
    """Only the errors (a warning does not stop a test from running)."""
    return [i for i in issues if i.severity == Severity.ERROR]
