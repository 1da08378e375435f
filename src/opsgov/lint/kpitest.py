"""KPI test checks against the framework the workspace names: KPIs and measures exist.

`opsgov test` runs the tests against the workspace's framework; lint checks them against the
same one, so a test written for another framework (a copy left from `opsgov init` after the
workspace switched to `builtin:customer_support`) is reported by lint, not first by the run.
"""

from __future__ import annotations

from collections.abc import Iterator

from opsgov.issues import Issue, make_issue
from opsgov.lint.common import did_you_mean
from opsgov.models.framework import NUMERIC_KINDS, Framework
from opsgov.models.kpitest import KpiTest
from opsgov.yamlio import YamlDocument

ROW_KEYS = frozenset({"date", "queue"})
"""Keys of a given row that are not measures."""


def check_kpi_test(doc: YamlDocument, test: KpiTest, fw: Framework) -> Iterator[Issue]:
    """D188 for an expectation on a KPI the framework lacks; D190 for an unknown row key."""
    kpis = [k.id for k in fw.kpis]
    for index, expectation in enumerate(test.expect):
        if expectation.kpi is not None and expectation.kpi not in kpis:
            yield make_issue(
                "D188",
                f"`{expectation.kpi}` is not a KPI of {fw.id}",
                location=doc.locate(("expect", index, "kpi")),
                field="kpi",
                hint=did_you_mean(expectation.kpi, kpis),
            )
    numeric = [m.id for m in fw.measures if m.kind in NUMERIC_KINDS]
    for index, given in enumerate(test.given):
        seen: set[str] = set()
        for r, row in enumerate(given.rows):
            for key in row:
                if key in ROW_KEYS or key in numeric or key in seen:
                    continue
                seen.add(key)
                yield make_issue(
                    "D190",
                    f"`{key}` is not a numeric measure of {fw.id}",
                    location=doc.locate(("given", index, "rows", r, key)),
                    field=key,
                    hint=did_you_mean(key, numeric),
                )
