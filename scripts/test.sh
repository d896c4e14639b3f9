#!/usr/bin/env bash
# Set up from scratch and run every test: creates .venv/, installs the course
# with the dev and torch extras (torch==2.13.0, CPU), and, where this user can
# install system packages, PostgreSQL and Chromium for the gradebook and browser
# tests (without them those tests skip, except under CI=true where they fail).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[dev,torch]"
.venv/bin/ruff check .
.venv/bin/python -m pytest tests notebooks --nbval --nbval-sanitize-with notebooks/nbval_sanitize.cfg "$@"
