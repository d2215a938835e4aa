"""The dependency lock: requirements/*.txt with hashes, compiled from pyproject.toml.

    python scripts/lock.py           # write the lock (make lock; needs uv, in the dev group)
    python scripts/lock.py --check   # fail when pyproject.toml changed since the lock was written

Each file records a digest of what it was compiled from, so the check needs no network.
"""

import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
FOLDER = ROOT / "requirements"
MARKER = "# pyproject-digest: "
# file -> dependency groups installed beside the project's own dependencies
LOCKS = {"main.txt": [], "dev.txt": ["dev", "test"]}


def pyproject_digest() -> str:
    data = tomllib.loads(PYPROJECT.read_text())
    relevant = {
        "requires-python": data["project"].get("requires-python"),
        "dependencies": data["project"].get("dependencies", []),
        "dependency-groups": data.get("dependency-groups", {}),
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def check() -> int:
    digest = pyproject_digest()
    for name in LOCKS:
        path = FOLDER / name
        lines = path.read_text().splitlines() if path.exists() else []
        recorded = next((line[len(MARKER) :].strip() for line in lines if line.startswith(MARKER)), None)
        if recorded != digest:
            print(
                f"lock: requirements/{name} does not match pyproject.toml; run `make lock` and commit it",
                file=sys.stderr,
            )
            return 1
    return 0


def write() -> int:
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        print("lock: uv is not installed (bash scripts/bootstrap.sh dev)", file=sys.stderr)
        return 1
    digest = pyproject_digest()
    FOLDER.mkdir(exist_ok=True)
    for name, groups in LOCKS.items():
        command = [uv, "pip", "compile", "pyproject.toml", "--quiet", "--generate-hashes", "--universal",
                   "--python-version", "3.11", "--no-header", "--output-file", str(FOLDER / name)]
        # Every file agrees with main.txt on the versions they share.
        if groups:
            command += ["--constraints", str(FOLDER / "main.txt")]
        for group in groups:
            command += ["--group", f"pyproject.toml:{group}"]
        subprocess.run(command, cwd=ROOT, check=True)
        body = (FOLDER / name).read_text()
        header = (
            f"# Locked dependencies ({', '.join(['project', *groups])}); "
            "written by `make lock`, do not edit.\n"
            f"{MARKER}{digest}\n"
        )
        (FOLDER / name).write_text(header + body)
    return 0


if __name__ == "__main__":
    sys.exit(check() if "--check" in sys.argv[1:] else write())
