#!/usr/bin/env bash
# Create .venv, install the course, and run the main job: release every lesson,
# autograde a synthetic class in parallel (sandboxed), write feedback, grades
# and the instructor's report, and print the grade table.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .
rm -rf demo-course
.venv/bin/course demo --root demo-course "$@"
echo "Open demo-course/report/report.html for the report, demo-course/feedback/ for students' pages."
