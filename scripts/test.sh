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

keep="${KEEP_SERVICES:-0}"
kill_tree() { # a process and everything it started (sites, workers, browsers of a pytest pass)
    local child
    for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
    kill -TERM "$1" 2>/dev/null || true
}
stop_services() {
    # A pass or build still running in the background (the run was interrupted or failed early) is
    # stopped before the services it uses; background jobs ignore the Ctrl-C that ended this shell.
    local pid
    for pid in $(jobs -p); do kill_tree "$pid"; done
    wait 2>/dev/null || true
    if [ "$keep" != "1" ]; then
        bash scripts/elasticsearch.sh stop >/dev/null 2>&1 || true
        bash scripts/services.sh down >/dev/null 2>&1 || true
    fi
}
trap stop_services EXIT

# The compose plugin is compiled from Go sources on a fresh machine (minutes of CPU): it builds
# while apt installs and the services start, and is waited for before the checks that use it.
mkdir -p "$ROOT/var"
bash scripts/compose_plugin.sh >"$ROOT/var/compose-plugin.log" 2>&1 &
compose_pid=$!

step "system packages (apt)"
bash scripts/services.sh install
eval "$(bash scripts/browser_assets.sh)"
export AXE_CORE_JS

step "services"
bash scripts/services.sh up
eval "$(bash scripts/services.sh env)"
bash scripts/elasticsearch.sh start
export ELASTICSEARCH_URL="http://127.0.0.1:${ES_PORT:-59200}"
export DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=portal.settings.test
export PORTAL_REGION=sichuan
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

step "docker compose plugin"
status=0
wait "$compose_pid" || status=$?
cat "$ROOT/var/compose-plugin.log"
[ "$status" -eq 0 ] || exit "$status"

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

step "test database, migrated once for every pass"
PORTAL_TEST_DB_TEMPLATE="$(.venv/bin/python -m tests.support.migrate_template)"
export PORTAL_TEST_DB_TEMPLATE

step "pytest"
if [ "$#" -gt 0 ]; then
    .venv/bin/python -m pytest --durations=25 "$@"
    exit 0
fi

# A full run is four pytest processes, each on its own test database and Redis database, so
# they never see each other's data. The tests that start sites, workers or a browser (markers
# services, slow) mostly wait on those processes, so they run beside the rest, which keep the
# CPU busy: first the unit tests, then the tests that touch dates, times or calendars again,
# with the clock moved to a new year's eve (already the next year in Asia/Shanghai) and to a
# leap day. No test may depend on the day it runs; the moved clocks are for the date logic
# itself, which the live tests (run at the fixed clock) do not add to.
pass() { # pass NAME DATABASE_SUFFIX REDIS_DB [PORTAL_TEST_NOW] -- pytest arguments...
    local name="$1" suffix="$2" redis_db="$3" now="$4"
    shift 5
    env ${now:+PORTAL_TEST_NOW="$now"} DATABASE_URL="${DATABASE_URL}$suffix" REDIS_URL="${REDIS_URL%/*}/$redis_db" \
        .venv/bin/python -m pytest -p no:cacheprovider "$@" >"$ROOT/var/pytest-$name.log" 2>&1
}
report() { # report NAME STATUS: the end of a pass's log (all of it when it failed)
    printf -- '\n-- %s (exit %s), log var/pytest-%s.log\n' "$1" "$2" "$1"
    if [ "$2" -eq 0 ]; then tail -n 40 "$ROOT/var/pytest-$1.log"; else cat "$ROOT/var/pytest-$1.log"; fi
}

pass live "" 0 "" -- -m "services or slow" --durations=25 &
live_pid=$!
failed=0
status=0
pass unit _unit 11 "" -- -m "not services and not slow" --durations=25 || status=$?
report unit "$status"
[ "$status" -eq 0 ] || failed=1

step "pytest -m clock, the clock moved to a new year's eve and to a leap day (side by side)"
moments=(2027-12-31T23:30:00Z 2028-02-29T12:00:00Z)
pids=()
for i in "${!moments[@]}"; do
    pass "clock-$i" "_clock$i" $((12 + i)) "${moments[$i]}" -- -m "clock and not services and not slow" -q &
    pids+=("$!")
done
for i in "${!moments[@]}"; do
    status=0
    wait "${pids[$i]}" || status=$?
    report "clock-$i" "$status"
    [ "$status" -eq 0 ] || failed=1
done

step "pytest -m 'services or slow' (started beside the unit tests)"
status=0
wait "$live_pid" || status=$?
report live "$status"
[ "$status" -eq 0 ] || failed=1
exit "$failed"
