"""Benchmark: `opsgov report` on a history of 50 sites, 40 KPIs and 36 months.

The history is generated once (`opsgov.history.synthetic`: a framework of 40 KPIs built in
code, 50 sites of 6 vendors in 4 regions, each month scored by the real scorer and written
straight into a history store through `HistoryStore.record`) and cached in `benchmarks/.data/`.
Then each report runs as a user runs it, `opsgov report ... --history FILE`, in a fresh
interpreter (so the time includes starting Python and importing matplotlib), and the script
prints the median wall time of `--repeat` runs as JSON. Goal (issue 6): the governance pack
stays interactive, a few seconds at most.

    python benchmarks/report_bench.py [--sites 50] [--kpis 40] [--months 36] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
LAST = "2026-10"


def make_history(path: Path, sites: int, kpis: int, months: int) -> dict[str, float]:
    """Generate the history store (once per size); how long it took and how big it is."""
    from opsgov.history import HistoryStore
    from opsgov.history.synthetic import generate

    marker = path.with_suffix(".done")
    if path.exists() and marker.exists():
        cached: dict[str, float] = json.loads(marker.read_text("utf-8"))
        return cached
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    with HistoryStore.open(path) as store:
        generate(store, sites=sites, kpis=kpis, months=months, last=LAST)
    figures = {
        "generate_seconds": round(time.perf_counter() - started, 2),
        "store_mb": round(path.stat().st_size / 2**20, 1),
    }
    marker.write_text(json.dumps(figures), "utf-8")
    return figures


def time_command(args: list[str]) -> float:
    """Wall time of one `opsgov` run in a fresh interpreter."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "opsgov", *args], check=True, capture_output=True, text=True
    )
    return time.perf_counter() - started


def main() -> None:
    """Generate (once), then time each report, alternating, and print the medians as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--kpis", type=int, default=40)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    store = DATA / f"history_{args.sites}x{args.kpis}x{args.months}.sqlite"
    setup = make_history(store, args.sites, args.kpis, args.months)
    out = DATA / "reports"
    out.mkdir(exist_ok=True)
    commands = {
        "governance_html": ["report", "governance", "--period", LAST],
        "governance_md": ["report", "governance", "--period", LAST, "--format", "md"],
        "qbr_html": ["report", "qbr", "--vendor", "v1", "--quarter", "2026Q3"],
        "dashboard_html": ["report", "dashboard", "--period", LAST],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            times[name].append(
                time_command([*command, "--history", str(store), "--out", str(out), "-q"])
            )
    startup = statistics.median(time_command(["--version"]) for _ in range(args.repeat))
    sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
    result = {
        "sites": args.sites,
        "kpis": args.kpis,
        "months": args.months,
        **setup,
        "cli_startup_seconds": round(startup, 2),
        **{f"{name}_seconds": round(statistics.median(t), 2) for name, t in times.items()},
        "report_kb": {name: round(size / 1024) for name, size in sizes.items()},
        "repeat": args.repeat,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
