#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the project (and the named dependency groups).
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
hash="$(sha256sum pyproject.toml | cut -c1-16)"
stamp=".venv/.installed-$hash-$(IFS=-; echo "${groups[*]:-none}")"
# An install of this pyproject with more groups will do (make run after make test).
for installed in .venv/.installed-"$hash"-*; do
    [ -f "$installed" ] || continue
    have="-${installed#.venv/.installed-"$hash"-}-"
    missing=0
    for group in "${groups[@]}"; do [[ "$have" == *"-$group-"* ]] || missing=1; done
    [ "$missing" = 1 ] || exit 0
done
group_args=()
for group in "${groups[@]}"; do group_args+=(--group "$group"); done
log=".venv/install.log"
if ! { .venv/bin/python -m pip install -q --upgrade "pip>=25.1" \
        && .venv/bin/python -m pip install -q -e . "${group_args[@]}"; } >"$log" 2>&1; then
    echo "bootstrap: pip install failed; last lines of $log:" >&2
    tail -n 15 "$log" >&2
    exit 1
fi
rm -f .venv/.installed-*
touch "$stamp"
echo "bootstrap: installed into .venv (groups: ${groups[*]:-none})"
