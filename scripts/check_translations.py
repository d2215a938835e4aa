"""Fail when a translation is missing or fuzzy, drops or invents a placeholder, or a .mo file is stale.

Checks each app's catalogs (`<app>/locale/`), among them the project-level ones in `portal/locale/`
(LOCALE_PATHS; its zh_Hans holds the strings Wagtail ships untranslated, for both domains).
"""

import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# %(name)s, %s, %d and {name}: what Python formatting fills in at run time.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdfr]|%[sdfr]|\{[a-z_]*\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def mo_entries(mo: Path) -> list[tuple[list[str], list[str]]]:
    """(msgid and msgid_plural, msgstr forms) of each entry of a compiled catalog, header left out."""
    data = mo.read_bytes()
    count, originals, translations = struct.unpack("<8xIII", data[:20])
    entries = []
    for index in range(count):
        olen, ooff = struct.unpack("<II", data[originals + 8 * index : originals + 8 * index + 8])
        tlen, toff = struct.unpack("<II", data[translations + 8 * index : translations + 8 * index + 8])
        original = data[ooff : ooff + olen].decode()
        if not original:
            continue
        msgids = original.split("\x04")[-1].split("\x00")
        entries.append((msgids, data[toff : toff + tlen].decode().split("\x00")))
    return entries


def placeholder_problems(po: Path, mo: Path) -> list[str]:
    problems = []
    for msgids, forms in mo_entries(mo):
        expected = set().union(*(placeholders(msgid) for msgid in msgids))
        # With one plural form the translation follows msgid_plural: it may drop a singular-only placeholder.
        required = placeholders(msgids[-1])
        for text in forms:
            found = placeholders(text)
            missing, extra = required - found, found - expected
            if missing or extra:
                where = f"{po.relative_to(ROOT)}: {msgids[0][:60]!r}"
                problems.append(f"{where}: placeholders missing {sorted(missing)}, extra {sorted(extra)}")
    return problems


catalogs = sorted(ROOT.glob("*/locale/*/LC_MESSAGES/*.po"))
problems = []
for po in catalogs:
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
        problems.extend(placeholder_problems(po, compiled))
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled.read_bytes():
            problems.append(f"{mo.relative_to(ROOT)} is stale: run `make messages`")
        print(f"translations: {po.relative_to(ROOT)}: {stats}")

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
