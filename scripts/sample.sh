#!/usr/bin/env bash
# The main job on the bundled sample data, from a fresh machine with only Python 3.11+ and pip:
# creates .venv, installs opsgov, then checks the sample workspace's definitions.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .

cd sample_data
echo "==> opsgov lint (the sample workspace's framework, registry and settings)"
../.venv/bin/opsgov lint
