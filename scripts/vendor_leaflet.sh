#!/usr/bin/env bash
# Leaflet, vendored: the site serves it from its own static files (no CDN; the CSP allows none).
# This script is how the copy under publicity/static/publicity/vendor/leaflet/ was made: the npm
# registry's tarball, checked against its published sha512, then only dist/ and the licence.
# tests/publicity/test_leaflet_vendored.py checks the committed files against LEAFLET.sha256.
#   bash scripts/vendor_leaflet.sh        # (re)writes the vendored copy
set -euo pipefail
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"

LEAFLET_VERSION=1.9.4
# dist.integrity of https://registry.npmjs.org/leaflet/1.9.4
LEAFLET_SHA512="nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
DEST="$ROOT/publicity/static/publicity/vendor/leaflet"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 3 -o "$work/leaflet.tgz" "https://registry.npmjs.org/leaflet/-/leaflet-$LEAFLET_VERSION.tgz" \
    || { echo "vendor_leaflet: could not download leaflet $LEAFLET_VERSION from registry.npmjs.org" >&2; exit 1; }
actual="$(openssl dgst -sha512 -binary "$work/leaflet.tgz" | base64 -w0)"
if [ "$actual" != "$LEAFLET_SHA512" ]; then
    echo "vendor_leaflet: leaflet $LEAFLET_VERSION does not match its published sha512" >&2
    exit 1
fi
tar -xzf "$work/leaflet.tgz" -C "$work" package/LICENSE package/dist/leaflet.js package/dist/leaflet.js.map \
    package/dist/leaflet.css package/dist/images
rm -rf "$DEST"
mkdir -p "$DEST"
cp "$work/package/LICENSE" "$work/package/dist/leaflet.js" "$work/package/dist/leaflet.js.map" \
    "$work/package/dist/leaflet.css" "$DEST/"
cp -r "$work/package/dist/images" "$DEST/images"
(cd "$DEST" && find . -type f ! -name LEAFLET.sha256 | sort | xargs sha256sum > LEAFLET.sha256)
echo "vendor_leaflet: leaflet $LEAFLET_VERSION in ${DEST#"$ROOT"/}"
