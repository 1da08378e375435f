"""Invoice reconciliation: the sample invoice's two discrepancies at their cells; csv invoices."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, invoke
from tests.support import sample_invoice as si

D = Decimal


def _workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(REPO / "sample_data", ws, ignore=shutil.ignore_patterns("out", "*.sqlite*"))
    return ws


def _run(ws: Path, code: int) -> tuple[dict[str, Any], str]:
    result = invoke(
        ["credits", "--period", "2026-10", "--vendor", "acme_bpo", "-w", str(ws),
         "--format", "json", "--no-history"],
        code,
    )  # fmt: skip
    return json.loads(result.stdout), result.stderr


def test_the_sample_invoice_shows_its_two_discrepancies_at_their_cells(tmp_path: Path) -> None:
    body, err = _run(_workspace(tmp_path), 1)
    invoice = body["vendors"][0]["months"][-1]["invoice"]
    mnl, hyd = si.invoice_lines()
    assert invoice["file"] == "inbox/2026-10/ACME_invoice_2026-10.xlsx"
    lines = {ln["line"]: ln for ln in invoice["lines"]}
    # 1: the right hours at 9.75 instead of 9.50.
    assert D(lines["mnl_productive_hours"]["recomputed"]) == mnl.right_amount
    assert D(lines["mnl_productive_hours"]["difference"]) == mnl.amount - mnl.right_amount
    # 2: 2,500 items more than were handled, at the right bands (0.40 each above 200,000).
    assert D(lines["hyd_items"]["recomputed_units"]) == hyd.right_units
    assert D(lines["hyd_items"]["difference"]) == D("1000.00") == 2500 * D("0.40")
    assert D(invoice["difference"]) == (mnl.amount - mnl.right_amount) + D("1000.00")
    found = [
        line.split(":", 1)[0]
        for line in err.splitlines()
        if line.startswith(("error C7", "warning C7"))
    ]
    where = "at inbox/2026-10/ACME_invoice_2026-10.xlsx Invoice!"
    assert found == [
        f"error C712 {where}D6",
        f"error C710 {where}E6",
        f"warning C711 {where}C7",
        f"error C710 {where}E7",
    ]


CSV_HEADER = "Line,Description,Quantity,Unit Price,Amount\n"


def _csv_invoice(ws: Path, rows: list[str]) -> None:
    (ws / "inbox" / "2026-10" / "ACME_invoice_2026-10.xlsx").unlink()
    (ws / "inbox" / "2026-10" / "ACME_invoice_2026-10.csv").write_text(
        CSV_HEADER + "".join(r + "\n" for r in rows), "utf-8"
    )
    profile = ws / "profiles" / "acme_invoice.yaml"
    profile.write_text(
        profile.read_text("utf-8")
        .replace('pattern: "ACME_invoice_{period}.xlsx"', 'pattern: "ACME_invoice_{period}.csv"')
        .replace("sheet:\n  name: Invoice\n", ""),
        "utf-8",
    )


def test_a_correct_csv_invoice_reconciles_within_tolerance(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    mnl, hyd = si.invoice_lines()
    # 50 cents off on the hours line: inside the 1.00 tolerance.
    off = mnl.right_amount + D("0.50")
    _csv_invoice(ws, [f"mnl_productive_hours,Hours,{mnl.right_units},9.50,{off}",
                      f"hyd_items,Items,{hyd.right_units},,{hyd.right_amount}"])  # fmt: skip
    body, err = _run(ws, 0)
    invoice = body["vendors"][0]["months"][-1]["invoice"]
    assert [ln["within_tolerance"] for ln in invoice["lines"]] == [True, True]
    assert D(invoice["difference"]) == D("0.50")
    assert invoice["findings"] == 0
    assert "C71" not in err


def test_unknown_missing_and_unreadable_lines(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    mnl, _ = si.invoice_lines()
    _csv_invoice(ws, [f"mnl_productive_hours,Hours,{mnl.right_units},9.50,{mnl.right_amount}",
                      "travel,Site visit,1,,2500.00",
                      ",No id,1,,10.00"])  # fmt: skip
    _, err = _run(ws, 1)
    codes = [line.split(" ", 2)[1] for line in err.splitlines() if " C7" in line]
    assert sorted(codes) == ["C713", "C714", "C715"]
    assert "line `travel` (2,500.00) is not a price line" in err
    assert "price line `hyd_items`" in err and "is not on the invoice" in err


@pytest.mark.parametrize("pattern", ["ACME_invoice_{period}.xlsx"])
def test_invoices_are_not_read_as_operations_data(tmp_path: Path, pattern: str) -> None:
    ws = _workspace(tmp_path)
    out = json.loads(invoke(["validate", "--period", "2026-10", "-w", str(ws),
                             "--format", "json"]).stdout)  # fmt: skip
    assert not any("ACME_invoice" in (i.get("file") or "") for i in out["issues"])
    assert pattern.replace("{period}", "2026-10") not in " ".join(out["files"])


def test_an_invoice_named_to_validate_says_which_command_reads_it(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    invoice = ws / "inbox" / "2026-10" / "ACME_invoice_2026-10.xlsx"
    args = ["validate", str(invoice), "-w", str(ws), "--format", "json"]
    out = json.loads(invoke(args).stdout)
    (finding,) = out["issues"]
    assert (finding["code"], finding["severity"]) == ("V332", "warning")
    assert finding["file"].endswith("ACME_invoice_2026-10.xlsx")
    assert "opsgov credits --period 2026-10" in finding["hint"]
    invoke([*args, "--fail-on", "warning"], code=1)  # never a silent "no problems in 0 files"


def test_the_committed_invoice_is_what_its_generator_writes(tmp_path: Path) -> None:
    written = si.write_invoice(tmp_path)
    committed = REPO / "sample_data" / "inbox" / si.PERIOD / si.FILE
    assert written.read_bytes() == committed.read_bytes()
