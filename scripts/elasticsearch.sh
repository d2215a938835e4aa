#!/usr/bin/env bash
# A real Elasticsearch 8 node on loopback for the project's tests.
#
#   scripts/elasticsearch.sh start    build once (Maven), start one node, wait until it is healthy
#   scripts/elasticsearch.sh stop     stop it
#   scripts/elasticsearch.sh status   one line; exit 0 if it is up
#
# The node is the Elasticsearch server jar from Maven Central plus its transport-netty4 module,
# started in-process by a small launcher (scripts/elasticsearch/), with our own module supplying
# the analysis-common components (cjk, ngram, asciifolding, ...) and GET /. Plain http, no
# security, no auth: http://127.0.0.1:${ES_PORT:-59200}. Everything it writes is under
# <repo>/.services/elasticsearch/ (lib/, modules/, data/, logs/, elasticsearch.pid).
#
# Environment:
#   ES_PORT             HTTP port (default 59200)
#   ES_TRANSPORT_PORT   transport port or range (default 59300-59399: the first free one is used)
#   ES_HEAP_OPTS        heap flags (default "-Xms512m -Xmx1g")
#   ES_JAVA_OPTS        extra JVM flags
#   ES_START_TIMEOUT    seconds to wait for the node to be healthy (default 180)
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
PROJECT_DIR="$SCRIPT_DIR/elasticsearch"
ES_HOME="$REPO_ROOT/.services/elasticsearch"
PID_FILE="$ES_HOME/elasticsearch.pid"
PORT_FILE="$ES_HOME/elasticsearch.port"
LOG_DIR="$ES_HOME/logs"
LOG_FILE="$LOG_DIR/elasticsearch.log"
BUILD_LOG="$LOG_DIR/build.log"
STAMP_FILE="$ES_HOME/.build-stamp"
LOCK_FILE="$ES_HOME/.lock"
MAIN_MODULE="localnode/localnode.LocalNode"
CLUSTER_NAME="local-es"

ES_PORT="${ES_PORT:-59200}"
ES_TRANSPORT_PORT="${ES_TRANSPORT_PORT:-59300-59399}"
ES_HEAP_OPTS="${ES_HEAP_OPTS:--Xms512m -Xmx1g}"
ES_JAVA_OPTS="${ES_JAVA_OPTS:-}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-180}"
URL="http://127.0.0.1:$ES_PORT"
BUILD_NOTE=""

say() { printf 'elasticsearch: %s\n' "$*"; }

# fail WHAT [LOG]: one line naming what failed (and the log), then the log's last lines; exit 1
fail() {
    local what="$1" log="${2:-}"
    if [[ -n "$log" ]]; then
        say "$what (log: $log)" >&2
        if [[ -s "$log" ]]; then
            printf -- '--- last 20 lines of %s ---\n' "$log" >&2
            tail -n 20 -- "$log" >&2
        fi
    else
        say "$what" >&2
    fi
    exit 1
}

need() {
    command -v "$1" >/dev/null 2>&1 || fail "$1 not found on PATH ($2)"
}

# --- HTTP helpers (never through a proxy: the node is on loopback) -------------------------------
http_get() { # PATH [max seconds]
    curl -sS --noproxy '*' -m "${2:-5}" "$URL$1" 2>/dev/null
}

json_field() { # NAME: first "NAME":"value" of the JSON on stdin
    sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

healthy() {
    local body
    body="$(http_get '/_cluster/health?wait_for_status=yellow&timeout=1s' 5)" || return 1
    [[ "$body" =~ \"status\":\"(green|yellow)\" ]] && [[ "$body" != *'"timed_out":true'* ]]
}

health_status() {
    http_get '/_cluster/health' 5 | json_field status
}

node_version() {
    http_get '/' 5 | json_field number
}

port_open() { # PORT: something accepts connections on 127.0.0.1:PORT
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# --- our process ---------------------------------------------------------------------------------
read_pid() {
    local pid=""
    [[ -f "$PID_FILE" ]] && pid="$(tr -dc '0-9' <"$PID_FILE" 2>/dev/null || true)"
    printf '%s' "$pid"
}

# is PID alive and our node (this checkout's launcher)?
is_ours() {
    local pid="$1" cmdline
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
    [[ "$cmdline" == *"$MAIN_MODULE"* && "$cmdline" == *"path.home=$ES_HOME "* ]]
}

running_port() {
    if [[ -f "$PORT_FILE" ]]; then tr -dc '0-9' <"$PORT_FILE"; else printf '%s' "$ES_PORT"; fi
}

# --- build ---------------------------------------------------------------------------------------
source_stamp() {
    (
        cd "$PROJECT_DIR"
        find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    ) | sha256sum | cut -d' ' -f1
}

ensure_built() {
    local stamp
    stamp="$(source_stamp)"
    if [[ -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$stamp" && -d "$ES_HOME/lib" && -d "$ES_HOME/modules" ]]; then
        return 0
    fi
    need mvn "Maven 3 is needed once, to fetch the Elasticsearch jars from Maven Central"
    # first run: Maven downloads ~80 MB into ~/.m2 (about 20 s); later runs skip this
    local t0=$SECONDS
    rm -rf "${ES_HOME:?}/lib" "${ES_HOME:?}/modules" "${ES_HOME:?}/config" "${ES_HOME:?}/build" "$STAMP_FILE"
    mkdir -p "$LOG_DIR"
    if ! (cd "$PROJECT_DIR" && mvn -B -q -Des.home="$ES_HOME" -Des.build.dir="$ES_HOME/build" package) >"$BUILD_LOG" 2>&1 9>&-; then
        fail "build failed: mvn package in $PROJECT_DIR" "$BUILD_LOG"
    fi
    printf '%s\n' "$stamp" >"$STAMP_FILE"
    BUILD_NOTE=", built in $((SECONDS - t0))s"
}

check_java() {
    need java "a JDK 17 or newer is needed, e.g. apt-get install openjdk-17-jdk-headless"
    local line major
    line="$(java -version 2>&1 | head -n 1)"
    major="$(sed -n 's/.*version "\([0-9]*\).*/\1/p' <<<"$line")"
    if [[ -z "$major" || "$major" -lt 17 ]]; then
        fail "Java 17 or newer is needed, found: $line"
    fi
}

# --- commands ------------------------------------------------------------------------------------
cmd_status() {
    local pid port version
    pid="$(read_pid)"
    if is_ours "$pid"; then
        port="$(running_port)"
        URL="http://127.0.0.1:$port"
        if healthy; then
            version="$(node_version)"
            say "up, ${version:-?} at $URL (pid $pid, cluster health $(health_status))"
            return 0
        fi
        say "pid $pid is running but $URL is not healthy yet (log: $LOG_FILE)"
        return 1
    fi
    if port_open "$ES_PORT"; then
        say "not running (port $ES_PORT is in use by another process)"
    else
        say "not running"
    fi
    return 1
}

cmd_start() {
    local pid port version started
    mkdir -p "$ES_HOME"
    exec 9>"$LOCK_FILE"
    if command -v flock >/dev/null 2>&1; then
        flock -w 600 9 || fail "another start/stop holds $LOCK_FILE"
    fi

    pid="$(read_pid)"
    if is_ours "$pid"; then
        port="$(running_port)"
        if [[ "$port" != "$ES_PORT" ]]; then
            fail "already running on port $port (pid $pid), not $ES_PORT; run scripts/elasticsearch.sh stop first"
        fi
        if healthy || wait_healthy "$pid"; then
            say "already running, $(node_version) at $URL (pid $pid)"
            return 0
        fi
        fail "pid $pid is running but did not become healthy within ${ES_START_TIMEOUT}s" "$LOG_FILE"
    fi
    rm -f "$PID_FILE" "$PORT_FILE"

    if port_open "$ES_PORT"; then
        say "port $ES_PORT is in use by another process" >&2
        exit 1
    fi

    need curl "used to talk to the node"
    check_java
    ensure_built

    mkdir -p "$ES_HOME/data" "$LOG_DIR" "$ES_HOME/tmp" "$ES_HOME/plugins"
    [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"

    local -a jvm settings
    # SC2206: word splitting of the *_OPTS variables is intended; SC2054: commas inside flags
    # shellcheck disable=SC2206,SC2054
    jvm=(
        $ES_HEAP_OPTS
        -XX:+UseG1GC -Xss1m -XX:-OmitStackTraceInFastThrow
        -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Djna.nosys=true
        -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0
        -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true
        -Djava.locale.providers=SPI,COMPAT -Des.distribution.type=tar
        "-Djava.io.tmpdir=$ES_HOME/tmp" "-XX:ErrorFile=$LOG_DIR/hs_err_pid%p.log"
        "-Dlocalnode.pidfile=$PID_FILE"
        $ES_JAVA_OPTS
        --module-path "$ES_HOME/lib" --add-modules=ALL-MODULE-PATH,jdk.net
        --add-opens=java.base/java.io=org.elasticsearch.preallocate
        -m "$MAIN_MODULE"
    )
    settings=(
        "path.home=$ES_HOME"
        "path.data=$ES_HOME/data"
        "path.logs=$LOG_DIR"
        "cluster.name=$CLUSTER_NAME"
        "node.name=local-es-node"
        "discovery.type=single-node"
        "network.host=127.0.0.1"
        "http.port=$ES_PORT"
        "transport.port=$ES_TRANSPORT_PORT"
        # tests must not be blocked by a nearly full disk, and may delete indices by wildcard
        "cluster.routing.allocation.disk.threshold_enabled=false"
        "action.destructive_requires_name=false"
    )

    started=$SECONDS
    # own session (setsid): not killed by a Ctrl-C in the calling terminal; stop kills its group
    setsid java "${jvm[@]}" "${settings[@]}" </dev/null >"$LOG_FILE" 2>&1 9>&- &
    pid=$!
    printf '%s\n' "$pid" >"$PID_FILE"
    printf '%s\n' "$ES_PORT" >"$PORT_FILE"

    if ! wait_healthy "$pid"; then
        if kill -0 "$pid" 2>/dev/null; then
            stop_pid "$pid" >/dev/null 2>&1 || true
            rm -f "$PID_FILE" "$PORT_FILE"
            fail "node did not become healthy at $URL within ${ES_START_TIMEOUT}s (stopped it)" "$LOG_FILE"
        fi
        rm -f "$PID_FILE" "$PORT_FILE"
        fail "node exited during startup" "$LOG_FILE"
    fi
    version="$(node_version)"
    say "${version:-?} at $URL (embedded node from Maven Central jars, pid $pid, up in $((SECONDS - started))s$BUILD_NOTE)"
}

# wait_healthy PID: 0 once the node answers yellow/green; 1 if PID dies or on timeout
wait_healthy() {
    local pid="$1" deadline=$((SECONDS + ES_START_TIMEOUT))
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || return 1
        healthy && return 0
        sleep 1
    done
    return 1
}

# stop_pid PID: TERM its process group (it leads one: setsid), wait, then KILL
stop_pid() {
    local pid="$1" pgid i
    pgid="$(awk '{print $5}' "/proc/$pid/stat" 2>/dev/null || true)"
    if [[ "$pgid" == "$pid" ]]; then
        kill -TERM -- "-$pid" 2>/dev/null || true
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
    for ((i = 0; i < 60; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    if [[ "$pgid" == "$pid" ]]; then
        kill -KILL -- "-$pid" 2>/dev/null || true
    else
        kill -KILL "$pid" 2>/dev/null || true
    fi
    for ((i = 0; i < 20; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    return 1
}

cmd_stop() {
    local pid
    mkdir -p "$ES_HOME"
    exec 9>"$LOCK_FILE"
    if command -v flock >/dev/null 2>&1; then
        flock -w 600 9 || fail "another start/stop holds $LOCK_FILE"
    fi
    pid="$(read_pid)"
    if ! is_ours "$pid"; then
        rm -f "$PID_FILE" "$PORT_FILE"
        say "not running"
        return 0
    fi
    if ! stop_pid "$pid"; then
        fail "could not stop pid $pid" "$LOG_FILE"
    fi
    rm -f "$PID_FILE" "$PORT_FILE"
    say "stopped (pid $pid)"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
