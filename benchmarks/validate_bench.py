"""Benchmark: `opsgov validate` and `opsgov score` against the fastest bare reads of the same month.

Measured in one run, on the same files and machine, each in a fresh process, alternating:

- xlsx month (a 16-column agent-day sheet): fastexcel loading the sheet as Arrow, polars
  `read_excel` (calamine engine), and python-calamine `to_python` (a Python object per cell,
  the earlier baseline);
- the same rows as CSV: polars `read_csv`, DuckDB `read_csv` to Arrow, and Python's `csv`
  module;
- `opsgov validate --period` and `opsgov score --period` on each month.

Reports median wall time, CPU time (user and system, the process and its children: on a
shared machine the steadier figure; the bare readers use several threads) and peak memory,
and the ratios to the fastest bare read of the same file in the same run. Peak memory is
the largest resident set of the process plus that of its largest child (opsgov reads a
large workbook in a forked child process): an upper bound, since a forked child shares its
parent's pages. Baselines whose library is not
installed are skipped (`pip install fastexcel polars` for all of them).

    python benchmarks/validate_bench.py [--rows 1000000] [--repeat 3] [--format xlsx,csv]
    python benchmarks/validate_bench.py --curve 100000,300000,1000000,3000000 --format csv
    python benchmarks/validate_bench.py --small 60   # 60 sites x 3 small files

The generated workspaces are cached in benchmarks/.data/ (git-ignored).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
REPO = HERE.parent
SITES = ["DUB1", "LIS1", "MNL1", "HYD1", "KUL1", "AUS1", "BOG1", "GDL1"]
HEADERS = [
    "Date", "Site", "Queue", "Agent ID", "Handled", "Handle Time (s)", "SLA Eligible",
    "Within SLA", "QA Audited", "QA Correct", "Logged In (s)", "Paid (s)", "Idle (s)",
    "In Adherence (s)", "Scheduled (s)", "Exposure (s)",
]  # fmt: skip


def compile_opsgov() -> None:
    """Write opsgov's bytecode first, as an installed package has it.

    An editable install run with PYTHONDONTWRITEBYTECODE set has none, and every timed process
    would then spend about 0.2 s compiling opsgov's modules: time of the set-up, not the program.
    """
    import compileall

    compileall.compile_dir(REPO / "src" / "opsgov", quiet=1)


PROFILE = """\
kind: intake_profile
id: agent_day
name: Agent-day extract
files:
  pattern: "agent_day_{period}.xlsx"
grain: day
site:
  source: column
  column: Site
date:
  column: Date
queue: Queue
keys: ["Agent ID"]
columns:
  - {measure: items_handled, headers: [Handled]}
  - {measure: handle_seconds, headers: ["Handle Time (s)"], unit: seconds}
  - {measure: items_sla_eligible, headers: [SLA Eligible]}
  - {measure: items_within_sla, headers: [Within SLA]}
  - {measure: qa_audited, headers: [QA Audited]}
  - {measure: qa_correct, headers: [QA Correct]}
  - {measure: logged_in_seconds, headers: ["Logged In (s)"], unit: seconds}
  - {measure: paid_seconds, headers: ["Paid (s)"], unit: seconds}
  - {measure: available_idle_seconds, headers: ["Idle (s)"], unit: seconds}
  - {measure: in_adherence_seconds, headers: ["In Adherence (s)"], unit: seconds}
  - {measure: scheduled_seconds, headers: ["Scheduled (s)"], unit: seconds}
  - {measure: sensitive_exposure_seconds, headers: ["Exposure (s)"], unit: seconds}
"""


def agent_rows(rows: int, sites: list[str] = SITES) -> Iterator[list[object]]:
    """The agent-day rows of the month: the same for every format and size."""
    rng = random.Random(20261)
    agents = max(1, rows // (31 * len(sites)))
    written = 0
    for day in range(1, 32):
        date = dt.datetime(2026, 10, day)
        for site in sites:
            for agent in range(agents):
                if written >= rows:
                    return
                aht = rng.randint(240, 600)
                logged = rng.randint(25000, 28000)
                handled = rng.randint(20, logged // aht)  # handle time fits in logged-in time
                eligible = handled
                audited = rng.randint(0, 6)
                yield [date, site, "general" if agent % 3 else "escalations", f"{site}-{agent:05d}",
                       handled, handled * aht, eligible, rng.randint(int(eligible * 0.8), eligible),
                       audited, rng.randint(max(0, audited - 1), audited), logged, 28800,
                       rng.randint(1000, 3000), rng.randint(20000, 25000), 27000,
                       rng.randint(0, min(14400, handled * aht))]  # fmt: skip
                written += 1


def make_workbook(rows: int, path: Path, sites: list[str] = SITES) -> None:
    """Write the agent-day month with openpyxl's write-only mode (values only)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Agent Day")
    sheet.append(HEADERS)
    for row in agent_rows(rows, sites):
        sheet.append(row)
    workbook.save(path)


def make_csv(rows: int, path: Path, sites: list[str] = SITES) -> None:
    """Write the same rows as comma-separated UTF-8 text, dates as ISO dates."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for row in agent_rows(rows, sites):
            row[0] = row[0].date().isoformat()  # type: ignore[attr-defined]
            writer.writerow(row)


EXTRAS_PROFILE = """\
kind: intake_profile
id: site_month_extras
name: Site-month figures the agent-day extract does not carry
files:
  pattern: "site_month_{period}.csv"
grain: month
site:
  source: column
  column: Site
date:
  column: Month
columns:
  - {measure: items_received, headers: [Received]}
  - {measure: backlog_open_end, headers: [Backlog]}
  - {measure: backlog_age_seconds_sum_end, headers: ["Backlog Age (s)"], unit: seconds}
  - {measure: backlog_over_sla_end, headers: [Backlog Over SLA]}
  - {measure: qa_critical_errors, headers: [Critical Errors]}
  - {measure: shrink_planned_seconds, headers: ["Planned Shrink (s)"], unit: seconds}
  - {measure: shrink_unplanned_seconds, headers: ["Unplanned Shrink (s)"], unit: seconds}
  - {measure: absence_unplanned_seconds, headers: ["Unplanned Absence (s)"], unit: seconds}
  - {measure: productive_seconds, headers: ["Productive (s)"], unit: seconds}
  - {measure: moderator_days, headers: [Moderator Days]}
  - {measure: moderator_days_over_cap, headers: [Days Over Cap]}
"""
SAMPLE_FILES = {
    "hr_headcount_monthly": "HR_headcount_2026-10.xlsx",
    "finance_site_costs": "Finance_site_costs_2026-10.xlsx",
    "compliance_controls": "Compliance_controls_2026-10.csv",
}
"""The sample month's HR, finance and compliance files, which complete every site's month."""
LIMIT_ROWS = 1_048_575
"""Data rows the default limits read (Excel's grid, less the header row)."""
LAYOUT = "v4"
"""Bumped when the generated workspace changes, so that a cached one is rebuilt."""


def make_extras(path: Path, rows: int) -> None:
    """One row per site: the month's figures that come from outside the agent-day extract."""
    rng = random.Random(20262)
    per_site = rows // len(SITES)
    lines = [
        "Site,Month,Received,Backlog,Backlog Age (s),Backlog Over SLA,Critical Errors,"
        "Planned Shrink (s),Unplanned Shrink (s),Unplanned Absence (s),Productive (s),"
        "Moderator Days,Days Over Cap"
    ]
    for site in SITES:
        backlog = rng.randint(500, 5000)
        paid = per_site * 28800
        days = per_site
        lines.append(
            f"{site},2026-10-01,{per_site * 40},{backlog},{backlog * 36000},"
            f"{backlog // 20},{per_site // 50},{paid // 10},{paid // 20},{paid // 40},"
            f"{paid * 7 // 10},{days},{days // 100}"
        )
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _base_workspace(root: Path, registry: str) -> Path:
    """An initialised workspace with the sample's FX rates and the given registry."""
    if root.exists():
        shutil.rmtree(root)
    subprocess.run([sys.executable, "-m", "opsgov", "init", str(root), "-q"], check=True)
    (root / "opsgov.yaml").write_text(
        (root / "opsgov.yaml")
        .read_text()
        .replace("framework: framework.yaml", "framework: builtin:trust_safety")
    )
    (root / "registry.yaml").write_text(registry)
    for example in ("contracts", "profiles", "tests"):  # init's examples name their own vendor
        shutil.rmtree(root / example, ignore_errors=True)
    (root / "fx_rates.csv").write_text((REPO / "sample_data" / "fx_rates.csv").read_text())
    (root / "profiles").mkdir()
    month = root / "inbox" / "2026-10"
    month.mkdir(parents=True)
    return month


def make_workspace(root: Path, rows: int, fmt: str = "xlsx") -> Path:
    """A workspace whose month folder holds the agent-day file and the rest of the month."""
    stamp = f"{rows} {fmt} {LAYOUT}"
    target = root / "inbox" / "2026-10" / f"agent_day_2026-10.{fmt}"
    stamp_file = root / "rows.txt"
    made = stamp_file.read_text() if stamp_file.exists() else ""
    if (root / "opsgov.yaml").exists() and made == stamp:
        return target
    held = DATA / f"agent_day_{rows}.{fmt}"
    if target.exists() and made.split()[:2] == [str(rows), fmt]:
        target.replace(held)  # the generated file is still right: keep it
    sample = REPO / "sample_data"
    month = _base_workspace(root, (sample / "registry.yaml").read_text())
    (root / "profiles" / "agent_day.yaml").write_text(
        PROFILE.replace("agent_day_{period}.xlsx", f"agent_day_{{period}}.{fmt}")
    )
    (root / "profiles" / "site_month_extras.yaml").write_text(EXTRAS_PROFILE)
    for profile, name in SAMPLE_FILES.items():
        shutil.copy(sample / "profiles" / f"{profile}.yaml", root / "profiles")
        shutil.copy(sample / "inbox" / "2026-10" / name, month / name)
    make_extras(month / "site_month_2026-10.csv", rows)
    if held.exists():
        held.replace(target)
    else:
        started = time.perf_counter()
        (make_workbook if fmt == "xlsx" else make_csv)(rows, target)
        print(f"generated {rows:,} rows in {time.perf_counter() - started:.0f} s: {target}")
    (root / "rows.txt").write_text(stamp)
    return target


SMALL_PROFILES = {
    "site_agent_day": (PROFILE, "{site}_agent_day_{period}.xlsx"),
    "site_agent_day_text": (PROFILE, "{site}_agent_day_{period}.csv"),
    "site_extras": (EXTRAS_PROFILE, "{site}_site_month_{period}.csv"),
}


def make_small_month(root: Path, sites: int) -> int:
    """A month of many small files, three per site; returns how many files.

    Per site: an agent-day xlsx (250 rows), the same layout as CSV for other agents, and
    the site-month extras.
    """
    stamp = f"small {sites} {LAYOUT}"
    stamp_file = root / "rows.txt"
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return 3 * sites
    ids = [f"S{n:03d}" for n in range(sites)]
    registry = "kind: registry\nregions: [{id: EMEA, name: Europe}]\n"
    registry += "vendors: [{id: acme_bpo, name: Acme BPO Services, type: bpo}]\nsites:\n"
    for site in ids:
        registry += (
            f"  - {{id: {site}, name: Site {site}, vendor: acme_bpo, region: EMEA, country: IE,"
            " currency: EUR, timezone: Europe/Dublin, status: live, go_live: '2019-05-01'}\n"
        )
    month = _base_workspace(root, registry)
    for name, (profile, pattern) in SMALL_PROFILES.items():
        text = profile.replace("id: agent_day", f"id: {name}").replace(
            "id: site_month_extras", f"id: {name}"
        )
        text = re.sub(r'pattern: "[^"]+"', f'pattern: "{pattern}"', text)
        (root / "profiles" / f"{name}.yaml").write_text(text)
    for site in ids:
        make_workbook(250, month / f"{site}_agent_day_2026-10.xlsx", [site])
        text = month / f"{site}_agent_day_2026-10.csv"
        make_csv(250, text, [site])
        lines = text.read_text("utf-8").splitlines()
        text.write_text(  # other agents on a third queue, so that no key repeats
            "\n".join([lines[0]] + [ln.replace(f",{site}-", f",{site}-C") for ln in lines[1:]])
            + "\n",
            "utf-8",
        )
        extras = month / f"{site}_site_month_2026-10.csv"
        make_extras(extras, 500)
        rows = extras.read_text("utf-8").splitlines()
        extras.write_text(rows[0] + "\n" + rows[1].replace(SITES[0], site) + "\n", "utf-8")
    stamp_file.write_text(stamp)
    return 3 * sites


MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    started = time.perf_counter()
    {body}
    elapsed = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    peak_kb = own.ru_maxrss + children.ru_maxrss
    print(json.dumps({{"seconds": elapsed, "cpu_seconds": cpu, "peak_mb": peak_kb / 1024}}))
    """
)

BASELINES = {
    "xlsx": {
        "fastexcel (Arrow)": (
            "fastexcel",
            """
import fastexcel
table = fastexcel.read_excel(sys.argv[1]).load_sheet(0).to_arrow()
""",
        ),
        "polars read_excel": (
            "polars",
            """
import polars
frame = polars.read_excel(sys.argv[1], engine="calamine")
""",
        ),
        "python-calamine to_python": (
            "python_calamine",
            """
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
""",
        ),
    },
    "csv": {
        "polars read_csv": (
            "polars",
            """
import polars
frame = polars.read_csv(sys.argv[1])
""",
        ),
        "DuckDB read_csv": (
            "duckdb",
            """
import duckdb
duckdb.sql("set enable_progress_bar = false")
result = duckdb.sql(f"select * from read_csv('{sys.argv[1]}')").arrow()
table = result.read_all() if hasattr(result, "read_all") else result  # DuckDB 2: a reader
""",
        ),
        "Python csv module": (
            "csv",
            """
import csv
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    rows = list(csv.reader(fh))
""",
        ),
    },
}
"""Bare reads of the same file: (module that must be importable, code)."""

VALIDATE = """
from opsgov.cli import main
sys.argv = ["opsgov", "validate", "--period", "2026-10", "--workspace", sys.argv[2], "-q"]
try:
    main()
except SystemExit as exc:
    assert exc.code in (0, None), f"the benchmark month must validate clean (exit {exc.code})"
"""


SCORE = """
from opsgov.cli import main
sys.argv = ["opsgov", "score", "--period", "2026-10", "--workspace", sys.argv[2], "-q",
            "--out", sys.argv[2] + "/out", "--no-history"]
try:
    main()
except SystemExit as exc:
    assert exc.code in (0, None), f"the benchmark month must validate clean (exit {exc.code})"
"""

VALIDATE_LARGE = """
from pathlib import Path
from opsgov.intake.limits import Limits
from opsgov.pipeline import load_definitions, validate
from opsgov.issues import Severity
root = Path(sys.argv[2])
limits = Limits(max_rows=10_000_000, max_cells=200_000_000, max_file_bytes=2**31)
found = validate(load_definitions(root), period="2026-10", limits=limits)
assert not [i for i in found.issues if i.severity == Severity.ERROR], found.issues[:3]
"""
"""Past Excel's 1,048,576 rows the default limits refuse a file (F206, F215): validate through
the library with the limits raised, as a workspace that expects such files would."""


def run(body: str, *args: str) -> dict[str, float]:
    """Run one measurement in a fresh interpreter; its own time and peak RSS."""
    code = MEASURE.format(body=textwrap.indent(textwrap.dedent(body), "").strip())
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def measure(fmt: str, rows: int, repeat: int) -> dict[str, object]:
    """Every bare read of one format, then validate and score, alternating; medians."""
    root = DATA / f"ws_{fmt}_{rows}"
    path = make_workspace(root, rows, fmt)
    programs = {name: body for name, (module, body) in BASELINES[fmt].items() if _available(module)}
    for name, (module, _) in BASELINES[fmt].items():
        if name not in programs:  # a missing peer would make a slower one "the fastest"
            print(f"{name}: not installed (pip install {module}); left out", file=sys.stderr)
    if rows > LIMIT_ROWS:
        programs["opsgov validate (limits raised)"] = VALIDATE_LARGE
    else:
        programs["opsgov validate"] = VALIDATE
        programs["opsgov score"] = SCORE
    times: dict[str, list[float]] = {name: [] for name in programs}
    cpus: dict[str, list[float]] = {name: [] for name in programs}
    peaks: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(repeat):
        for name, body in programs.items():
            result = run(body, str(path), str(root))
            times[name].append(result["seconds"])
            cpus[name].append(result["cpu_seconds"])
            peaks[name].append(result["peak_mb"])
    median = {name: statistics.median(values) for name, values in times.items()}
    cpu = {name: statistics.median(values) for name, values in cpus.items()}
    peak = {name: max(values) for name, values in peaks.items()}
    bare = [name for name in programs if not name.startswith("opsgov")]
    fastest = min(bare, key=median.__getitem__)
    return {
        "format": fmt,
        "rows": rows,
        "fastest_bare_read": fastest,
        "programs": {
            name: {
                "seconds": round(median[name], 2),
                "time_ratio": round(median[name] / median[fastest], 2),
                "cpu_seconds": round(cpu[name], 2),
                "peak_mb": round(peak[name]),
                "memory_ratio": round(peak[name] / peak[fastest], 2),
            }
            for name in programs
        },
    }


def small_month(sites: int, repeat: int) -> dict[str, object]:
    """Validate and score a month of many small files; time per file."""
    root = DATA / f"ws_small_{sites}"
    files = make_small_month(root, sites)
    out: dict[str, object] = {"sites": sites, "files": files}
    for name, body in (("opsgov validate", VALIDATE), ("opsgov score", SCORE)):
        seconds = statistics.median(run(body, "", str(root))["seconds"] for _ in range(repeat))
        out[name] = {"seconds": round(seconds, 2), "ms_per_file": round(1000 * seconds / files)}
    return out


def main() -> None:
    """Generate (once), then time the bare reads, validate and score, alternating."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", default="xlsx,csv", help="xlsx, csv or both (comma)")
    parser.add_argument("--curve", help="row counts, comma-separated: one run each")
    parser.add_argument("--small", type=int, help="sites of a month of small files (3 each)")
    args = parser.parse_args()
    compile_opsgov()
    DATA.mkdir(exist_ok=True)
    if args.small:
        print(json.dumps(small_month(args.small, args.repeat), indent=2))
        return
    sizes = [int(n) for n in args.curve.split(",")] if args.curve else [args.rows]
    for fmt in args.format.split(","):
        for rows in sizes:
            if fmt == "xlsx" and rows > LIMIT_ROWS:
                print(f"xlsx: {rows:,} rows do not fit one sheet (Excel's grid); skipped")
                continue
            print(json.dumps(measure(fmt, rows, args.repeat), indent=2), flush=True)


if __name__ == "__main__":
    main()
