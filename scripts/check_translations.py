"""Fail when an English translation is missing or fuzzy, or a .mo file is stale."""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
problems = []
for po in sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po")):
    with tempfile.TemporaryDirectory() as tmp:
        compiled = Path(tmp) / "django.mo"
        result = subprocess.run(
            ["msgfmt", "--check-format", "--statistics", "-o", str(compiled), str(po)],
            capture_output=True,
            text=True,
        )
        stats = result.stderr.strip()
        if result.returncode != 0:
            problems.append(f"{po.relative_to(ROOT)}: {stats}")
            continue
        if "untranslated" in stats or "fuzzy" in stats:
            problems.append(f"{po.relative_to(ROOT)}: {stats}")
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled.read_bytes():
            problems.append(f"{mo.relative_to(ROOT)} is stale: run `make messages`")
        print(f"translations: {po.relative_to(ROOT)}: {stats}")

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
