"""Lint how files are routed to intake profiles (`opsgov.route`).

The vendors profiles name must be the registry's, and two profiles no rule can tell apart are
reported before a month's files tie between them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from opsgov.issues import Issue, make_issue
from opsgov.models.profile import Profile
from opsgov.models.registry import Registry
from opsgov.yamlio import YamlDocument


def check_routing(
    profiles: Sequence[tuple[str, YamlDocument, Profile]], registry: Registry | None
) -> Iterable[Issue]:
    """D154 for a `vendor:` the registry does not have; D153 for two profiles that would tie.

    Args:
        profiles: Each profile with the file it is in (as displayed) and its parsed document.
        registry: The workspace's registry, when there is exactly one.
    """
    vendors = {v.id for v in registry.vendors} if registry is not None else None
    for _, doc, profile in profiles:
        if vendors is not None and profile.vendor is not None and profile.vendor not in vendors:
            yield make_issue(
                "D154",
                f"vendor `{profile.vendor}` is not a vendor of the registry: no file named for "
                "a registered site would be read by this profile",
                location=doc.locate(("vendor",)),
                field="vendor",
                found=profile.vendor,
                hint="Use a vendor id of the registry ("
                + ", ".join(f"`{v}`" for v in sorted(vendors))
                + "), or remove `vendor:` for a profile any site's files may use.",
            )
    seen: list[tuple[str, Profile]] = []
    for display, doc, profile in profiles:
        if profile.purpose != "operations":
            continue
        for other_display, other in seen:
            if _indistinguishable(profile, other):
                yield make_issue(
                    "D153",
                    f"profiles `{other.id}` ({other_display}) and `{profile.id}` take the same "
                    "file names for the same vendor and read the same sheet: a file both fit is "
                    "read by neither (V326)",
                    location=doc.locate(("files",)),
                    field="files",
                    found=other.id,
                    hint="Give each profile its vendor's `vendor:`, a files pattern or sheet name "
                    "of its own, or keep one of the two.",
                )
        seen.append((display, profile))


def _indistinguishable(one: Profile, two: Profile) -> bool:
    """Whether neither the name, nor the vendor, nor the sheet choice can tell them apart."""
    same_files = (
        one.files.pattern is not None
        and two.files.pattern is not None
        and one.files.pattern.lower() == two.files.pattern.lower()
    ) or (bool(one.files.paths) and sorted(one.files.paths) == sorted(two.files.paths))
    vendors_meet = one.vendor is None or two.vendor is None or one.vendor == two.vendor
    return same_files and vendors_meet and one.sheet == two.sheet
