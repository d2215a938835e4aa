#!/usr/bin/env bash
# The embedded default: both regions on this machine, no services needed.
# Sichuan at http://127.0.0.1:8001, Chongqing at http://127.0.0.1:8002, each with its
# own SQLite database and a Celery worker on the filesystem broker (portal/broker.py),
# supervised by scripts/supervise.py (restarts, Ctrl-C stops everything).
# RUN_SICHUAN_PORT, RUN_CHONGQING_PORT and PORTAL_VAR_DIR move it elsewhere.
set -euo pipefail
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

bash scripts/bootstrap.sh dev
exec .venv/bin/python scripts/supervise.py
