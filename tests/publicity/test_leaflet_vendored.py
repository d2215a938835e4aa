"""Leaflet is served from this site's own static files, exactly as scripts/vendor_leaflet.sh took them
from the npm registry (its tarball checked against the published sha512 there)."""

import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders

LEAFLET = Path(__file__).resolve().parents[2] / "publicity/static/publicity/vendor/leaflet"


def test_the_vendored_files_are_the_ones_the_script_recorded():
    listed = {}
    for line in (LEAFLET / "LEAFLET.sha256").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name.removeprefix("./")] = digest
    present = {str(p.relative_to(LEAFLET)) for p in LEAFLET.rglob("*") if p.is_file()} - {"LEAFLET.sha256"}
    assert present == set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((LEAFLET / name).read_bytes()).hexdigest() == digest, name
    assert "Leaflet 1.9.4" in (LEAFLET / "leaflet.js").read_text()[:200]
    assert {"leaflet.js", "leaflet.css", "LICENSE", "images/marker-icon.png"} <= present


def test_the_static_files_finders_serve_them():
    for name in ("leaflet.js", "leaflet.css", "images/marker-icon-2x.png", "images/marker-shadow.png"):
        assert finders.find(f"publicity/vendor/leaflet/{name}"), name
    assert finders.find("publicity/js/heritage-map.js") and finders.find("publicity/css/heritage-map.css")
