"""The material admin shows each version's text status, runs a version again and keeps corrections."""

import pytest

from materials.models import TextExtraction
from materials.services.extraction import material_file_extract
from portal.services import staff_user_create_or_update

from . import documents as docs

pytestmark = pytest.mark.django_db


@pytest.fixture
def material(extracted_minutes):
    return extracted_minutes


def text_url(material) -> str:
    return f"/admin/snippets/materials/material/files/{material.current_file.pk}/text/"


def test_the_edit_view_shows_each_versions_status(client, own_editor, material):
    client.force_login(own_editor)
    edit = f"/admin/snippets/materials/material/edit/{material.pk}/"
    html = client.get(edit).content.decode()
    assert "文件文本识别" in html and "纪要.docx" in html and "完成" in html
    assert text_url(material) in html

    TextExtraction.objects.filter(file=material.current_file).update(
        status="running", pages_total=12, pages_done=3
    )
    assert "识别中 3/12页" in client.get(edit).content.decode()
    TextExtraction.objects.filter(file=material.current_file).update(
        status="failed", reason="encrypted", pages_total=None
    )
    assert "失败：文件已加密，无法读取" in client.get(edit).content.decode()


def test_staff_correct_a_page_and_the_correction_is_kept_and_searched(client, own_editor, material):
    client.force_login(own_editor)
    page = client.get(text_url(material)).content.decode()
    assert "第2页" in page and "中央红军长征途经綦江的历史" in page and "重新识别" in page
    corrected = docs.page_text(2).replace("筹粮带路", "筹粮带路、抬担架")
    response = client.post(text_url(material), {"page-2": corrected, "page-1": docs.page_text(1)})
    assert response.status_code == 302
    second = material.current_file.pages.get(number=2)
    assert second.corrected_text == corrected and second.corrected_by == own_editor
    assert second.text == docs.page_text(2)  # what was read stays beside the correction
    assert not material.current_file.pages.get(number=1).corrected_text  # unchanged: no correction
    assert "抬担架" in material.text_pages()[1]["text"]
    assert "担架" in material.text_segments().split()
    assert "已校对" in client.get(text_url(material)).content.decode()


def test_staff_run_a_version_again(client, own_editor, material):
    client.force_login(own_editor)
    before = TextExtraction.objects.get(file=material.current_file)
    response = client.post(text_url(material), {"action": "extract"})
    assert response.status_code == 302
    after = TextExtraction.objects.get(file=material.current_file)
    assert after.status == "queued" and after.attempt == before.attempt + 1
    # A task sent for the earlier attempt does nothing; the new one reads the file.
    assert material_file_extract(file_id=material.current_file.pk, attempt=before.attempt).status == "queued"
    assert material_file_extract(file_id=material.current_file.pk, attempt=after.attempt).status == "done"


def test_another_organisations_staff_cannot_open_the_text(client, material, sibling_organisation):
    other = staff_user_create_or_update(
        username="bs_editor", organisation=sibling_organisation, roles=["editor"], password="pass-word-123"
    )
    client.force_login(other)
    assert client.get(text_url(material)).status_code == 404
    assert client.post(text_url(material), {"page-1": "篡改"}).status_code == 404
    assert not material.current_file.pages.exclude(corrected_text="").exists()
