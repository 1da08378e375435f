#!/usr/bin/env bash
# The whole test suite, from a fresh machine with only Python 3.11+ and pip:
# creates .venv, installs opsgov with its test tools and the Spark extra, installs the system
# programs the tests drive (LibreOffice, Chromium, a Java runtime for Spark) where it can, then
# runs ruff, mypy (strict) and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
"$PYTHON" - <<'PY' || { echo "opsgov needs Python 3.11 or newer (set PYTHON=...)" >&2; exit 2; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "==> installing opsgov, its test tools and the Spark extra"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,spark]'

if [ -f scripts/install-system-deps.sh ] && [ "${OPSGOV_SKIP_SYSTEM_DEPS:-0}" != "1" ]; then
  bash scripts/install-system-deps.sh || echo "==> system programs not installed; the tests that need them will skip and say why"
fi

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> mypy (strict)"
.venv/bin/mypy
echo "==> pytest"
.venv/bin/pytest "$@"
