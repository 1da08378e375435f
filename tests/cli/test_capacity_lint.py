"""Capacity settings in `opsgov.yaml` are linted at their line and column (D180-D186)."""

from __future__ import annotations

import json
from pathlib import Path

from opsgov.lint.run import lint_workspace
from tests.conftest import invoke

BAD = """\
capacity:
  hours_per_fte: 900
  surge_playbook: surge_crisis
  volume_measure: items_recieved
  profile: {minutes: 60, open_hours: 2, shares: [0.5, 0.3, 0.2]}
  queues:
    general: {channel: chat, concurrency: 2}
    escalations: {channel: deferrable, concurrency: 3, patience_seconds: 60}
    genral: {channel: deferrable}
  sites:
    DUB9: {shrinkage: 0.2}
    DUB1:
      language_mix:
        general: {en: 0.6, de: 0.3}
        escalations: {en: 0.5, ja: 0.5}
"""


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    invoke(["init", str(root)])
    settings = root / "opsgov.yaml"
    text = settings.read_text(encoding="utf-8")
    head = text[: text.index("capacity:")]
    settings.write_text(head + BAD, encoding="utf-8")
    return root


def _line(root: Path, snippet: str) -> int:
    lines = (root / "opsgov.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if snippet in text)


def test_every_capacity_mistake_has_its_code_and_line(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    report = lint_workspace(root)
    found = {(i.code, i.location.line if i.location else None) for i in report.issues}
    expect = {
        ("D186", _line(root, "hours_per_fte: 900")),
        ("D185", _line(root, "surge_playbook:")),
        ("D185", _line(root, "volume_measure:")),
        # 3 shares for 2 open hours of 60-minute intervals, summing to 1
        ("D183", _line(root, "profile:")),
        ("D181", _line(root, "general: {channel: chat")),
        ("D182", _line(root, "escalations: {channel: deferrable")),
        ("D180", _line(root, "genral:")),
        ("D180", _line(root, "DUB9:")),
        # 0.6 + 0.3 = 0.9, and DUB1 does not serve Japanese
        ("D184", _line(root, "general: {en: 0.6, de: 0.3}")),
        ("D184", _line(root, "escalations: {en: 0.5, ja: 0.5}")),
    }
    assert expect <= found
    assert {c for c, _ in found} == {c for c, _ in expect}
    # D182 names both ignored settings of the deferrable queue
    ignored = sorted(i.field or "" for i in report.issues if i.code == "D182")
    assert ignored == ["concurrency", "patience_seconds"]


def test_capacity_findings_fail_lint_with_positions(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    result = invoke(["lint", "--workspace", str(root), "--format", "json"], code=1)
    data = json.loads(result.stdout)
    hits = [f for f in data["issues"] if f["code"] == "D180"]
    assert hits and all(f["line"] >= 1 and f["column"] >= 1 for f in hits)
    assert any("Did you mean `general`?" in (f.get("hint") or "") for f in hits)


def test_a_workspace_from_init_lints_clean_with_its_capacity_example(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    invoke(["init", str(root)])
    assert "capacity:" in (root / "opsgov.yaml").read_text(encoding="utf-8")
    assert lint_workspace(root).issues == []
