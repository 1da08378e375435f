"""Contract checks: vendor, KPIs, scopes, allocations, versions, earn-back, currency, pricing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal

from opsgov.fx import FxTable
from opsgov.issues import Issue, make_issue
from opsgov.lint.common import did_you_mean
from opsgov.models.contract import Contract, ContractScope, ContractVersion
from opsgov.models.framework import NUMERIC_KINDS, Framework
from opsgov.models.registry import Registry
from opsgov.reference import is_currency
from opsgov.yamlio import PathKey, YamlDocument

LANGUAGE = "language"
PLAUSIBLE_AT_RISK = Decimal("0.5")


def _term_months(version: ContractVersion) -> int | None:
    if version.effective_to is None:
        return None
    start, end = version.effective_from, version.effective_to + dt.timedelta(days=1)
    return (end.year - start.year) * 12 + end.month - start.month


def check_contract(
    doc: YamlDocument,
    contract: Contract,
    framework: Framework | None,
    registry: Registry | None,
    fx: FxTable | None,
    reporting_currency: str | None,
    invoice_profiles: set[str] | None = None,
) -> Iterator[Issue]:
    """Every contract check that the framework, registry, FX rates and profiles allow."""
    if (
        contract.invoice is not None
        and invoice_profiles is not None
        and contract.invoice.profile not in invoice_profiles
    ):
        yield make_issue(
            "D177",
            f"no intake profile `{contract.invoice.profile}` with `purpose: invoice` reads the "
            "invoice",
            location=doc.locate(("invoice", "profile")),
            field="profile",
            hint=did_you_mean(contract.invoice.profile, invoice_profiles),
        )
    if registry is not None:
        vendor = next((v for v in registry.vendors if v.id == contract.vendor), None)
        if vendor is None or vendor.type != "bpo":
            yield make_issue(
                "D166",
                f"`{contract.vendor}` is "
                + ("not a vendor of the registry" if vendor is None else "an in-house operation"),
                location=doc.locate(("vendor",)),
                field="vendor",
                found=contract.vendor,
                hint=did_you_mean(contract.vendor, [v.id for v in registry.vendors]),
            )
    if not is_currency(contract.currency):
        yield make_issue(
            "D144",
            f"`{contract.currency}` is not an ISO 4217 currency code",
            location=doc.locate(("currency",)),
            field="currency",
        )
    elif (
        fx is not None
        and reporting_currency is not None
        and contract.currency != reporting_currency
        and not any(
            {source, target} == {contract.currency, reporting_currency}
            for _, source, target in fx.rates
        )
    ):
        yield make_issue(
            "D172",
            f"the FX rates have no rate between {contract.currency} and {reporting_currency}",
            location=doc.locate(("currency",)),
            field="currency",
            found=contract.currency,
            hint=f"Add a row per month: period,{contract.currency},{reporting_currency},rate.",
        )
    yield from _versions(doc, contract.versions)
    for index, version in enumerate(contract.versions):
        yield from _version(doc, ("versions", index), version, contract, framework, registry)


def _versions(doc: YamlDocument, versions: Sequence[ContractVersion]) -> Iterator[Issue]:
    far = dt.date.max
    for index, version in enumerate(versions):
        if version.effective_to is not None and version.effective_to < version.effective_from:
            yield make_issue(
                "D170",
                f"version `{version.version}` ends ({version.effective_to}) before it starts "
                f"({version.effective_from})",
                location=doc.locate(("versions", index, "effective_to")),
                field="effective_to",
            )
            continue
        for before in range(index):
            other = versions[before]
            if (
                version.effective_from <= (other.effective_to or far)
                and other.effective_from <= (version.effective_to or far)
                and other.effective_to is not None
            ):
                yield make_issue(
                    "D170",
                    f"version `{version.version}` (from {version.effective_from}) overlaps "
                    f"version `{other.version}` ({other.effective_from} to {other.effective_to})",
                    location=doc.locate(("versions", index, "effective_from")),
                    field="effective_from",
                    hint=f"Start it on {other.effective_to + dt.timedelta(days=1)}, or end the "
                    "earlier version the day before it starts.",
                )


def _scope(
    doc: YamlDocument,
    path: PathKey,
    scope: ContractScope,
    contract: Contract,
    framework: Framework | None,
    registry: Registry | None,
) -> Iterator[Issue]:
    if registry is not None:
        own = [s for s in registry.sites if s.vendor == contract.vendor]
        ids = {s.id for s in own}
        for i, site in enumerate(scope.sites):
            if site not in ids:
                yield make_issue(
                    "D173",
                    f"site `{site}` is not one of {contract.vendor}'s sites",
                    location=doc.locate((*path, "sites", i)),
                    field="sites",
                    found=site,
                    hint=did_you_mean(site, ids) or f"Its sites: {', '.join(sorted(ids))}.",
                )
        queues = {q for s in own if not scope.sites or s.id in scope.sites for q in s.queues}
        for i, queue in enumerate(scope.queues):
            if queue not in queues:
                yield make_issue(
                    "D173",
                    f"no site in this scope works queue `{queue}`",
                    location=doc.locate((*path, "queues", i)),
                    field="queues",
                    found=queue,
                    hint=did_you_mean(queue, queues)
                    or f"Queues in scope: {', '.join(sorted(queues))}.",
                )
    if framework is not None and scope.languages:
        measure = framework.measure(LANGUAGE)
        if measure is None or measure.kind != "category":
            yield make_issue(
                "D177",
                "a language scope needs a `language` category measure in the framework; its "
                "rows do not say their language",
                location=doc.locate((*path, "languages")),
                field="languages",
            )


def _version(
    doc: YamlDocument,
    path: PathKey,
    version: ContractVersion,
    contract: Contract,
    framework: Framework | None,
    registry: Registry | None,
) -> Iterator[Issue]:
    seen: dict[str, int] = {}
    for index, sl in enumerate(version.service_levels):
        if sl.id in seen:
            yield make_issue(
                "D113",
                f"service level id `{sl.id}` is used twice in version `{version.version}`",
                location=doc.locate((*path, "service_levels", index, "id")),
                field="id",
                hint="Give each service level its own id.",
            )
        seen.setdefault(sl.id, index)
    total = sum((version.allocation(sl) for sl in version.service_levels), Decimal(0))
    if total > version.pool:
        parts = " + ".join(f"{version.allocation(sl)}" for sl in version.service_levels)
        yield make_issue(
            "D169",
            f"allocations sum to {total} ({parts}), over the pool of {version.pool}",
            location=doc.locate((*path, "pool")),
            field="pool",
            found=str(total),
            expected=f"at most {version.pool}",
        )
    at_risk = version.at_risk
    if at_risk.share is not None and version.pricing is None:
        yield make_issue(
            "D176",
            "the at-risk amount is a share of the charges, but the version has no pricing",
            location=doc.locate((*path, "at_risk", "share")),
            field="share",
        )
    if at_risk.share is not None and at_risk.share > PLAUSIBLE_AT_RISK:
        yield make_issue(
            "D179",
            f"{at_risk.share:.0%} of the invoice is at risk",
            location=doc.locate((*path, "at_risk", "share")),
            field="share",
        )
    term = _term_months(version)
    window = version.earn_back.window_months if version.earn_back else 0
    if term is not None and window > term:
        yield make_issue(
            "D171",
            f"the earn-back window is {window} months; the term of "
            f"version `{version.version}` is {term}",
            location=doc.locate((*path, "earn_back", "window_months")),
            field="window_months",
        )
    for index, sl in enumerate(version.service_levels):
        here = (*path, "service_levels", index)
        yield from _scope(doc, (*here, "scope"), sl.scope, contract, framework, registry)
        if sl.category is not None and sl.category not in version.categories:
            yield make_issue(
                "D175",
                f"service level `{sl.id}` is in category `{sl.category}`, which `categories` "
                "does not allocate",
                location=doc.locate((*here, "category")),
                field="category",
                hint=did_you_mean(sl.category, version.categories),
            )
        fixed = sl.credit.amount
        if fixed is not None and at_risk.fixed is not None and fixed > at_risk.fixed:
            yield make_issue(
                "D179",
                f"a miss of `{sl.id}` alone credits {fixed}, more than the at-risk {at_risk.fixed}",
                location=doc.locate((*here, "credit", "amount")),
                field="amount",
            )
        if framework is None:
            continue
        kpi = framework.kpi(sl.kpi)
        if kpi is None:
            yield make_issue(
                "D167",
                f"service level `{sl.id}` is measured by `{sl.kpi}`, which is not a KPI of "
                f"framework {framework.id}",
                location=doc.locate((*here, "kpi")),
                field="kpi",
                found=sl.kpi,
                hint=did_you_mean(sl.kpi, [k.id for k in framework.kpis]),
            )
            continue
        if kpi.direction == "target_band":
            yield make_issue(
                "D168",
                f"`{sl.kpi}` is a target-band KPI",
                location=doc.locate((*here, "kpi")),
                field="kpi",
            )
            continue
        lower = kpi.direction == "lower_is_better"
        if sl.minimum is not None and (sl.minimum < sl.target if lower else sl.minimum > sl.target):
            yield make_issue(
                "D174",
                f"service level `{sl.id}`: minimum {sl.minimum:g} is better than the target "
                f"{sl.target:g} ({kpi.direction.replace('_', ' ')})",
                location=doc.locate((*here, "minimum")),
                field="minimum",
            )
    if version.pricing is not None:
        for index, line in enumerate(version.pricing.lines):
            here = (*path, "pricing", "lines", index)
            yield from _scope(doc, (*here, "scope"), line.scope, contract, framework, registry)
            measure = framework.measure(line.counted) if framework is not None else None
            if framework is not None and (measure is None or measure.kind not in NUMERIC_KINDS):
                yield make_issue(
                    "D177",
                    f"price line `{line.id}` counts `{line.counted}`, which is not a numeric "
                    f"measure of framework {framework.id}",
                    location=doc.locate((*here, "measure" if line.measure else "basis")),
                    field="measure",
                    hint=did_you_mean(line.counted, [m.id for m in framework.measures]),
                )
