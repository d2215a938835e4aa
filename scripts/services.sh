#!/usr/bin/env bash
# Local test-bed services for this project: a private PostgreSQL cluster and a
# private Redis, both bound to 127.0.0.1 on non-default ports, with all state
# under <repo>/.services/ (git-ignored).
#
#   bash scripts/services.sh install   # apt packages: postgresql, redis, chromium, CJK fonts, tesseract (chi_sim), poppler
#   bash scripts/services.sh up        # start (idempotent), wait until ready
#   bash scripts/services.sh down      # stop both (fine if not running)
#   bash scripts/services.sh status    # one line each; non-zero if either is down
#   eval "$(bash scripts/services.sh env)"   # DATABASE_URL / REDIS_URL
#
# Ports: PG_PORT (default 55432), REDIS_PORT (default 56379).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
SERVICES_DIR="$ROOT/.services"

PG_PORT="${PG_PORT:-55432}"
REDIS_PORT="${REDIS_PORT:-56379}"
PG_HOST=127.0.0.1
PG_USER=portal
PG_DB=portal
PG_BASE="$SERVICES_DIR/postgres"
# initdb runs as 'postgres', which may not traverse a checkout under /root; such a
# checkout keeps its cluster under /var/tmp instead, named after the checkout.
if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 \
    && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
    PG_BASE="/var/tmp/portal-services-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)/postgres"
fi
PG_DATA="$PG_BASE/data"
PG_LOG="$PG_BASE/postgres.log"
REDIS_DIR="$SERVICES_DIR/redis"
REDIS_PID="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"
READY_TIMEOUT="${SERVICES_READY_TIMEOUT:-30}"

DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"

APT_PACKAGES=(curl postgresql redis-server chromium fonts-wqy-microhei fonts-noto-cjk gettext clamav-daemon nginx
    tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert poppler-utils wrk)

die() { echo "$*" >&2; exit 1; }

case "$PG_PORT" in '' | *[!0-9]*) die "services: PG_PORT must be a number (got '$PG_PORT')" ;; esac
case "$REDIS_PORT" in '' | *[!0-9]*) die "services: REDIS_PORT must be a number (got '$REDIS_PORT')" ;; esac

# ---------------------------------------------------------------- helpers

is_root() { [ "$(id -u)" -eq 0 ]; }

pkg_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true)" = "ii " ]
}

# Newest /usr/lib/postgresql/<ver>/bin that has pg_ctl.
pg_bin() {
    local d best=""
    for d in $(ls -1d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
        [ -x "$d/pg_ctl" ] && best="$d"
    done
    [ -n "$best" ] || die "postgres: no server binaries in /usr/lib/postgresql/*/bin (run: bash scripts/services.sh install)"
    echo "$best"
}

# Run a command as the cluster owner (postgres when we are root; initdb refuses root).
as_pg() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Is something accepting TCP connections on 127.0.0.1:$1 ?
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Best-effort pid of whatever listens on TCP port $1.
port_pid() {
    command -v ss >/dev/null 2>&1 || return 0
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2 || true
}

port_busy_msg() { # service port
    local pid
    pid="$(port_pid "$2")"
    if [ -n "$pid" ]; then
        echo "$1: port $2 is in use by another process (pid $pid)" >&2
    else
        echo "$1: port $2 is in use by another process" >&2
    fi
}

# ---------------------------------------------------------------- postgres

# Prints "pid port" of our cluster's postmaster if it is running.
pg_running() {
    local pidfile="$PG_DATA/postmaster.pid" pid port
    [ -r "$pidfile" ] || return 1
    pid="$(sed -n 1p "$pidfile" 2>/dev/null)"
    port="$(sed -n 4p "$pidfile" 2>/dev/null)"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q postgres || return 1
    echo "$pid $port"
}

pg_version() {
    local v
    # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> 15.18
    v="$("$(pg_bin)/postgres" --version 2>/dev/null | sed -nE 's/^[^0-9]*([0-9][0-9.]*).*/\1/p')"
    echo "${v:-?}"
}

pg_init() {
    local bin="$1"
    if is_root; then
        id postgres >/dev/null 2>&1 || die "postgres: system user 'postgres' missing (run: bash scripts/services.sh install)"
    fi
    mkdir -p "$PG_BASE"
    if is_root; then
        chown postgres:postgres "$PG_BASE"
        as_pg test -w "$PG_BASE" ||
            die "postgres: user 'postgres' cannot write $PG_BASE (a parent directory is not traversable)"
    fi
    [ -f "$PG_DATA/PG_VERSION" ] && return 0
    rm -rf "$PG_DATA" # leftover of an interrupted initdb
    local out
    if ! out="$(as_pg "$bin/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 2>&1)"; then
        echo "$out" >"$PG_BASE/initdb.log"
        die "postgres: initdb failed, see $PG_BASE/initdb.log"
    fi
    cat >>"$PG_DATA/postgresql.conf" <<'EOF'

# ---- project test bed (scripts/services.sh); port is passed on the command line
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
EOF
    cat >"$PG_DATA/pg_hba.conf" <<'EOF'
# project test bed: trust on loopback only
local   all  all                 trust
host    all  all  127.0.0.1/32   trust
host    all  all  ::1/128        trust
EOF
    echo "postgres: initialized cluster in ${PG_DATA#"$ROOT"/}"
}

pg_psql() { # psql as bootstrap superuser against db "postgres"
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_up() {
    PGBIN="$(pg_bin)"
    local info note=""
    if info="$(pg_running)"; then
        local port="${info#* }"
        if [ "$port" != "$PG_PORT" ]; then
            die "postgres: already running from this checkout on port $port (pid ${info%% *}); run 'down' first to change PG_PORT"
        fi
        note=" (already running, pid ${info%% *})"
    else
        if port_open "$PG_PORT"; then
            port_busy_msg postgres "$PG_PORT"
            exit 1
        fi
        pg_init "$PGBIN"
        if ! as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$READY_TIMEOUT" -s \
            -o "-p $PG_PORT" start >/dev/null 2>&1; then
            die "postgres: failed to start within ${READY_TIMEOUT}s, see ${PG_LOG}"
        fi
    fi
    local i=0
    until "$PGBIN/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -d postgres -U postgres; do
        i=$((i + 1))
        [ "$i" -le $((READY_TIMEOUT * 5)) ] || die "postgres: not ready after ${READY_TIMEOUT}s, see ${PG_LOG}"
        sleep 0.2
    done
    local err
    if ! err="$(
        {
            [ "$(pg_psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" = 1 ] ||
                pg_psql -c "CREATE ROLE $PG_USER LOGIN SUPERUSER"
            [ "$(pg_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" = 1 ] ||
                pg_psql -c "CREATE DATABASE $PG_DB OWNER $PG_USER"
        } 2>&1
    )"; then
        die "postgres: creating role/database '$PG_USER' failed: $(echo "$err" | tail -n1)"
    fi
    echo "postgresql: $(pg_version) at $DATABASE_URL$note"
}

pg_down() {
    local info
    if info="$(pg_running)"; then
        PGBIN="$(pg_bin)"
        as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$READY_TIMEOUT" -s stop >/dev/null 2>&1 ||
            die "postgres: failed to stop (pid ${info%% *}), see $PG_LOG"
        echo "postgresql: stopped"
    else
        echo "postgresql: not running"
    fi
}

pg_status() {
    local info
    if info="$(pg_running)"; then
        echo "postgresql: running (pid ${info%% *}) at postgres://$PG_USER@$PG_HOST:${info#* }/$PG_DB"
    else
        echo "postgresql: not running"
        return 1
    fi
}

# ---------------------------------------------------------------- redis

# Prints "pid port" of our redis-server if it is running.
redis_running() {
    local pid port
    [ -r "$REDIS_PID" ] || return 1
    pid="$(head -n1 "$REDIS_PID" 2>/dev/null)"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    # proc title looks like "redis-server 127.0.0.1:56379"
    port="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -o 'redis-server [^ ]*:[0-9]*' | head -n1)" || return 1
    echo "$pid ${port##*:}"
}

redis_version() {
    local v
    v="$(redis-server --version 2>/dev/null | grep -o 'v=[^ ]*' | cut -d= -f2)"
    echo "${v:-?}"
}

redis_up() {
    command -v redis-server >/dev/null 2>&1 || die "redis: redis-server not installed (run: bash scripts/services.sh install)"
    local info note=""
    if info="$(redis_running)"; then
        local port="${info#* }"
        if [ "$port" != "$REDIS_PORT" ]; then
            die "redis: already running from this checkout on port $port (pid ${info%% *}); run 'down' first to change REDIS_PORT"
        fi
        note=" (already running, pid ${info%% *})"
    else
        if port_open "$REDIS_PORT"; then
            port_busy_msg redis "$REDIS_PORT"
            exit 1
        fi
        mkdir -p "$REDIS_DIR"
        rm -f "$REDIS_PID"
        redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
            --save '' --appendonly no --dir "$REDIS_DIR" \
            --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" >/dev/null 2>&1 ||
            die "redis: failed to start, see $REDIS_LOG"
    fi
    local i=0
    until [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; do
        i=$((i + 1))
        [ "$i" -le $((READY_TIMEOUT * 5)) ] || die "redis: not ready after ${READY_TIMEOUT}s, see $REDIS_LOG"
        sleep 0.2
    done
    echo "redis: $(redis_version) at $REDIS_URL$note"
}

redis_down() {
    local info
    if info="$(redis_running)"; then
        local pid="${info%% *}" i=0
        redis-cli -h 127.0.0.1 -p "${info#* }" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do
            i=$((i + 1))
            [ "$i" -le $((READY_TIMEOUT * 5)) ] || die "redis: failed to stop (pid $pid), see $REDIS_LOG"
            sleep 0.2
        done
        rm -f "$REDIS_PID"
        echo "redis: stopped"
    else
        echo "redis: not running"
    fi
}

redis_status() {
    local info
    if info="$(redis_running)"; then
        echo "redis: running (pid ${info%% *}) at redis://127.0.0.1:${info#* }/0"
    else
        echo "redis: not running"
        return 1
    fi
}

# ---------------------------------------------------------------- install

POLICY_RC=/usr/sbin/policy-rc.d
POLICY_RC_OURS=0
cleanup_policy() {
    if [ "$POLICY_RC_OURS" = 1 ]; then rm -f "$POLICY_RC"; fi
}

do_install() {
    local missing=() p
    for p in "${APT_PACKAGES[@]}"; do
        pkg_installed "$p" || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        echo "install: all packages present (${APT_PACKAGES[*]})"
        return 0
    fi
    local sudo=()
    if ! is_root; then
        command -v sudo >/dev/null 2>&1 || die "install: must run as root (missing: ${missing[*]})"
        sudo=(sudo)
    fi
    mkdir -p "$SERVICES_DIR"
    local log="$SERVICES_DIR/apt.log"
    export DEBIAN_FRONTEND=noninteractive
    # Keep package postinst scripts from starting the system-wide postgres/redis.
    if is_root && [ ! -e "$POLICY_RC" ]; then
        trap cleanup_policy EXIT
        printf '#!/bin/sh\nexit 101\n' >"$POLICY_RC" && chmod 755 "$POLICY_RC" && POLICY_RC_OURS=1
    fi
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1; then
        die "install: apt-get update failed: $(grep -E '^(E|Err):' "$log" | tail -n1 || true) (full log: $log)"
    fi
    echo "install: apt-get update done"
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" >>"$log" 2>&1; then
        die "install: apt-get install failed: $(grep -E '^E:' "$log" | tail -n1 || true) (full log: $log)"
    fi
    cleanup_policy
    POLICY_RC_OURS=0
    echo "install: installed ${missing[*]}"
    if [[ " ${missing[*]} " == *" chromium "* ]] && [ ! -x /usr/bin/chromium ]; then
        die "install: chromium installed but /usr/bin/chromium is missing"
    fi
}

# ---------------------------------------------------------------- main

usage() {
    echo "usage: bash scripts/services.sh {install|up|down|status|env}" >&2
    exit 2
}

cmd="${1:-}"
case "$cmd" in
install) do_install ;;
up)
    pg_up
    redis_up
    ;;
down)
    pg_down
    redis_down
    ;;
status)
    rc=0
    pg_status || rc=1
    redis_status || rc=1
    exit "$rc"
    ;;
env)
    echo "export DATABASE_URL=$DATABASE_URL"
    echo "export REDIS_URL=$REDIS_URL"
    ;;
*) usage ;;
esac
