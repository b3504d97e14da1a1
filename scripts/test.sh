#!/usr/bin/env bash
# Installs what the tests need (see setup.sh) and runs the whole suite: lint, types, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check assistant tests scripts
.venv/bin/ruff format --check assistant tests scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
