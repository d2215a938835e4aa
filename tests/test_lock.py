"""The lock (requirements/*.txt) must describe pyproject.toml; the test command fails otherwise."""

import re
import shutil
import subprocess
import sys

from tests.conftest import ROOT


def copy_project(tmp_path):
    for name in ("pyproject.toml", "requirements", "scripts/lock.py"):
        source, target = ROOT / name, tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    return tmp_path


def lock_check(root):
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "lock.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_committed_lock_matches_pyproject_and_a_changed_dependency_breaks_it(tmp_path):
    root = copy_project(tmp_path)
    assert lock_check(root).returncode == 0
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"jieba>=0.42,<0.43"', '"jieba>=0.42,<0.44"'))
    failed = lock_check(root)
    assert failed.returncode == 1
    assert "does not match pyproject.toml; run `make lock`" in failed.stderr


def test_every_locked_requirement_is_pinned_with_hashes_and_ruff_and_the_es_client_are_pinned():
    for name in ("main.txt", "dev.txt"):
        text = (ROOT / "requirements" / name).read_text()
        requirements = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, flags=re.MULTILINE)
        assert requirements and text.count("--hash=sha256:") >= len(requirements)
    dev_lock = (ROOT / "requirements" / "dev.txt").read_text()
    dev = dict(re.findall(r"^([A-Za-z0-9._-]+)==([^\s;]+)", dev_lock, flags=re.MULTILINE))
    assert dev["ruff"] == "0.17.6"
    # Client minor == server minor (compose and scripts/elasticsearch.sh run 8.14.3).
    assert dev["elasticsearch"].startswith("8.14.") and dev["elasticsearch-dsl"].startswith("8.14.")
    assert "elasticsearch:8.14.3" in (ROOT / "docker-compose.yml").read_text()
    assert "<es.version>8.14.3</es.version>" in (ROOT / "scripts" / "elasticsearch" / "pom.xml").read_text()
