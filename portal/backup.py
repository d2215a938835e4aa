"""Backups of one region: a PostgreSQL custom-format dump and an archive of its files,
with a manifest of sha256 sums that restore checks before it touches anything."""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
DATABASE_FILE = "database.dump"
FILES_ARCHIVE = "files.tar.gz"
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class FileRoot:
    name: str
    path: Path


def _file_roots() -> list[FileRoot]:
    """MEDIA_ROOT and, when it lies elsewhere, the private material root."""
    media = Path(settings.MEDIA_ROOT)
    roots = [FileRoot("media", media)]
    private = getattr(settings, "MATERIALS_PRIVATE_ROOT", None)
    if private and not Path(private).resolve().is_relative_to(media.resolve()):
        roots.append(FileRoot("private", Path(private)))
    return roots


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_command(program: str) -> tuple[list[str], dict]:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backup and restore need PostgreSQL (DATABASE_URL)")
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    command = [program, "--no-owner", "--no-privileges"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command += [option, str(database[key])]
    return command, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def backup_create(*, destination: Path) -> Path:
    """Write <destination>/portal-<region>-<time>/ and return that folder."""
    folder = Path(destination) / f"portal-{settings.PORTAL_REGION}-{timezone.now():%Y%m%dT%H%M%S%fZ}"
    folder.mkdir(parents=True)
    command, env = _pg_command("pg_dump")
    _run([*command, "--format=custom", "--file", str(folder / DATABASE_FILE),
          settings.DATABASES["default"]["NAME"]], env)
    with tarfile.open(folder / FILES_ARCHIVE, "w:gz") as archive:
        for root in _file_roots():
            if root.path.exists():
                archive.add(root.path, arcname=root.name)
    manifest = {
        "format": FORMAT_VERSION,
        "region": settings.PORTAL_REGION,
        "created_at": timezone.now().isoformat(),
        "sha256": {name: _sha256(folder / name) for name in (DATABASE_FILE, FILES_ARCHIVE)},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return folder


def backup_verify(*, folder: Path) -> dict:
    """The manifest, once every file in it has the recorded sum; BackupError otherwise."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder}: no readable {MANIFEST} ({error})") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{folder}: unknown backup format {manifest.get('format')!r}")
    if manifest.get("region") != settings.PORTAL_REGION:
        raise BackupError(f"{folder}: a backup of {manifest.get('region')}, not of {settings.PORTAL_REGION}")
    expected = manifest.get("sha256") or {}
    for name in (DATABASE_FILE, FILES_ARCHIVE):
        path = folder / name
        if not path.exists():
            raise BackupError(f"{folder}: {name} is missing")
        if _sha256(path) != expected.get(name):
            raise BackupError(
                f"{folder}: {name} does not match its sha256 in the manifest; nothing was restored"
            )
    return manifest


def backup_restore(*, folder: Path) -> dict:
    """Replace this region's database and files with the backup's (after checking its sums)."""
    folder = Path(folder)
    manifest = backup_verify(folder=folder)
    # Files first, into a scratch folder: a broken archive leaves the site as it was.
    roots = {root.name: root.path for root in _file_roots()}
    with tempfile.TemporaryDirectory() as scratch:
        with tarfile.open(folder / FILES_ARCHIVE, "r:gz") as archive:
            archive.extractall(scratch, filter="data")
        connections.close_all()
        command, env = _pg_command("pg_restore")
        _run([*command, "--clean", "--if-exists", "--single-transaction",
              "--dbname", settings.DATABASES["default"]["NAME"], str(folder / DATABASE_FILE)], env)
        for name, target in roots.items():
            restored = Path(scratch) / name
            target.mkdir(parents=True, exist_ok=True)
            for child in target.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
            if restored.exists():
                for child in restored.iterdir():
                    shutil.move(str(child), target / child.name)
    return manifest
