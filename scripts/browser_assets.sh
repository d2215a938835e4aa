#!/usr/bin/env bash
# Scripts the browser tests inject into pages, fetched from npm once into .services/ and
# checked against the registry's published sha512 before use.
#   bash scripts/browser_assets.sh        # prints AXE_CORE_JS=<path>
set -euo pipefail
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"

AXE_VERSION=4.10.3
AXE_SHA512="Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg=="
AXE_DIR="$ROOT/.services/axe-core/$AXE_VERSION"
AXE_JS="$AXE_DIR/axe.min.js"

if [ ! -s "$AXE_JS" ]; then
    mkdir -p "$AXE_DIR"
    tarball="$AXE_DIR/axe-core.tgz"
    curl -fsSL --retry 3 -o "$tarball" "https://registry.npmjs.org/axe-core/-/axe-core-$AXE_VERSION.tgz" \
        || { echo "browser_assets: could not download axe-core $AXE_VERSION from registry.npmjs.org" >&2; exit 1; }
    actual="$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
    if [ "$actual" != "$AXE_SHA512" ]; then
        rm -f "$tarball"
        echo "browser_assets: axe-core $AXE_VERSION does not match its published sha512" >&2
        exit 1
    fi
    tar -xzf "$tarball" -C "$AXE_DIR" --strip-components=1 package/axe.min.js
    rm -f "$tarball"
fi
echo "AXE_CORE_JS=$AXE_JS"
