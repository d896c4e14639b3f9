#!/usr/bin/env bash
# Create .venv, install the course with the dev and torch extras, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[dev,torch]"
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
