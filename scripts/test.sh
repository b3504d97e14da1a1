#!/usr/bin/env bash
# Installs what the tests need (see setup.sh) and runs the whole suite: lint, types, then pytest.
#   bash scripts/test.sh           # everything (what CI runs)
#   bash scripts/test.sh --fast    # lint, types and the fast tier (pure logic, scripted engines)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check assistant tests scripts
.venv/bin/ruff format --check assistant tests scripts
.venv/bin/mypy
if [[ "${1:-}" == "--fast" ]]; then
    shift
    HYPOTHESIS_PROFILE=fast exec .venv/bin/python -m pytest tests/unit "$@"
fi
HYPOTHESIS_PROFILE=full .venv/bin/python -m pytest "$@"
