"""Contract lint: each mistake has its own code at the line and column of its cause."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, invoke

GOOD = """\
kind: contract
id: acme_msa
name: Acme MSA
vendor: acme_bpo
currency: USD
versions:
  - version: "1"
    effective_from: "2026-01-01"
    effective_to: "2026-12-31"
    at_risk: {share: 0.10}
    pool: 1.0
    service_levels:
      - id: turnaround
        kpi: sla_attain
        target: 0.92
        minimum: 0.88
        allocation: 0.6
        scope: {sites: [MNL1], queues: [child_safety]}
      - id: accuracy
        kpi: qa_accuracy
        target: 0.95
        minimum: 0.93
        allocation: 0.4
    earn_back: {rule: sustained, window_months: 3}
    pricing:
      lines:
        - {id: hours, basis: productive_hour, rate: 9.5}
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    # The sample's KPI tests expect the sample contract, which these tests replace.
    skip = shutil.ignore_patterns("out", "*.sqlite*", "tests")
    shutil.copytree(REPO / "sample_data", ws, ignore=skip)
    shutil.rmtree(ws / "contracts")
    (ws / "contracts").mkdir()
    return ws


def lint(ws: Path, text: str, code: int = 1) -> list[tuple[str, int, int, str]]:
    (ws / "contracts" / "acme.yaml").write_text(text, "utf-8")
    out = invoke(["lint", str(ws), "--format", "json"], code).stdout
    found = json.loads(out)["issues"]
    return [
        (f["code"], f["line"], f["column"], f["message"])
        for f in found
        if f["file"].endswith("acme.yaml")
    ]


def test_a_good_contract_lints_clean(workspace: Path) -> None:
    assert lint(workspace, GOOD, 0) == []


def test_sample_contracts_lint_clean() -> None:
    invoke(["lint", str(REPO / "sample_data")])


def codes(found: list[tuple[str, int, int, str]]) -> list[tuple[str, int, int]]:
    return [(c, line, col) for c, line, col, _ in found]


def test_allocations_over_the_pool_is_d169_at_the_pool(workspace: Path) -> None:
    found = lint(workspace, GOOD.replace("allocation: 0.4", "allocation: 0.5"))
    assert codes(found) == [("D169", 11, 11)]
    assert "1.1 (0.6 + 0.5)" in found[0][3]


def test_unknown_kpi_is_d167_with_a_suggestion(workspace: Path) -> None:
    found = lint(workspace, GOOD.replace("kpi: qa_accuracy", "kpi: qa_acuracy"))
    assert codes(found) == [("D167", 20, 14)]


def test_overlapping_versions_are_d170(workspace: Path) -> None:
    renewal = GOOD.split("versions:\n", 1)[1].replace('version: "1"', 'version: "2"')
    renewal = renewal.replace('effective_from: "2026-01-01"', 'effective_from: "2026-12-01"')
    renewal = renewal.replace('effective_to: "2026-12-31"', 'effective_to: "2027-12-31"')
    found = lint(workspace, GOOD + renewal)
    assert codes(found) == [("D170", 29, 21)]  # the renewal's effective_from
    assert "overlaps version `1`" in found[0][3]


def test_earn_back_window_longer_than_the_term_is_d171(workspace: Path) -> None:
    found = lint(workspace, GOOD.replace("window_months: 3}", "window_months: 13}"))
    assert codes(found) == [("D171", 24, 49)]
    assert "the term of version `1` is 12" in found[0][3]


def test_currency_without_fx_rates_is_d172(workspace: Path) -> None:
    found = lint(workspace, GOOD.replace("currency: USD", "currency: GBP"))
    assert codes(found) == [("D172", 5, 11)]


def test_scope_outside_the_vendor_is_d173(workspace: Path) -> None:
    found = lint(workspace, GOOD.replace("sites: [MNL1]", "sites: [LIS1]"))
    # LIS1 is Teleworks'; and then no site in scope works child_safety.
    assert [c for c, *_ in found] == ["D173", "D173"]
    assert found[0][1:3] == (18, 25)


def test_minimum_better_than_target_is_d174(workspace: Path) -> None:
    found = lint(workspace, GOOD.replace("minimum: 0.93", "minimum: 0.97"))
    assert codes(found) == [("D174", 22, 18)]


def test_at_risk_share_without_pricing_is_d176(workspace: Path) -> None:
    text = GOOD.split("    pricing:")[0]
    assert codes(lint(workspace, text)) == [("D176", 10, 22)]


def test_in_house_vendor_and_second_contract(workspace: Path) -> None:
    found = lint(workspace, GOOD.replace("vendor: acme_bpo", "vendor: inhouse"))
    assert ("D166", 4, 9) in codes(found)
    (workspace / "contracts" / "again.yaml").write_text(GOOD, "utf-8")
    (workspace / "contracts" / "acme.yaml").write_text(GOOD, "utf-8")
    out = json.loads(invoke(["lint", str(workspace), "--format", "json"], 1).stdout)
    assert [(f["code"], f["file"].rsplit("/", 1)[1], f["line"]) for f in out["issues"]] == [
        ("D178", "again.yaml", 4)
    ]


def test_unknown_key_and_bad_amount_are_reported_at_their_place(workspace: Path) -> None:
    text = GOOD.replace("pool: 1.0", "pool: 1.0\n    pools: 2").replace("rate: 9.5", 'rate: "9,5x"')
    found = codes(lint(workspace, text))
    assert ("D110", 12, 5) in found
    assert ("D112", 28, 53) in found


def test_contract_schema_is_printed() -> None:
    schema = json.loads(invoke(["schema", "contract"]).stdout)
    assert schema["title"] == "Contract"
    assert "versions" in schema["properties"]
