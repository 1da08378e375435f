"""Benchmark: the fixed costs of a month of many small files (60 and 200 sites).

A real month is rarely one large file: it is one small daily file per site. The script
generates, for each site count, a workspace whose month holds one 155-row daily workbook per
site (31 days x 5 queues, every daily measure of the Trust & Safety framework), a site-month
CSV with the HR, finance and compliance figures, a registry of the sites (10 vendors, 4
regions) and one intake profile per vendor. It then times, each in a fresh interpreter and
alternating so that the machine's drift touches every step alike:

- interpreter start-up (`python -c pass`);
- the bare read: python-calamine reading every cell of every daily file, in one process;
- `opsgov --version`, `opsgov lint`, `opsgov validate --period`, `opsgov score --period`.

It prints the median of `--repeat` runs of each and the ratios the goals are stated in:
validate against start-up plus the bare read (goal: at most 2x), score against validate
(goal: at most 1.5x), and each step's growth from 60 to 200 sites against the growth in sites
(linear is 3.33x).

    python benchmarks/many_sites_bench.py [--sites 60 200] [--repeat 3] [--profile]

`--profile` also runs `score` once under cProfile on the largest month and prints the
functions with the most cumulative time. Generated workspaces are cached in
`benchmarks/.data/` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from validate_bench import compile_opsgov  # noqa: E402

PERIOD = "2026-10"
LAYOUT = "v1"
"""Bumped when the generated workspace changes, so that a cached one is rebuilt."""

REGIONS = {
    "EMEA": ("IE", "EUR"), "APAC": ("PH", "PHP"), "NA": ("US", "USD"), "LATAM": ("MX", "MXN"),
}  # fmt: skip
VENDORS = ["inhouse", *[f"bpo{n:02d}" for n in range(1, 10)]]
QUEUES = {  # share of staff, seconds per item, SLA attainment, exposure share
    "general": (0.40, 360, 0.95, 0.30),
    "escalations": (0.15, 900, 0.97, 0.42),
    "child_safety": (0.10, 540, 0.88, 0.72),
    "hate_speech": (0.20, 420, 0.93, 0.45),
    "spam": (0.15, 180, 0.98, 0.10),
}
DAILY = [
    "items_received", "items_handled", "handle_seconds", "items_sla_eligible",
    "items_within_sla", "backlog_open_end", "backlog_over_sla_end",
    "backlog_age_seconds_sum_end", "qa_audited", "qa_correct", "qa_critical_errors",
    "appeals_decided", "appeals_overturned", "paid_seconds", "scheduled_seconds",
    "logged_in_seconds", "available_idle_seconds", "in_adherence_seconds",
    "shrink_planned_seconds", "shrink_unplanned_seconds", "absence_unplanned_seconds",
    "productive_seconds", "sensitive_exposure_seconds", "moderator_days",
    "moderator_days_over_cap",
]  # fmt: skip
MONTHLY = [
    "hc_start", "hc_end", "hc_avg", "leavers", "wellbeing_participants",
    "wellbeing_eligible", "cost_total", "controls_tested", "controls_passed",
    "findings_critical", "findings_overdue_end",
]  # fmt: skip


def site_ids(count: int) -> list[tuple[str, str, str]]:
    """(site id, vendor, region) for each site: vendors and regions taken in turn."""
    regions = list(REGIONS)
    return [
        (f"S{n:03d}", VENDORS[n % len(VENDORS)], regions[(n // len(VENDORS)) % len(regions)])
        for n in range(count)
    ]


def registry_yaml(sites: list[tuple[str, str, str]]) -> str:
    """A registry holding every generated site."""
    lines = ["kind: registry", "regions:"]
    lines += [f"  - {{id: {r}, name: Region {r}}}" for r in REGIONS]
    lines.append("vendors:")
    for vendor in VENDORS:
        kind = "in_house" if vendor == "inhouse" else "bpo"
        lines.append(f"  - {{id: {vendor}, name: Vendor {vendor}, type: {kind}}}")
    lines.append("sites:")
    for site, vendor, region in sites:
        country, currency = REGIONS[region]
        lines += [
            f"  - id: {site}",
            f"    name: Site {site}",
            f"    vendor: {vendor}",
            f"    region: {region}",
            f"    country: {country}",
            f"    currency: {currency}",
            "    timezone: UTC",
            f"    queues: [{', '.join(QUEUES)}]",
            "    languages: [en]",
            "    status: live",
            '    go_live: "2020-01-01"',
        ]
    return "\n".join(lines) + "\n"


def profile_yaml(vendor: str) -> str:
    """The vendor's intake profile: `{vendor}_{site}_{period}.xlsx`, a header row of measures."""
    columns = "\n".join(
        f"  - {{measure: {m}, headers: [{m}]"
        + (", unit: seconds}" if m.endswith("_seconds") or "seconds_sum" in m else "}")
        for m in DAILY
    )
    return (
        f"kind: intake_profile\nid: {vendor}_daily\nname: {vendor} daily report\n"
        f'vendor: {vendor}\nfiles:\n  pattern: "{vendor}_{{site}}_{{period}}.xlsx"\n'
        "grain: day\nsite:\n  source: filename\ndate:\n  column: Date\nqueue: Queue\n"
        f"columns:\n{columns}\n"
    )


MONTHLY_PROFILE = (
    "kind: intake_profile\nid: site_month\nname: HR, finance and compliance by site\n"
    'files:\n  pattern: "site_month_{period}.csv"\ngrain: month\n'
    "site:\n  source: column\n  column: Site\ndate:\n  column: Month\ncolumns:\n"
    + "\n".join(
        f"  - {{measure: {m}, headers: [{m}]" + (", unit: money}" if m == "cost_total" else "}")
        for m in MONTHLY
    )
    + "\n"
)


def day_values(rng: random.Random, queue: str, staff: int, backlog: int) -> dict[str, int]:
    """One queue-day whose figures satisfy every framework check."""
    _, aht, sla, exposure = QUEUES[queue]
    paid, scheduled = staff * 30_600, staff * 28_800
    planned = int(paid * rng.uniform(0.14, 0.17))
    unplanned = int(paid * rng.uniform(0.02, 0.05))
    absence = unplanned // 2
    logged_in = paid - planned - unplanned
    handled = int(logged_in * rng.uniform(0.74, 0.80)) // aht
    handle = handled * aht
    idle = min(logged_in - handle, int(handle * rng.uniform(0.08, 0.14)))
    received = max(0, handled + rng.randint(-handled // 20, handled // 20))
    backlog = max(0, backlog + received - handled)
    eligible = handled - rng.randint(0, handled // 40)
    audited = max(1, handled // 50)
    wrong = rng.randint(0, max(1, audited // 20))
    appeals = handled // 200
    return {
        "items_received": received, "items_handled": handled, "handle_seconds": handle,
        "items_sla_eligible": eligible,
        "items_within_sla": min(eligible, round(eligible * rng.uniform(sla - 0.02, sla + 0.02))),
        "backlog_open_end": backlog, "backlog_over_sla_end": backlog // 10,
        "backlog_age_seconds_sum_end": backlog * rng.randint(3600, 20000),
        "qa_audited": audited, "qa_correct": audited - wrong,
        "qa_critical_errors": wrong // 5, "appeals_decided": appeals,
        "appeals_overturned": appeals // 9, "paid_seconds": paid,
        "scheduled_seconds": scheduled, "logged_in_seconds": logged_in,
        "available_idle_seconds": idle,
        "in_adherence_seconds": int(scheduled * rng.uniform(0.88, 0.95)),
        "shrink_planned_seconds": planned, "shrink_unplanned_seconds": unplanned,
        "absence_unplanned_seconds": absence, "productive_seconds": handle + idle // 2,
        "sensitive_exposure_seconds": int(handle * exposure),
        "moderator_days": staff, "moderator_days_over_cap": rng.randint(0, max(0, staff // 25)),
    }  # fmt: skip


def write_site(path: Path, site: str, headcount: int) -> int:
    """One site's daily workbook (write-only openpyxl); returns its paid seconds."""
    from openpyxl import Workbook

    rng = random.Random(f"{PERIOD}:{site}")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Daily")
    sheet.append(["Date", "Queue", *DAILY])
    backlog = dict.fromkeys(QUEUES, headcount * 20)
    paid = 0
    for day in range(1, 32):
        date = dt.datetime(2026, 10, day)
        on_shift = 0.72 if date.weekday() < 5 else 0.54
        for queue, (share, *_) in QUEUES.items():
            staff = max(2, round(headcount * on_shift * share))
            values = day_values(rng, queue, staff, backlog[queue])
            backlog[queue] = values["backlog_open_end"]
            paid += values["paid_seconds"]
            sheet.append([date, queue, *(values[m] for m in DAILY)])
    book.save(path)
    return paid


def make_workspace(count: int) -> Path:
    """Generate (once) the workspace of `count` sites; returns its folder."""
    root = DATA / f"sites_{count}"
    stamp = root / "layout.txt"
    if stamp.exists() and stamp.read_text() == LAYOUT:
        return root
    if root.exists():
        shutil.rmtree(root)
    month = root / "inbox" / PERIOD
    month.mkdir(parents=True)
    (root / "profiles").mkdir()
    sample = REPO / "sample_data"
    (root / "opsgov.yaml").write_text(
        "kind: workspace\nname: Many sites\nframework: builtin:trust_safety\n"
        "registry: registry.yaml\nreporting_currency: USD\nfx_rates: fx_rates.csv\n"
        "inputs: inbox/{period}\noutputs: out/{period}\n"
    )
    shutil.copy(sample / "fx_rates.csv", root / "fx_rates.csv")
    sites = site_ids(count)
    (root / "registry.yaml").write_text(registry_yaml(sites))
    for vendor in VENDORS:
        (root / "profiles" / f"{vendor}_daily.yaml").write_text(profile_yaml(vendor))
    (root / "profiles" / "site_month.yaml").write_text(MONTHLY_PROFILE)
    started = time.perf_counter()
    monthly = ["Site,Month," + ",".join(MONTHLY)]
    for n, (site, vendor, region) in enumerate(sites):
        rng = random.Random(f"month:{site}")
        headcount = 40 + (n * 37) % 160
        paid = write_site(month / f"{vendor}_{site}_{PERIOD}.xlsx", site, headcount)
        rate = {"EUR": 0.92, "PHP": 58.0, "USD": 1.0, "MXN": 18.5}[REGIONS[region][1]]
        leavers = rng.randint(0, headcount // 15)
        tested = rng.randint(12, 30)
        row = [headcount, headcount + rng.randint(-3, 3), headcount, leavers,
               round(headcount * rng.uniform(0.6, 0.95)), headcount,
               f"{paid / 3600 * 21.0 * rate:.2f}", tested, tested - rng.randint(0, 2),
               int(rng.random() < 0.1), rng.randint(0, 2)]  # fmt: skip
        monthly.append(f"{site},{PERIOD}-01," + ",".join(str(v) for v in row))
    (month / f"site_month_{PERIOD}.csv").write_text("\n".join(monthly) + "\n")
    print(f"generated {count} sites in {time.perf_counter() - started:.1f} s: {root}")
    stamp.write_text(LAYOUT)
    return root


BARE = """
import sys, glob
from python_calamine import CalamineWorkbook
cells = 0
for path in sorted(glob.glob(sys.argv[1] + "/inbox/*/*.xlsx")):
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    cells += sum(len(r) for r in rows)
"""


def opsgov(*args: str) -> list[str]:
    """The command line of an opsgov command in a fresh interpreter."""
    return [sys.executable, "-m", "opsgov", *args]


def steps(root: Path) -> dict[str, list[str]]:
    """Every timed step's command line, in the order they run."""
    ws = str(root)
    return {
        "start-up": [sys.executable, "-c", "pass"],
        "bare read": [sys.executable, "-c", BARE, ws],
        "--version": opsgov("--version"),
        "lint": opsgov("lint", "--workspace", ws, "-q"),
        "validate": opsgov("validate", "--period", PERIOD, "--workspace", ws, "-q"),
        "score": opsgov("score", "--period", PERIOD, "--workspace", ws, "-q"),
    }


def timed(command: list[str]) -> float:
    """Wall time of one run of a command (its exit code is not checked: findings are fine)."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1, 2):
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{done.stderr[-2000:]}")
    return elapsed


def measure(root: Path, repeat: int) -> dict[str, float]:
    """Median wall time of each step, the steps alternating."""
    commands = steps(root)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            times[name].append(timed(command))
    return {name: statistics.median(values) for name, values in times.items()}


def profile(root: Path, top: int = 25) -> None:
    """Run score once under cProfile and print the costliest functions."""
    out = DATA / "score.prof"
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "opsgov", "score",
         "--period", PERIOD, "--workspace", str(root), "-q"],
        capture_output=True, check=False,
    )  # fmt: skip
    import pstats

    pstats.Stats(str(out)).sort_stats("cumulative").print_stats(top)


def main() -> None:
    """Generate (once), time every step at every site count, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, nargs="+", default=[60, 200])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    compile_opsgov()
    DATA.mkdir(exist_ok=True)
    results: dict[int, dict[str, float]] = {}
    for count in args.sites:
        results[count] = measure(make_workspace(count), args.repeat)
    print(f"{'step':<12}" + "".join(f"{f'{c} sites':>12}" for c in args.sites))
    for name in next(iter(results.values())):
        print(f"{name:<12}" + "".join(f"{results[c][name]:>11.2f}s" for c in args.sites))
    summary: dict[str, object] = {}
    for count, r in results.items():
        floor = r["start-up"] + r["bare read"]
        summary[f"{count} sites"] = {
            "validate / (start-up + bare read)": round(r["validate"] / floor, 2),
            "score / validate": round(r["score"] / r["validate"], 2),
            "--version / start-up": round(r["--version"] / r["start-up"], 2),
        }
    if len(args.sites) > 1:
        low, high = min(args.sites), max(args.sites)
        summary[f"growth {low} -> {high} sites (sites x{high / low:.2f})"] = {
            name: round(results[high][name] / results[low][name], 2)
            for name in ("bare read", "lint", "validate", "score")
        }
    print(json.dumps(summary, indent=2))
    if args.profile:
        profile(DATA / f"sites_{max(args.sites)}")


if __name__ == "__main__":
    main()
