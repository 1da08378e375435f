"""`opsgov test`: KPI tests in YAML, run in process and on every SQL engine.

The built-in frameworks' own tests (every KPI, worked out by hand in their comments) run here
on each engine; the rest drives small tests written here whose answers are plain arithmetic.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from opsgov.definitions import load_definition
from opsgov.models.framework import Framework
from opsgov.models.kpitest import KpiTest
from tests.conftest import REPO, invoke
from tests.support.kpi_tests import run_json, sample_workspace, write

FRAMEWORKS = ("trust_safety", "customer_support")


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A workspace made by `opsgov init` for each built-in framework (with its tests)."""
    out = {}
    for name in FRAMEWORKS:
        root = tmp_path_factory.mktemp(name) / "ws"
        invoke(["init", str(root), "--framework", name, "-q"])
        out[name] = root
    return out


def _kpis_in(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.glob("*.yaml"):
        test = load_definition(path).definition
        assert isinstance(test, KpiTest), path
        found |= {e.kpi for e in test.expect if e.kpi and "value" in e.checks()}
    return found


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_each_built_in_framework_ships_tests_of_every_kpi(name: str) -> None:
    framework = load_definition(REPO / "frameworks" / f"{name}.yaml").definition
    assert isinstance(framework, Framework)
    assert _kpis_in(REPO / "frameworks" / "tests" / name) == {k.id for k in framework.kpis}


@pytest.mark.parametrize("name", FRAMEWORKS)
@pytest.mark.parametrize("engine", ["numpy", "duckdb"])
def test_built_in_tests_pass_on_each_engine(
    workspaces: dict[str, Path], name: str, engine: str
) -> None:
    shipped = [p.name for p in (REPO / "frameworks" / "tests" / name).iterdir()]
    assert sorted(p.name for p in (workspaces[name] / "tests").iterdir()) == sorted(
        [*shipped, "example_bpo_credits_and_capacity.yaml"]
    )
    result = invoke(["test", "-w", str(workspaces[name]), "--engine", engine, "-f", "json"])
    body = json.loads(result.stdout)
    assert body["summary"]["failed"] == 0, [c for c in body["cases"] if not c["passed"]]
    assert body["engines"] == [engine]
    assert body["summary"]["passed"] >= len(_kpis_in(workspaces[name] / "tests"))


def test_the_init_example_catches_a_changed_contract(tmp_path: Path) -> None:
    # Turnaround's allocation cut from 60 % to 50 % of the 230.00 at risk: September's credit
    # is 115.00, not 138.00, and October's 1.5 x 115.00 = 172.50, not 207.00.
    root = tmp_path / "ws"
    invoke(["init", str(root), "-q"])
    contract = root / "contracts" / "example_bpo.yaml"
    text = contract.read_text("utf-8")
    assert "allocation: 0.60" in text
    contract.write_text(text.replace("allocation: 0.60", "allocation: 0.50", 1), "utf-8")
    result = invoke(["test", "-w", str(root), "--engine", "numpy", "-f", "json"], code=1)
    failed = [c for c in json.loads(result.stdout)["cases"] if not c["passed"]]
    assert {c["file"] for c in failed} == {"tests/example_bpo_credits_and_capacity.yaml"}
    amounts = sorted((c["expected"], c["actual"]) for c in failed)
    assert amounts == [
        ("138.00 USD", "115.00 USD"),
        ("207.00 USD", "172.50 USD"),
        ("turnaround=207.00 USD", "turnaround=172.50 USD"),  # the rows of credits
    ]


def test_built_in_tests_pass_on_spark(spark_session: object, workspaces: dict[str, Path]) -> None:
    result = invoke(["test", "-w", str(workspaces["trust_safety"]), "--engine", "spark"])
    assert " 0 failed" in result.stdout


# Tests written here, on the sample workspace's registry --------------------------------------


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return sample_workspace(tmp_path)


TWO_SITES = """\
    kind: kpi_test
    id: two_sites
    period: "2026-10"
    given:
      - site: MNL1
        rows:
          - {date: "2026-10-01", queue: general, items_handled: 100, handle_seconds: 30000}
          - {date: "2026-10-02", queue: general, items_handled: 300, handle_seconds: 60000}
      - site: HYD1
        rows:
          - {date: "2026-10-01", queue: general, items_handled: 100, handle_seconds: 50000}
    expect:
"""


def test_passing_checks_exit_0_and_count_one_case_per_check_and_engine(ws: Path) -> None:
    write(ws, "aht.yaml", TWO_SITES + """\
      - {kpi: aht, level: site, id: MNL1, value: 225}
      - {kpi: aht, level: vendor, id: acme_bpo, value: 280, status: green}
      - {kpi: sla_attain, level: site, id: MNL1, value: null}
    """)  # fmt: skip
    result = invoke(["test", "-w", str(ws), "--engine", "duckdb"])
    # MNL1: 90,000 s / 400; Acme (MNL1 and HYD1): 140,000 s / 500, not the mean of 225 and
    # 500, and green (at or under 420 s).
    assert result.stdout.strip() == ("4 passed, 0 failed (4 checks in 1 file(s), engines: duckdb)")


def test_a_wrong_value_fails_at_its_line_with_expected_and_actual(ws: Path) -> None:
    write(ws, "aht.yaml", TWO_SITES + """\
      - {kpi: aht, level: site, id: MNL1, value: 225}
      - {kpi: aht, value: 281}
    """)  # fmt: skip
    result = invoke(["test", "-w", str(ws), "--engine", "numpy"], code=1)
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "tests/aht.yaml:14: FAIL T900 two_sites: expect[1] value of aht at global [numpy]"
    )
    assert lines[1].split() == ["expected", "281.0"]
    assert lines[2].split() == ["actual", "280.0"]
    assert lines[-1].startswith("1 passed, 1 failed")


def test_float_tolerance_absolute_and_relative(ws: Path) -> None:
    write(ws, "tol.yaml", TWO_SITES + """\
      - {kpi: aht, level: site, id: MNL1, value: 225.004, tolerance: {absolute: 0.01}}
      - {kpi: aht, level: site, id: MNL1, value: 225.2, tolerance: {relative: 0.001}}
      - {kpi: aht, level: site, id: MNL1, value: 225.004, tolerance: {absolute: 0.001}}
      - {kpi: aht, level: site, id: MNL1, value: 225.3, tolerance: {relative: 0.001}}
      - {kpi: aht, level: site, id: MNL1, value: 225.000000001}
    """)  # fmt: skip
    body = json.loads(invoke(["test", "-w", str(ws), "--engine", "numpy", "-f", "json"], 1).stdout)
    passed = [c["passed"] for c in body["cases"]]
    # 0.004 <= 0.01; 0.2 <= 0.225; 0.004 > 0.001; 0.3 > 0.225; 1e-9 off is within 1e-9 relative.
    assert passed == [True, True, False, False, True]
    assert body["cases"][2]["code"] == "T900"
    assert "allowed 0.001 absolute" in body["cases"][2]["message"]


def test_rows_compare_in_any_order_and_expect_no_rows(ws: Path) -> None:
    write(ws, "rows.yaml", TWO_SITES + """\
      - kpi: aht
        level: site
        rows: [{id: HYD1, value: 500}, {id: MNL1, value: 225}]
      - {kpi: sla_attain, level: site, rows: []}
      - {kpi: aht, level: site, rows: []}
      - kpi: aht
        level: site
        rows: [{id: MNL1, value: 225}]
    """)  # fmt: skip
    body = json.loads(invoke(["test", "-w", str(ws), "--engine", "duckdb", "-f", "json"], 1).stdout)
    cases = body["cases"]
    assert [c["passed"] for c in cases] == [True, True, False, False]
    assert cases[2]["actual"] == "HYD1=500.0, MNL1=225.0"
    assert cases[2]["expected"] == "no rows"
    assert cases[3]["message"] == "unexpected HYD1"


def test_findings_of_a_file_read_through_a_profile(ws: Path) -> None:
    data = ws / "tests" / "data" / "controls.csv"
    data.parent.mkdir(parents=True)
    data.write_text(
        "Site,Controls Tested,Controls Passed,Critical Findings,Overdue Remediations\n"
        "DUB1,20,19,0,1\nDUB1,10,lots,1,2\n",
        "utf-8",
    )
    write(ws, "controls.yaml", """\
        kind: kpi_test
        id: controls_file
        period: "2026-10"
        given:
          - {site: DUB1, file: data/controls.csv, profile: compliance_controls}
        expect:
          - findings: [{code: V302, cell: C3}]
          - findings: [{code: V301, cell: C3}]
          - {kpi: control_pass_rate, level: site, id: DUB1, value: 0.95}
    """)  # fmt: skip
    body = json.loads(invoke(["test", "-w", str(ws), "--engine", "numpy", "-f", "json"], 1).stdout)
    findings = [c for c in body["cases"] if c["engine"] == "intake"]
    assert [c["passed"] for c in findings] == [True, False]
    assert "V302 at controls!C3" in findings[1]["actual"]
    # The bad cell is left out: 19 passed of 20 (the second row has no number of passed).
    value = next(c for c in body["cases"] if c["engine"] == "numpy")
    assert value["passed"], value


def test_a_test_that_cannot_run_says_why_at_its_line(ws: Path) -> None:
    write(ws, "bad.yaml", """\
        kind: kpi_test
        id: bad
        given:
          - site: XYZ1
            rows: [{items_handled: 1}]
          - site: MNL1
            rows: [{items_handeld: 1}]
          - {site: HYD1, file: nowhere.csv, profile: compliance_controls}
        expect:
          - {kpi: ahtt, value: 1}
          - {kpi: aht, level: vendor, id: nobody, value: 1}
          - {kpi: aht}
    """)  # fmt: skip
    body = json.loads(invoke(["test", "-w", str(ws), "-f", "json"], code=1).stdout)
    got = sorted((c["code"], c["line"]) for c in body["cases"])
    assert got == [("D188", 10), ("D189", 4), ("D189", 11), ("D190", 7), ("D191", 8), ("D192", 12)]


def test_junit_has_one_case_per_check_and_github_annotates_failures(ws: Path) -> None:
    write(ws, "aht.yaml", TWO_SITES + """\
      - {kpi: aht, level: site, id: MNL1, value: 225, status: red}
    """)  # fmt: skip
    out = ws / "kpi.xml"
    invoke(["test", "-w", str(ws), "--engine", "numpy", "-f", "junit", "-o", str(out)], code=1)
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = suite.findall("testcase")
    assert [c.get("line") for c in cases] == ["13", "13"]
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("message") == "expected red, actual green"
    github = invoke(["test", "-w", str(ws), "--engine", "numpy", "-f", "github"], code=1).stdout
    assert github.startswith("::error file=tests/aht.yaml,line=13,title=T901 two_sites [numpy]::")


def test_no_tests_is_a_warning_not_a_failure(ws: Path) -> None:
    result = invoke(["test", "-w", str(ws), "--engine", "numpy"])
    assert "D193" in result.stdout
    assert "0 passed, 0 failed" in result.stdout


def test_a_kpi_on_site_keyed_figures_is_not_by_queue_in_a_queue_view(ws: Path) -> None:
    write(ws, "queues.yaml", """\
        kind: kpi_test
        id: site_keyed
        period: "2026-10"
        given:
          - site: MNL1
            rows:
              - {date: "2026-10-01", queue: general, items_handled: 100, handle_seconds: 30000}
              - {date: "2026-10-31", hc_avg: 50, leavers: 2}
        expect:
          - {kpi: attrition_m, level: site, id: MNL1, value: 0.04, status: amber}
          - {kpi: attrition_m, level: site, id: MNL1, queue: general, value: null,
             status: not_by_queue}
          - {kpi: aht, level: site, id: MNL1, queue: general, value: 300}
    """)  # fmt: skip
    # 2 leavers over an average headcount of 50 (amber: over 3 %, within 4.5 %); a headcount
    # file has no queue, so no queue's view can hold the KPI; the daily rows can.
    for engine in ("numpy", "duckdb"):
        body = run_json(ws, engine)
        checks = [(c["name"], c["passed"]) for c in body["cases"]]
        assert checks == [
            ("expect[0] value of attrition_m at site MNL1", True),
            ("expect[0] status of attrition_m at site MNL1", True),
            ("expect[1] value of attrition_m at site MNL1 queue general", True),
            ("expect[1] status of attrition_m at site MNL1 queue general", True),
            ("expect[2] value of aht at site MNL1 queue general", True),
        ], engine
