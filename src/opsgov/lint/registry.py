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
        checks: list[tuple[str, str, bool, str, str | None]] = [
            # code, key, passes, what is wrong, hint
            ("D142", "region", site.region in regions,
             f"is in region `{site.region}`, which is not declared",
             did_you_mean(site.region, regions)
             or f"Declared regions: {', '.join(sorted(regions))}."),
            ("D143", "vendor", site.vendor in vendors,
             f"is run by vendor `{site.vendor}`, which is not declared",
             did_you_mean(site.vendor, vendors)
             or f"Declared vendors: {', '.join(sorted(vendors))}."),
            ("D144", "currency", is_currency(site.currency),
             f"has `{site.currency}`, which is not an ISO 4217 currency code",
             "Use the three-letter code, such as USD, EUR, PHP or INR."),
            ("D145", "country", is_country(site.country),
             f"has `{site.country}`, which is not an ISO 3166-1 alpha-2 country code",
             "Use the two-letter code, such as PH, IN, IE or US."),
            ("D146", "timezone", is_timezone(site.timezone),
             f"has `{site.timezone}`, which is not an IANA time zone",
             "Use a name such as Asia/Manila or Europe/Dublin."),
        ]  # fmt: skip
        for code, key, passes, what, hint in checks:
            if not passes:
                yield make_issue(
                    code,
                    f"site `{site.id}` {what}",
                    location=doc.locate(("sites", index, key)),
                    field=key,
                    found=getattr(site, key),
                    hint=hint,
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
