"""Restore drill on the real PostgreSQL: a restored site serves the same records and files."""

import json
from pathlib import Path

import pytest

from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from materials.models import Material
from materials.services import material_create
from portal.services import staff_user_create_or_update
from tests.factories import OrganisationFactory
from tests.materials.factories import PDF

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site_files(settings, tmp_path):
    settings.MATERIALS_PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = str(tmp_path / "media")  # also drops the storages' cached locations
    return tmp_path


@pytest.fixture
def material(site_files):
    organisation = OrganisationFactory(code="cq-backup", name="备份测试研究室", region="chongqing")
    editor = staff_user_create_or_update(
        username="backup_editor", organisation=organisation, roles=["editor"], password="pass-word-123"
    )
    record = material_create(
        organisation=organisation,
        title="红岩档案",
        material_type="archive",
        uploaded_file=ContentFile(PDF + "红岩".encode(), name="红岩.pdf"),
        user=editor,
    )
    (site_files / "media" / "images").mkdir(parents=True)
    (site_files / "media" / "images" / "hongyan.jpg").write_bytes(b"\xff\xd8 public image")
    return record, editor


def download(client, editor, material) -> bytes:
    client.force_login(editor)
    response = client.get(f"/materials/{material.global_id}/files/1/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_restored_site_serves_the_same_records_and_files(client, site_files, material, tmp_path):
    record, editor = material
    original = download(client, editor, record)
    folder = Path(call_command_output("backup", str(tmp_path / "backups")))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["sha256"]) == {"database.dump", "files.tar.gz"}

    # Disaster: the record and every file are gone.
    Material.objects.all().delete()
    for path in sorted(site_files.rglob("*"), reverse=True):
        if path.is_file() and "backups" not in path.parts:
            path.unlink()

    call_command("restore", str(folder), "--yes")

    restored = Material.objects.get(global_id=record.global_id)
    assert restored.title == "红岩档案"
    assert download(client, editor, restored) == original
    assert (site_files / "media" / "images" / "hongyan.jpg").read_bytes() == b"\xff\xd8 public image"


def test_restore_refuses_a_backup_whose_sums_do_not_match(site_files, material, tmp_path):
    folder = Path(call_command_output("backup", str(tmp_path / "backups")))
    archive = folder / "files.tar.gz"
    data = bytearray(archive.read_bytes())
    data[-10] ^= 0xFF
    archive.write_bytes(bytes(data))
    Material.objects.all().delete()

    with pytest.raises(CommandError, match="files.tar.gz does not match its sha256"):
        call_command("restore", str(folder), "--yes")
    assert not Material.objects.exists()  # nothing was restored


def call_command_output(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()
