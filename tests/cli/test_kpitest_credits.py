"""`opsgov test`: service credits expected of the given rows, on every engine.

The sample workspace's Acme contract (`contracts/acme_bpo.yaml`): 10 % of the month's charges
at risk, capped at the at-risk amount (pro rata), Manila billed at 9.50 a productive hour and
Hyderabad's general queue at 0.45 an item; turnaround (sla_attain, minimum 0.88) carries 40 %
with repeat multipliers 1, 1.5, 2 over three months, critical errors (critical_error_rate,
minimum 0.008) 30 %, and 12-13 October are declared force majeure at Manila. Every figure
below is worked out by hand from those terms.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import invoke
from tests.support.kpi_tests import run_json, sample_workspace, write


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return sample_workspace(tmp_path)


def acme_month(period: str, *, typhoon: bool) -> str:
    """Manila and Hyderabad rows of one month (with the rows of the typhoon days, or not)."""
    bad_day = (
        f"""
          - {{date: "{period}-12", queue: general, items_sla_eligible: 1000,
             items_within_sla: 100, productive_seconds: 36000}}"""
        if typhoon
        else f"""
          - {{date: "{period}-14", queue: general, productive_seconds: 36000}}"""
    )
    return f"""\
      - site: MNL1
        period: "{period}"
        rows:
          - {{date: "{period}-05", queue: general, items_sla_eligible: 1000,
             items_within_sla: 850, qa_audited: 100, qa_correct: 96, qa_critical_errors: 0,
             productive_seconds: 180000}}{bad_day}
          - {{date: "{period}-06", queue: child_safety, items_sla_eligible: 200,
             items_within_sla: 196, qa_audited: 50, qa_correct: 49, qa_critical_errors: 0,
             productive_seconds: 144000}}
      - site: HYD1
        period: "{period}"
        rows:
          - {{date: "{period}-05", queue: general, items_sla_eligible: 800,
             items_within_sla: 700, qa_audited: 50, qa_correct: 48, qa_critical_errors: 2,
             items_handled: 800}}
"""


HEAD = """\
kind: kpi_test
id: acme_credits
period: "2026-10"
given:
"""

# October alone. Turnaround over both sites and queues, the typhoon days left out:
# (850 + 196 + 700) / (1000 + 200 + 800) = 1746 / 2000 = 0.873 < 0.88: missed (with the
# typhoon day it would be 0.615). Child safety (MNL1's queue, quarter to date): 196 / 200 =
# 0.98. Accuracy 193 / 200 = 0.965. Critical errors 2 / 200 = 0.01 > 0.008: missed.
# Charges: Manila 360,000 s = 100 h x 9.50 = 950.00 (typhoon days are billed); Hyderabad 800
# items x 0.45 = 360.00; 1,310.00. At risk 10 % = 131.00 = the cap. Credits: turnaround 0.40 x
# 131 = 52.40, critical errors 0.30 x 131 = 39.30; 91.70, under the cap.
OCTOBER = (
    HEAD
    + acme_month("2026-10", typhoon=True)
    + """\
expect:
  - credits: {contract: acme_msa, sl: turnaround, value: 0.873, status: missed, met: false,
              credit: 52.40, credited: 52.40, miss_number: 1}
  - credits: {contract: acme_msa, sl: child_safety_turnaround, value: 0.98, status: met_target}
  - credits: {vendor: acme_bpo, sl: accuracy, value: 0.965, met: true}
  - credits: {vendor: acme_bpo, sl: critical_errors, value: 0.01, status: missed, credited: 39.3}
  - credits: {contract: acme_msa, charges: 1310, at_risk: 131, cap: 131, cap_binds: false,
              credits_before_cap: 91.70, credited: 91.70, net: 91.70}
  - credits:
      contract: acme_msa
      rows: [{sl: critical_errors, credited: 39.30}, {sl: turnaround, credited: 52.40}]
"""
)


@pytest.mark.parametrize("engine", ["numpy", "duckdb"])
def test_a_month_of_credits_worked_out_by_hand_passes_on_each_engine(ws: Path, engine: str) -> None:
    write(ws, "acme.yaml", OCTOBER)
    body = run_json(ws, engine)
    assert body["summary"] == {"files": 1, "cases": 21, "passed": 21, "failed": 0}
    assert {c["engine"] for c in body["cases"]} == {engine}
    names = [c["name"] for c in body["cases"]]
    assert names[0] == "expect[0] value of turnaround of acme_msa in 2026-10"
    assert "expect[4] cap binds of acme_msa in 2026-10" in names


def test_credits_on_spark_agree(spark_session: object, ws: Path) -> None:
    write(ws, "acme.yaml", OCTOBER)
    assert run_json(ws, "spark")["summary"]["failed"] == 0


# August, September and October alike, without the typhoon rows outside October (its day's
# hours are billed on the 14th): each month 1,310.00 charged and 131.00 at risk, turnaround
# 0.873 and critical errors 0.01 missed. Turnaround's third miss in three months has the
# multiplier 2: 2 x 52.40 = 104.80; with critical errors' 39.30 that is 144.10 > 131.00, so the
# cap binds and is shared pro rata: 131 x 104.80 / 144.10 = 95.2727 and 131 x 39.30 / 144.10 =
# 35.7273; to the cent 95.27 + 35.72 = 130.99, the last cent to the larger remainder (0.73):
# 95.27 and 35.73. September: 1.5 x 52.40 = 78.60. August's turnaround credit is forfeited in
# September (sustained earn-back: September misses the target again).
THREE_MONTHS = (
    HEAD
    + acme_month("2026-08", typhoon=False)
    + acme_month("2026-09", typhoon=False)
    + acme_month("2026-10", typhoon=True)
    + """\
expect:
  - credits: {contract: acme_msa, period: "2026-09", sl: turnaround, miss_number: 2,
              multiplier: 1.5, credited: 78.60}
  - credits: {contract: acme_msa, sl: turnaround, miss_number: 3, multiplier: 2, credit: 104.80,
              credited: 95.27}
  - credits: {contract: acme_msa, credits_before_cap: 144.10, cap_binds: true, credited: 131}
  - credits:
      contract: acme_msa
      rows: [{sl: turnaround, credited: 95.27}, {sl: critical_errors, credited: 35.73}]
  - credits:
      contract: acme_msa
      period: "2026-08"
      sl: turnaround
      earn_back: {status: forfeited, earned: 0}
"""
)


@pytest.mark.parametrize("engine", ["numpy", "duckdb"])
def test_repeat_misses_a_binding_cap_and_earn_back_over_months(ws: Path, engine: str) -> None:
    write(ws, "acme.yaml", THREE_MONTHS)
    body = run_json(ws, engine)
    assert body["summary"]["failed"] == 0, [c for c in body["cases"] if not c["passed"]]
    assert body["summary"]["cases"] == 12


# A contract given in the test itself: 1,000.00 fixed at risk, turnaround 50 % of it, earned
# back at half when the next month beats the target. Lisbon, September: 850 / 1000 = 0.85 <
# 0.90, missed: 0.5 x 1,000 = 500.00. October: 970 / 1000 = 0.97 >= 0.95, so half the
# September credit, 250.00, is earned back and booked in October: net -250.00.
INLINE = """\
kind: kpi_test
id: pilot_terms
period: "2026-10"
contracts:
  - id: pilot_terms
    name: Pilot terms for Teleworks
    vendor: teleworks
    currency: USD
    versions:
      - version: pilot
        effective_from: "2026-09-01"
        at_risk: {fixed: 1000}
        pool: 1
        service_levels:
          - {id: turnaround, kpi: sla_attain, target: 0.95, minimum: 0.90, allocation: 0.5}
        earn_back: {rule: exceed_target, window_months: 1, share: 0.5}
given:
  - site: LIS1
    period: "2026-09"
    rows: [{date: "2026-09-03", items_sla_eligible: 1000, items_within_sla: 850}]
  - site: LIS1
    rows: [{date: "2026-10-03", items_sla_eligible: 1000, items_within_sla: 970}]
expect:
  - credits: {contract: pilot_terms, period: "2026-09", sl: turnaround, status: missed,
              credited: 500, earn_back: {status: earned, earned: 250}}
  - credits: {contract: pilot_terms, credited: 0, earned_back: 250, net: -250, rows: []}
  - credits: {contract: pilot_terms, sl: turnaround, status: met_target, credited: 0}
"""


def test_a_contract_given_in_the_test_with_earn_back_and_no_credit_rows(ws: Path) -> None:
    write(ws, "pilot.yaml", INLINE)
    body = run_json(ws, "duckdb")
    assert body["summary"]["failed"] == 0, [c for c in body["cases"] if not c["passed"]]
    assert body["summary"]["cases"] == 9


def test_a_wrong_credit_fails_at_its_line_with_expected_and_actual(ws: Path) -> None:
    write(ws, "acme.yaml", HEAD + acme_month("2026-10", typhoon=True) + """\
expect:
  - credits: {contract: acme_msa, sl: turnaround, credited: 52.41}
  - credits:
      contract: acme_msa
      sl: critical_errors
      status: met_target
  - credits: {contract: acme_msa, cap_binds: true}
  - credits: {contract: acme_msa, rows: [{sl: turnaround, credited: 52.40}]}
""")  # fmt: skip
    result = invoke(["test", "-w", str(ws), "--engine", "numpy"], code=1)
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "tests/acme.yaml:23: FAIL T910 acme_credits: expect[0] credited of turnaround of "
        "acme_msa in 2026-10 [numpy]"
    )
    assert lines[1].split() == ["expected", "52.41", "USD"]
    assert lines[2].split() == ["actual", "52.40", "USD"]
    assert lines[3].strip().startswith("off by 0.00999")
    body = run_json(ws, "numpy", 1)
    failed = {(c["code"], c["line"]): c for c in body["cases"] if not c["passed"]}
    assert sorted(failed) == [("T909", 27), ("T910", 23), ("T911", 28), ("T913", 29)]
    assert failed[("T909", 27)]["actual"] == "missed"
    assert failed[("T909", 27)]["message"] == "value 0.01, target 0.005, minimum 0.008"
    assert failed[("T913", 29)]["message"] == "unexpected credit for critical_errors"
    github = invoke(["test", "-w", str(ws), "--engine", "numpy", "-f", "github"], code=1).stdout
    assert github.splitlines()[0].startswith(
        "::error file=tests/acme.yaml,line=23,title=T910 acme_credits [numpy]::"
    )


def test_unknown_contract_service_level_and_misplaced_checks_are_reported(ws: Path) -> None:
    write(ws, "bad.yaml", """\
        kind: kpi_test
        id: bad_credits
        given:
          - site: MNL1
            rows: [{items_sla_eligible: 10, items_within_sla: 9}]
        expect:
          - credits: {contract: acme_mas, credited: 0}
          - credits: {vendor: acme_bpo, sl: turnarond, status: missed}
          - credits: {vendor: acme_bpo, sl: turnaround, at_risk: 10}
          - credits: {vendor: acme_bpo, credit: 10}
          - credits: {vendor: acme_bpo, sl: turnaround, status: missed, tolerance: {absolute: 1}}
    """)  # fmt: skip
    body = run_json(ws, "numpy", 1)
    got = sorted((c["code"], c["line"]) for c in body["cases"])
    assert got == [("D192", 9), ("D192", 10), ("D196", 7), ("D197", 8)]
    report = json.loads(invoke(["lint", str(ws), "-f", "json"], code=1).stdout)
    found = {(i["code"], i["line"]): i for i in report["issues"]
             if i["file"].endswith("tests/bad.yaml")}  # fmt: skip
    assert sorted(found) == [("D192", 9), ("D192", 10), ("D196", 7), ("D197", 8), ("D198", 11)]
    assert found[("D196", 7)]["hint"] == "Did you mean `acme_msa`?"
    assert found[("D197", 8)]["hint"] == "Did you mean `turnaround`?"
    assert found[("D198", 11)]["severity"] == "warning"
