#!/usr/bin/env bash
# The main job on the bundled sample data, from a fresh machine with only Python 3.11+ and pip:
# creates .venv, installs opsgov, then checks the sample workspace's definitions and validates
# its October 2026 month, and shows what validate finds in a flawed submission.
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
echo "==> opsgov validate --period 2026-10: eleven files from eight sites in seven layouts"
$OPSGOV validate --period 2026-10
echo
echo "==> opsgov score --period 2026-10: the scorecards (written to sample_data/out/2026-10/)"
$OPSGOV score --period 2026-10
echo
echo "==> opsgov explain sla_attain --site MNL1: how one number was made"
$OPSGOV explain sla_attain --site MNL1 --period 2026-10
echo
echo "==> opsgov validate on a flawed submission (exit 1 is expected: it has planted defects)"
$OPSGOV validate flawed/HYD1_ops_2026-10.xlsx --annotate out/annotated || true
