"""Registry checks: ids, regions and vendors, ISO codes, time zones and status dates."""

from __future__ import annotations

from collections.abc import Iterator

from opsgov.issues import Issue, make_issue
from opsgov.lint.common import did_you_mean, duplicate_ids
from opsgov.models.registry import Registry
from opsgov.reference import is_country, is_currency, is_timezone
from opsgov.yamlio import YamlDocument


def check_registry(doc: YamlDocument, registry: Registry) -> Iterator[Issue]:
    """Every registry check."""
    yield from duplicate_ids(doc, "regions", registry.regions, "region")
    yield from duplicate_ids(doc, "vendors", registry.vendors, "vendor")
    yield from duplicate_ids(doc, "sites", registry.sites, "site")
    regions = {r.id for r in registry.regions}
    vendors = {v.id for v in registry.vendors}
    for index, site in enumerate(registry.sites):
        if site.region not in regions:
            yield make_issue(
                "D142",
                f"site `{site.id}` is in region `{site.region}`, which is not declared",
                location=doc.locate(("sites", index, "region")),
                field="region",
                found=site.region,
                hint=did_you_mean(site.region, regions)
                or f"Declared regions: {', '.join(sorted(regions))}.",
            )
        if site.vendor not in vendors:
            yield make_issue(
                "D143",
                f"site `{site.id}` is run by vendor `{site.vendor}`, which is not declared",
                location=doc.locate(("sites", index, "vendor")),
                field="vendor",
                found=site.vendor,
                hint=did_you_mean(site.vendor, vendors)
                or f"Declared vendors: {', '.join(sorted(vendors))}.",
            )
        if not is_currency(site.currency):
            yield make_issue(
                "D144",
                f"site `{site.id}`: `{site.currency}` is not an ISO 4217 currency code",
                location=doc.locate(("sites", index, "currency")),
                field="currency",
                found=site.currency,
                hint="Use the three-letter code, such as USD, EUR, PHP or INR.",
            )
        if not is_country(site.country):
            yield make_issue(
                "D145",
                f"site `{site.id}`: `{site.country}` is not an ISO 3166-1 alpha-2 country code",
                location=doc.locate(("sites", index, "country")),
                field="country",
                found=site.country,
                hint="Use the two-letter code, such as PH, IN, IE or US.",
            )
        if not is_timezone(site.timezone):
            yield make_issue(
                "D146",
                f"site `{site.id}`: `{site.timezone}` is not an IANA time zone",
                location=doc.locate(("sites", index, "timezone")),
                field="timezone",
                found=site.timezone,
                hint="Use a name such as Asia/Manila or Europe/Dublin.",
            )
        problem = _status_problem(site.status, site.go_live, site.closed)
        if problem is not None:
            yield make_issue(
                "D147",
                f"site `{site.id}`: {problem}",
                location=doc.locate(("sites", index, "status")),
                field="status",
            )


def _status_problem(status: str, go_live: object, closed: object) -> str | None:
    if status == "live" and go_live is None:
        return "a live site needs its go_live date"
    if status == "live" and closed is not None:
        return "a live site has no closed date; set status: closed"
    if status == "closed" and closed is None:
        return "a closed site needs its closed date"
    if status == "launching" and closed is not None:
        return "a launching site has no closed date"
    if go_live is not None and closed is not None and closed < go_live:  # type: ignore[operator]
        return "it closed before it went live"
    return None
