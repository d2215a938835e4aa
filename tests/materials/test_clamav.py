"""Uploads are scanned by a real clamd when CLAMAV_ADDRESS is set, here with a custom test signature."""

import pytest

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from materials.models import Material
from materials.services import material_create
from tests.clamd import MARKER, clamd_binary, clamd_start
from tests.conftest import free_port

from .conftest import stored_files
from .factories import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    if clamd_binary() is None:
        pytest.skip("clamd is not installed (Debian package clamav-daemon)")
    process, address = clamd_start(tmp_path_factory.mktemp("clamd"))
    yield address
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
