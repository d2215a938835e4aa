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
# The red-heritage maps draw OpenStreetMap's tiles on a developer's machine; PORTAL_MAP_TILE_URL=
# (empty) shows addresses and coordinates as text instead. Production has no map until one is set.
osm_tiles='https://tile.openstreetmap.org/{z}/{x}/{y}.png'
osm_credit='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
export PORTAL_MAP_TILE_URL="${PORTAL_MAP_TILE_URL-$osm_tiles}"
export PORTAL_MAP_ATTRIBUTION="${PORTAL_MAP_ATTRIBUTION-$osm_credit}"
exec .venv/bin/python scripts/supervise.py
