#!/usr/bin/env bash
# The test command: installs and starts the services the suite needs (PostgreSQL,
# Redis, an Elasticsearch 8 node, Debian's Chromium), then runs ruff, Django's
# checks, the migrations check and pytest. Extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

step() { printf '\n== %s\n' "$*"; }

step "python environment"
bash scripts/bootstrap.sh dev test

step "system packages (apt)"
bash scripts/services.sh install
bash scripts/compose_plugin.sh
eval "$(bash scripts/browser_assets.sh)"
export AXE_CORE_JS

keep="${KEEP_SERVICES:-0}"
stop_services() {
    if [ "$keep" != "1" ]; then
        bash scripts/elasticsearch.sh stop >/dev/null 2>&1 || true
        bash scripts/services.sh down >/dev/null 2>&1 || true
    fi
}
trap stop_services EXIT

step "services"
bash scripts/services.sh up
eval "$(bash scripts/services.sh env)"
bash scripts/elasticsearch.sh start
export ELASTICSEARCH_URL="http://127.0.0.1:${ES_PORT:-59200}"
export DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=portal.settings.test
export PORTAL_REGION=sichuan
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

step "ruff"
.venv/bin/ruff check .

step "manage.py check"
.venv/bin/python manage.py check --fail-level WARNING

step "manage.py check --deploy (production settings)"
# The values production requires; nothing is contacted by the checks.
env PORTAL_REGION=sichuan SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=portal.example.org DATABASE_URL=postgres://check@127.0.0.1:1/check \
    REDIS_URL=redis://127.0.0.1:1/0 PORTAL_BASE_URL=https://portal.example.org \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    .venv/bin/python manage.py check --deploy --fail-level WARNING

step "makemigrations --check"
.venv/bin/python manage.py makemigrations --check --dry-run

step "translations compiled"
.venv/bin/python scripts/check_translations.py

step "pytest"
.venv/bin/python -m pytest --durations=25 "$@"

# No test may depend on the day it runs: the tests that touch dates, times or calendars run
# again with the clock on a new year's eve (already the next year in Asia/Shanghai) and on a
# leap day. The tests that start sites, workers or a browser (services, slow) ran at the fixed
# clock; the moved clocks are for the date logic itself. Both moments run side by side, each
# on its own test database and Redis database. A targeted run (pytest arguments given) skips this.
if [ "$#" -eq 0 ]; then
    step "pytest -m clock, the clock moved to a new year's eve and to a leap day (side by side)"
    moments=(2027-12-31T23:30:00Z 2028-02-29T12:00:00Z)
    mkdir -p "$ROOT/var"
    pids=()
    for i in "${!moments[@]}"; do
        PORTAL_TEST_NOW="${moments[$i]}" DATABASE_URL="${DATABASE_URL}_clock$i" \
            REDIS_URL="${REDIS_URL%/*}/$((12 + i))" \
            .venv/bin/python -m pytest -m "clock and not services and not slow" -q -p no:cacheprovider \
            >"$ROOT/var/clock-$i.log" 2>&1 &
        pids+=("$!")
    done
    failed=0
    for i in "${!moments[@]}"; do
        status=0
        wait "${pids[$i]}" || status=$?
        printf -- '-- the clock at %s (exit %s)\n' "${moments[$i]}" "$status"
        tail -n 25 "$ROOT/var/clock-$i.log"
        [ "$status" -eq 0 ] || failed=1
    done
    exit "$failed"
fi
