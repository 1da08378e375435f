"""The site registry: every site, its vendor, region, currency and status."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from opsgov.models.common import Code, Definition, IsoDate, Slug, Text

SiteStatus = Literal["launching", "live", "closed"]
VendorType = Literal["bpo", "in_house"]


class Region(Definition):
    """A region sites roll up to."""

    id: Code = Field(description="Region id, such as `EMEA`.")
    name: Text = Field(description="Human name.")


class Reporting(Definition):
    """What a vendor's sites, or one site, report beyond or short of what its profiles read.

    A site's lists are applied after its vendor's, so they win where the two disagree.
    """

    reports: list[Slug] = Field(
        default_factory=list,
        description="Measures to report beyond those the intake profiles serving the site read "
        "(a measure the framework marks optional that the contract requires).",
    )
    does_not_report: list[Slug] = Field(
        default_factory=list,
        description="Measures not reported, though a profile reading the site's files maps "
        "them: no finding when they are absent, and the KPIs built on them read 'not "
        "reported' there.",
    )


class Vendor(Reporting):
    """A BPO vendor, or the company's own in-house operation."""

    id: Code = Field(description="Vendor id, such as `acme`.")
    name: Text = Field(description="Human name.")
    type: VendorType = Field(description="bpo (outsourced) or in_house.")


class Site(Reporting):
    """One delivery site."""

    id: Code = Field(description="Site id as vendors write it in file names, such as `MNL1`.")
    name: Text = Field(description="Human name.")
    vendor: Code = Field(description="The vendor (or in-house operation) running the site.")
    region: Code = Field(description="Region id.")
    country: str = Field(description="ISO 3166-1 alpha-2 country code, such as `PH`.")
    currency: str = Field(description="ISO 4217 code of the currency the site reports money in.")
    timezone: str = Field(description="IANA time zone, such as `Asia/Manila`.")
    queues: list[Code] = Field(default_factory=list, description="Queues the site works.")
    languages: list[str] = Field(default_factory=list, description="Languages served (BCP 47).")
    status: SiteStatus = Field(description="launching, live or closed.")
    go_live: IsoDate | None = Field(
        default=None, description="Go-live date (planned while launching)."
    )
    closed: IsoDate | None = Field(default=None, description="Date the site stopped production.")


class Registry(Definition):
    """The site registry."""

    kind: Literal["registry"] = Field(description="Always `registry`.")
    regions: list[Region] = Field(min_length=1, description="Regions.")
    vendors: list[Vendor] = Field(min_length=1, description="Vendors and in-house operations.")
    sites: list[Site] = Field(min_length=1, description="Sites.")

    def site(self, site_id: str) -> Site | None:
        """The site with this id, if registered."""
        return next((s for s in self.sites if s.id == site_id), None)

    def vendor(self, vendor_id: str) -> Vendor | None:
        """The vendor with this id, if registered."""
        return next((v for v in self.vendors if v.id == vendor_id), None)
