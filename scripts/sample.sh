#!/usr/bin/env bash
# The main job on the bundled sample data, from a fresh machine with only Python 3.11+ and pip:
# creates .venv, installs opsgov, then checks the sample workspace's definitions, runs its KPI
# tests, validates its October 2026 month, scores its thirteen months (2025-10 to 2026-10) into
# the history, writes the reports a reader gets (governance pack, vendor QBR, executive
# dashboard), plans capacity and shows what validate finds in a flawed submission.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .

cd sample_data
OPSGOV=../.venv/bin/opsgov
echo "==> opsgov lint: the sample workspace's framework, registry, settings and intake profiles"
$OPSGOV lint
echo
echo "==> opsgov test: the workspace's KPI tests (overrides, a vendor's layout, credits, capacity)"
$OPSGOV test
echo
echo "==> opsgov validate --period 2026-10: eleven files from eight sites in seven layouts"
$OPSGOV validate --period 2026-10
echo
echo "==> opsgov score, 2025-10 to 2026-09: a year of history (sample_data/history.sqlite)"
for month in inbox/*/; do
  month=$(basename "$month")
  if [ "$month" != 2026-10 ]; then
    $OPSGOV score --period "$month" --quiet
  fi
done
echo
echo "==> opsgov score --period 2026-10: the scorecards (written to sample_data/out/2026-10/)"
$OPSGOV score --period 2026-10
echo
echo "==> opsgov explain sla_attain --site MNL1: how one number was made"
$OPSGOV explain sla_attain --site MNL1 --period 2026-10
echo
echo "==> opsgov report: the governance pack, Acme's QBR for 2026 Q3 (page and slides), the dashboard, the PDF pack"
$OPSGOV report governance --period 2026-10
$OPSGOV report qbr --vendor acme_bpo --quarter 2026Q3
$OPSGOV report dashboard
$OPSGOV report qbr --vendor acme_bpo --quarter 2026Q3 --format pptx
$OPSGOV report pdf --period 2026-10 --vendor acme_bpo --quarter 2026Q3
echo
echo "==> opsgov capacity: volume forecasts, the FTE plan, hiring dates, site-loss scenarios"
$OPSGOV capacity
echo
echo "==> opsgov validate on a flawed submission (exit 1 is expected: it has planted defects)"
$OPSGOV validate flawed/HYD1_ops_2026-10.xlsx --annotate out/annotated || true
