"""`opsgov test`: capacity results expected for given volumes, handle times and targets.

Capacity results depend on volumes and handle times only, not on an engine: each check is one
case under the engine `capacity`. The known answers are worked out here independently: the
workload formula by hand, Erlang C from its textbook sum of factorials (the program uses the
Erlang B recursion instead).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.conftest import invoke
from tests.support.kpi_tests import run_json, sample_workspace, write


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return sample_workspace(tmp_path)


def erlang_c_wait(load: float, agents: int) -> float:
    """P(wait) of M/M/n: the Erlang C formula as a sum of powers over factorials."""
    top = load**agents / math.factorial(agents) * agents / (agents - load)
    return top / (sum(load**k / math.factorial(k) for k in range(agents)) + top)


def service_level(load: float, agents: int, aht: float, target: float) -> float:
    return 1 - erlang_c_wait(load, agents) * math.exp(-(agents - load) * target / aht)


SETTINGS = """\
capacity:
  hours_per_fte: 160
  shrinkage: 0.3
  occupancy_target: 0.85
  max_occupancy: 0.85
  profile: {minutes: 30, open_hours: 24, days_per_week: 7}
  queues:
    general: {channel: voice, service_level: {share: 0.8, seconds: 20}}
    escalations: {channel: deferrable}
"""


def test_deferrable_and_erlang_c_requirements_worked_out_independently(ws: Path) -> None:
    # Deferrable: 50,000 items x 720 s = 10,000 h; / (160 h x 0.85) = 73.53 productive FTE;
    # / (1 - 0.3) = 105.04 FTE; 106 people scheduled.
    fte = 50_000 * 720 / 3600 / (160 * 0.85) / 0.7
    # Voice: 100 calls every half hour all October (48 x 31 x 100 = 148,800), 180 s each: 10
    # Erlangs. 13 agents answer under 80 % within 20 s, 14 do; occupancy 10 / 14 <= 0.85.
    load, aht = 10.0, 180.0
    assert service_level(load, 13, aht, 20) < 0.8 <= service_level(load, 14, aht, 20)
    wait = erlang_c_wait(load, 14)
    # 14 agents x 48 half hours x 31 days = 10,416 staffed hours; / 160 = 65.1; / 0.7 = 93.
    write(ws, "staffing.yaml", "kind: kpi_test\nid: staffing\nperiod: \"2026-10\"\n" + SETTINGS
          + f"""\
expect:
  - capacity: {{site: DUB1, queue: escalations, volume: 50000, aht_seconds: 720,
                workload_hours: 10000, productive_fte: {10_000 / 136!r}, fte: {fte!r},
                scheduled: 106, occupancy: 0.85}}
  - capacity:
      site: LIS1
      queue: general
      volume: 148800
      aht_seconds: 180
      agents: 14
      service_level: {service_level(load, 14, aht, 20)!r}
      asa: {wait * aht / (14 - load)!r}
      occupancy: {load / 14!r}
      p_wait: {wait!r}
      workload_hours: 10416
      fte: 93
      scheduled: 93
      tolerance: {{relative: 1.0e-9}}
""")  # fmt: skip
    body = run_json(ws)
    assert body["summary"]["failed"] == 0, [c for c in body["cases"] if not c["passed"]]
    assert body["summary"]["cases"] == 13
    assert {c["engine"] for c in body["cases"]} == {"capacity"}


def test_volume_and_handle_time_from_the_given_rows_with_the_workspace_settings(
    ws: Path,
) -> None:
    # The sample workspace plans Manila at 168 paid hours, 24 % shrinkage, 85 % occupancy, and
    # its general queue 80 % in English. AHT from the rows: 3,000,000 s / 5,000 = 600 s.
    whole = 5000 * 600 / 3600 / (168 * 0.85) / 0.76
    write(ws, "manila.yaml", f"""\
        kind: kpi_test
        id: manila_staffing
        given:
          - site: MNL1
            rows:
              - {{date: "2026-10-01", queue: general, items_received: 2000,
                 items_handled: 2000, handle_seconds: 1000000}}
              - {{date: "2026-10-02", queue: general, items_received: 3000,
                 items_handled: 3000, handle_seconds: 2000000}}
        expect:
          - capacity: {{site: MNL1, queue: general, fte: {whole!r}, scheduled: 8}}
          - capacity: {{site: MNL1, queue: general, language: en, fte: {whole * 0.8!r}}}
          - capacity: {{site: MNL1, queue: general, fte: 7.6, tolerance: {{absolute: 0.05}}}}
    """)  # fmt: skip
    body = run_json(ws, "numpy", 1)
    cases = body["cases"]
    assert [c["passed"] for c in cases] == [True, True, True, False]
    # 7.68 is 0.08 from 7.6: outside the 0.05 allowed, reported at the expectation's line.
    assert cases[3]["code"] == "T915"
    assert cases[3]["line"] == 13
    assert cases[3]["expected"] == "7.6"
    assert float(cases[3]["actual"]) == pytest.approx(whole, rel=1e-12)
    assert cases[3]["message"].endswith("allowed 0.05 absolute")


def test_a_failing_capacity_figure_reports_expected_actual_and_line(ws: Path) -> None:
    write(ws, "wrong.yaml", "kind: kpi_test\nid: wrong\nperiod: \"2026-10\"\n" + SETTINGS + """\
expect:
  - capacity: {site: LIS1, queue: general, volume: 148800, aht_seconds: 180, agents: 13}
""")  # fmt: skip
    result = invoke(["test", "-w", str(ws), "--engine", "numpy"], code=1)
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "tests/wrong.yaml:14: FAIL T916 wrong: expect[0] agents of LIS1 general in 2026-10 "
        "[capacity]"
    )
    assert lines[1].split() == ["expected", "13"]
    assert lines[2].split() == ["actual", "14"]


def test_capacity_that_cannot_be_worked_out_says_why(ws: Path) -> None:
    write(ws, "norows.yaml", """\
        kind: kpi_test
        id: no_volume
        given:
          - site: MNL1
            rows: [{queue: general, items_handled: 10, handle_seconds: 6000}]
        expect:
          - capacity: {site: MNL1, queue: general, fte: 1}
    """)  # fmt: skip
    write(ws, "bad.yaml", """\
        kind: kpi_test
        id: bad_capacity
        expect:
          - capacity: {site: MNL1, queue: voice, volume: 10, aht_seconds: 60, fte: 1}
          - capacity: {site: MNL1, queue: general, language: fr, volume: 10, aht_seconds: 6,
                       fte: 1}
          - capacity: {site: MNL1, queue: general, volume: 10, aht_seconds: 60, agents: 3}
          - capacity: {site: MNL9, queue: general, volume: 10, aht_seconds: 60, fte: 1}
          - capacity: {site: MNL1, queue: general, volume: 10, aht_seconds: 60, scheduled: 1,
                       tolerance: {absolute: 0.5}}
    """)  # fmt: skip
    body = run_json(ws, "numpy", 1)
    got = sorted((c["test"], c["code"], c["line"]) for c in body["cases"] if not c["passed"])
    assert got == [
        ("bad_capacity", "D189", 8),
        ("bad_capacity", "D199", 4),
        ("bad_capacity", "D199", 5),
        ("bad_capacity", "D199", 7),
        ("no_volume", "T917", 7),
    ]
    no_volume = next(c for c in body["cases"] if c["code"] == "T917")
    assert no_volume["message"].startswith("no items_received in the given rows of MNL1")
    report = json.loads(invoke(["lint", str(ws), "-f", "json"], code=1).stdout)
    d198 = [i for i in report["issues"] if i["code"] == "D198"]
    assert [(i["line"], i["severity"]) for i in d198] == [(10, "warning")]
