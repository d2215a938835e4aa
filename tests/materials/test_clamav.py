"""Uploads are scanned by a real clamd when CLAMAV_ADDRESS is set, here with a custom test signature."""

import shutil
import socket
import subprocess
import time

import pytest

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from materials.models import Material
from materials.services import material_create
from tests.conftest import free_port

from .conftest import stored_files
from .factories import PDF

pytestmark = pytest.mark.django_db

MARKER = b"CHUANYU-PORTAL-TEST-MALWARE-SIGNATURE"


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    binary = shutil.which("clamd") or (
        "/usr/sbin/clamd" if shutil.os.path.exists("/usr/sbin/clamd") else None
    )
    if binary is None:
        pytest.skip("clamd is not installed (Debian package clamav-daemon)")
    root = tmp_path_factory.mktemp("clamd")
    (root / "db").mkdir()
    # A body signature of our own: no download of the official databases is needed.
    (root / "db" / "portal-test.ndb").write_text(f"Portal.Test.Signature:0:*:{MARKER.hex()}\n")
    port = free_port()
    config = root / "clamd.conf"
    config.write_text(
        f"DatabaseDirectory {root / 'db'}\nTCPSocket {port}\nTCPAddr 127.0.0.1\nForeground yes\n"
        f"LogFile {root / 'clamd.log'}\nPidFile {root / 'clamd.pid'}\nStreamMaxLength 60M\n"
    )
    process = subprocess.Popen(
        [binary, "--config-file", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"zPING\x00")
                if connection.recv(16).startswith(b"PONG"):
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"clamd did not start: {(root / 'clamd.log').read_text(errors='replace')}")
        time.sleep(0.2)
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


def test_an_infected_upload_is_refused_and_nothing_is_left(clamd, settings, own_organisation, private_media):
    settings.CLAMAV_ADDRESS = clamd
    with pytest.raises(ValidationError) as refused:
        material_create(
            organisation=own_organisation,
            title="带病毒的文件",
            material_type="archive",
            uploaded_file=ContentFile(PDF + MARKER, name="报告.pdf"),
        )
    assert "未通过病毒扫描" in refused.value.messages[0]
    assert "Portal.Test.Signature" in refused.value.messages[0]
    assert not Material.objects.exists() and stored_files(private_media) == []


def test_a_clean_upload_passes_the_scan(clamd, settings, own_organisation):
    settings.CLAMAV_ADDRESS = clamd
    material = material_create(
        organisation=own_organisation,
        title="干净的文件",
        material_type="archive",
        uploaded_file=ContentFile(PDF, name="报告.pdf"),
    )
    assert material.current_file.size == len(PDF)


def test_an_unreachable_scanner_refuses_the_upload(settings, own_organisation):
    settings.CLAMAV_ADDRESS = f"127.0.0.1:{free_port()}"
    with pytest.raises(ValidationError) as refused:
        material_create(
            organisation=own_organisation,
            title="扫描不可用",
            material_type="archive",
            uploaded_file=ContentFile(PDF, name="报告.pdf"),
        )
    assert "无法完成病毒扫描" in refused.value.messages[0]
    assert not Material.objects.exists()
