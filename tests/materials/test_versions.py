"""Replacing a file keeps the old version downloadable and the material's URL stable."""

import pytest

from materials.services import material_create, material_file_add

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def test_replacing_a_file_keeps_the_old_version(client, own_organisation, own_editor):
    material = material_create(
        organisation=own_organisation,
        title="中央红军长征过綦江的群众路线",
        material_type="paper",
        uploaded_file=pdf_upload("初稿.pdf", b"%PDF-1.4\nfirst draft\n%%EOF\n"),
        user=own_editor,
    )
    url = material.get_absolute_url()
    assert material.version == 1

    material_file_add(
        material=material,
        uploaded_file=pdf_upload("定稿.pdf", b"%PDF-1.4\nfinal text\n%%EOF\n"),
        user=own_editor,
    )
    material.refresh_from_db()
    assert material.get_absolute_url() == url
    assert material.version == 2  # partners see a newer record
    assert material.current_file.version == 2

    page = client.get(url).content.decode()
    assert "定稿.pdf" in page and "初稿.pdf" in page
    latest = client.get(f"{url}download/")
    assert b"final text" in b"".join(latest.streaming_content)
    first = client.get(f"{url}files/1/")
    assert b"first draft" in b"".join(first.streaming_content)
    assert "初稿.pdf" in first["Content-Disposition"] or "%E5%88%9D%E7%A8%BF" in first["Content-Disposition"]
    assert client.get(f"{url}files/3/").status_code == 404


def test_deleting_a_material_removes_its_stored_files(
    own_organisation, private_media, django_capture_on_commit_callbacks
):
    from .conftest import stored_files

    material = material_create(
        organisation=own_organisation,
        title="待删除的资料",
        material_type="archive",
        uploaded_file=pdf_upload(),
    )
    material_file_add(material=material, uploaded_file=pdf_upload("第二版.pdf"))
    assert len(stored_files(private_media)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        material.delete()
    assert stored_files(private_media) == []
