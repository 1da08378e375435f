"""Generated history for benchmarks and report tests: a framework, a registry, scored months.

The numbers are made by a seeded random walk around each site's own level, then scored by the
real scorer (`opsgov.score.card.build_scorecard`) from one harmonised row per site and month,
and recorded through `HistoryStore.record`, exactly as `opsgov score` records a period. Known
events are planted so that reports have something to find:

- site 2 (`S002`), KPI `k00` (higher is better) drops sharply for the last three months: a
  point beyond the lower limit, unfavourable;
- KPI `k01` (lower is better) creeps up at the sites of vendor `v1` over the last seven
  months: a steady trend, unfavourable, for the vendor and its sites;
- site 4 misses the sixth month (missing), site 5 is late in the seventh, and site 6 sends a
  submission with errors in the last month.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from typing import Any

import numpy as np

from opsgov.fx import FxTable
from opsgov.harmonise.table import Block, Source
from opsgov.history.quality import Submission
from opsgov.history.store import HistoryStore, Recorded
from opsgov.history.trends import month_offset, months_between
from opsgov.models.framework import Framework
from opsgov.models.registry import Registry
from opsgov.models.results import Scorecard
from opsgov.models.workspace import Workspace
from opsgov.score.card import ScoreInputs, build_scorecard

CATEGORIES = (
    ("service_delivery", "Service delivery", 30),
    ("quality", "Quality & accuracy", 25),
    ("people_wellbeing", "People & wellbeing", 20),
    ("cost_efficiency", "Cost & efficiency", 15),
    ("compliance", "Compliance", 10),
)
HOSTILE = "<script>alert(1)</script>"
"""A name that would run in a browser if a report forgot to escape it."""


def synthetic_framework(kpis: int = 40) -> Framework:
    """A framework of `kpis` percentage KPIs, each a ratio of two counted measures."""
    measures: list[dict[str, Any]] = []
    kpi_defs: list[dict[str, Any]] = []
    for i in range(kpis):
        kid = f"k{i:02d}"
        higher = i % 2 == 0
        measures += [
            {"id": f"{kid}_num", "name": f"KPI {i} numerator", "kind": "count", "rollup": "sum"},
            {"id": f"{kid}_den", "name": f"KPI {i} denominator", "kind": "count", "rollup": "sum"},
        ]
        kpi_defs.append(
            {
                "id": kid,
                "name": f"Synthetic KPI {i:02d} ({'rate' if higher else 'defect rate'})",
                "formula": f"{kid}_num / {kid}_den",
                "unit": "percent",
                "format": "percent",
                "direction": "higher_is_better" if higher else "lower_is_better",
                "target": 0.92 if higher else 0.05,
                "thresholds": {"green": 0.92, "amber": 0.88}
                if higher
                else {"green": 0.05, "amber": 0.08},
                "category": CATEGORIES[i % len(CATEGORIES)][0],
                "weight": 1 + i % 3,
                "owner": "Synthetic owner",
            }
        )
    return Framework.model_validate(
        {
            "kind": "framework",
            "id": "synthetic",
            "version": "1",
            "name": "Synthetic framework",
            "owner": "opsgov benchmarks",
            "categories": [{"id": c, "name": n, "weight": w} for c, n, w in CATEGORIES],
            "measures": measures,
            "kpis": kpi_defs,
        }
    )


def synthetic_registry(
    sites: int = 50, vendors: int = 6, regions: int = 4, *, hostile: bool = False
) -> Registry:
    """A registry of `sites` live sites spread over vendors and regions.

    With `hostile`, the first site, vendor and region are named `HOSTILE`.
    """

    def name(kind: str, i: int) -> str:
        return HOSTILE if hostile and i == 0 else f"{kind} {i}"

    return Registry.model_validate(
        {
            "kind": "registry",
            "regions": [{"id": f"R{i}", "name": name("Region", i)} for i in range(regions)],
            "vendors": [
                {"id": f"v{i}", "name": name("Vendor", i), "type": "bpo"} for i in range(vendors)
            ],
            "sites": [
                {
                    "id": f"S{i:03d}",
                    "name": name("Site", i),
                    "vendor": f"v{i % vendors}",
                    "region": f"R{i % regions}",
                    "country": "US",
                    "currency": "USD",
                    "timezone": "UTC",
                    "status": "live",
                    "go_live": "2020-01-01",
                }
                for i in range(sites)
            ],
        }
    )


@dataclass(frozen=True)
class SyntheticHistory:
    """What `generate` wrote."""

    framework: Framework
    registry: Registry
    periods: list[str]
    recorded: list[Recorded]


def _rate(
    rng: random.Random, base: float, site: int, kpi: int, month: int, months: int, vendors: int
) -> float:
    value = base + rng.gauss(0, 0.006)
    from_end = months - 1 - month
    if site == 2 and kpi == 0 and from_end < 3:
        value -= 0.12
    if kpi == 1 and site % vendors == 1 and from_end < 7:
        value += 0.006 * (7 - from_end)
    return min(max(value, 0.0), 1.0)


def generate(
    store: HistoryStore,
    *,
    sites: int = 50,
    kpis: int = 40,
    months: int = 36,
    last: str = "2026-10",
    seed: int = 2026,
    hostile: bool = False,
    framework: Framework | None = None,
) -> SyntheticHistory:
    """Score and record `months` months of generated data, ending at `last`."""
    fw = framework or synthetic_framework(kpis)
    registry = synthetic_registry(sites, hostile=hostile)
    settings = Workspace.model_validate(
        {
            "kind": "workspace",
            "name": "Synthetic operations",
            "framework": "synthetic.yaml",
            "registry": "registry.yaml",
            "reporting_currency": "USD",
        }
    )
    rng = random.Random(seed)
    higher = [k.direction == "higher_is_better" for k in fw.kpis]
    base = [
        [rng.uniform(0.88, 0.97) if h else rng.uniform(0.02, 0.07) for h in higher]
        for _ in registry.sites
    ]
    volume = [rng.randint(800, 5000) for _ in registry.sites]
    periods = months_between(month_offset(last, -(months - 1)), last)
    rollups = {m.id: m.rollup for m in fw.measures if m.rollup is not None}
    previous: Scorecard | None = None
    recorded: list[Recorded] = []
    for month, period in enumerate(periods):
        missing = {4} if month == 5 else set()
        late = {5} if month == 6 else set()
        invalid = {6} if month == months - 1 else set()
        present = [i for i in range(len(registry.sites)) if i not in missing]
        columns: dict[str, list[float]] = {m.id: [] for m in fw.measures}
        for i in present:
            for k, kpi in enumerate(fw.kpis):
                den = float(volume[i] + rng.randint(-50, 50))
                rate = _rate(rng, base[i][k], i, k, month, months, len(registry.vendors))
                columns[f"{kpi.id}_den"].append(den)
                columns[f"{kpi.id}_num"].append(float(round(rate * den)))
        day = dt.date(int(period[:4]), int(period[5:]), 1).toordinal()
        block = Block(
            source=Source(f"inbox/{period}/synthetic.csv", "data", "synthetic", header_row=1),
            rows=np.arange(2, 2 + len(present), dtype=np.int64),
            site=[registry.sites[i].id for i in present],
            date=np.full(len(present), day, dtype=np.int64),
            queue=[None] * len(present),
            measures={m: np.array(v, dtype=np.float64) for m, v in columns.items()},
        )
        errors = sum(3 for _ in invalid)
        card, _ = build_scorecard(
            ScoreInputs(
                framework=fw,
                registry=registry,
                settings=settings,
                blocks=[block],
                fx=FxTable(),
                period=period,
                report_date=f"{period}-28",
                live_sites=list(registry.sites),
                paths={},
                findings={"error": errors, "warning": 0, "info": 0},
                previous=previous,
            )
        )
        card = card.model_copy(
            update={
                "lineage": [],
                "inputs": {
                    f"inbox/{period}/{registry.sites[i].id}.csv": hashlib.sha256(
                        f"{seed}/{period}/{i}".encode()
                    ).hexdigest()
                    for i in present
                },
            }
        )
        sent = [
            Submission(
                site=s.id,
                vendor=s.vendor,
                region=s.region,
                files=0 if i in missing else 1,
                errors=3 if i in invalid else 0,
                warnings=0,
                missing=i in missing,
                late=i in late,
            )
            for i, s in enumerate(registry.sites)
        ]
        recorded.append(
            store.record(
                card,
                framework_id=fw.id,
                framework_version=fw.version,
                rollups=rollups,
                submissions=sent,
                run_time=f"{month_offset(period, 1)}-03T09:00:00+00:00",
            )
        )
        previous = card
    return SyntheticHistory(fw, registry, periods, recorded)
