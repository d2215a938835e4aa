#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the locked dependencies (requirements/*.txt).
#   bash scripts/bootstrap.sh [group ...]     e.g. bash scripts/bootstrap.sh dev test
set -euo pipefail
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

PYTHON=""
for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
        && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        PYTHON="$(command -v "$candidate")"
        break
    fi
done
[ -n "$PYTHON" ] || { echo "bootstrap: Python 3.11 is required (python3.11 or python3 on PATH)" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv || { echo "bootstrap: could not create .venv (is python3-venv installed?)" >&2; exit 1; }
fi

groups=("$@")
# The lock must describe pyproject.toml (python scripts/lock.py --check; `make lock` rewrites it).
"$PYTHON" scripts/lock.py --check
lockfile=requirements/main.txt
for group in "${groups[@]}"; do
    case "$group" in
        dev | test) lockfile=requirements/dev.txt ;;
        *) echo "bootstrap: unknown dependency group '$group' (dev, test)" >&2; exit 1 ;;
    esac
done
# requirements/dev.txt holds main.txt's versions too, so make run after make test installs nothing.
stamp=".venv/.installed-$(sha256sum "$lockfile" | cut -c1-16)"
if [ -f "$stamp" ]; then
    exit 0
fi
log=".venv/install.log"
# Exactly the locked versions, checked against their hashes; nothing resolved at install time.
if ! { .venv/bin/python -m pip install -q --upgrade "pip>=25.1" \
        && .venv/bin/python -m pip install -q --require-hashes --no-deps -r "$lockfile"; } >"$log" 2>&1; then
    echo "bootstrap: pip install failed; last lines of $log:" >&2
    tail -n 15 "$log" >&2
    exit 1
fi
rm -f .venv/.installed-*
touch "$stamp"
echo "bootstrap: installed $lockfile into .venv (groups: ${groups[*]:-none})"
