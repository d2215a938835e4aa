#!/usr/bin/env bash
# The embedded default: both regions on this machine, no services needed.
# Sichuan at http://127.0.0.1:8001, Chongqing at http://127.0.0.1:8002, each with its
# own SQLite database and a Celery worker on kombu's filesystem broker.
set -euo pipefail
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

bash scripts/bootstrap.sh dev

port_free() {
    .venv/bin/python - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

declare -A PORTS=([sichuan]=8001 [chongqing]=8002)
declare -A PARTNER=([sichuan]=chongqing [chongqing]=sichuan)
for region in sichuan chongqing; do
    port_free "${PORTS[$region]}" || {
        echo "run: port ${PORTS[$region]} (the $region site) is in use by another process; stop it and try again" >&2
        exit 1
    }
done

pids=()
cleanup() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

mkdir -p var/log
for region in sichuan chongqing; do
    partner="${PARTNER[$region]}"
    export_env=(
        env DJANGO_SETTINGS_MODULE=portal.settings.dev PORTAL_REGION="$region"
        PORTAL_BASE_URL="http://127.0.0.1:${PORTS[$region]}"
        PORTAL_PARTNERS="[{\"region\": \"$partner\", \"base_url\": \"http://127.0.0.1:${PORTS[$partner]}\", \"key_id\": \"dev-sichuan-chongqing\", \"secret\": \"dev-shared-secret-for-the-embedded-default\"}]"
    )
    "${export_env[@]}" .venv/bin/python manage.py migrate --noinput -v0
    "${export_env[@]}" .venv/bin/python manage.py seed_demo --port "${PORTS[$region]}" | sed "s/^/[$region] /"
    # -B runs beat inside the worker: the partner pull schedule needs it.
    "${export_env[@]}" .venv/bin/celery -A portal worker --pool=solo -l warning -B \
        -s "var/$region/celerybeat-schedule" \
        -Q "$region.default,$region.search,$region.sync,$region.extract" -n "$region@%h" \
        >"var/log/$region-worker.log" 2>&1 &
    pids+=($!)
    "${export_env[@]}" .venv/bin/python manage.py runserver "127.0.0.1:${PORTS[$region]}" --noreload \
        >"var/log/$region-web.log" 2>&1 &
    pids+=($!)
done

# The venv's Python, not curl: make run installs no system packages.
for region in sichuan chongqing; do
    .venv/bin/python - "${PORTS[$region]}" <<'PY' || echo "run: the $region site did not answer /healthz yet; see var/log/" >&2
import sys, time, urllib.request
for _ in range(120):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=2)
        sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit(1)
PY
done

cat <<MSG

  四川站 Sichuan:   http://127.0.0.1:8001/   (English: http://127.0.0.1:8001/en/)
  重庆站 Chongqing: http://127.0.0.1:8002/   (English: http://127.0.0.1:8002/en/)
  Admin:            http://127.0.0.1:8001/admin/ and http://127.0.0.1:8002/admin/
  Login:            admin / chuanyu-demo-2020 (staff users are listed above, same password)
  Logs:             var/log/
  Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
echo "run: a process stopped; see var/log/ for why" >&2
exit 1
