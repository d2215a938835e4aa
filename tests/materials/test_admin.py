"""Editors deposit and replace files in the Wagtail admin, for their own organisation only."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile

from materials.models import Material
from materials.services import material_create
from portal.models import Topic

from .conftest import pdf_upload, stored_files
from .factories import ELF, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chongqing_site(settings):
    """The editors here work for 綦江 (Chongqing): the site they deposit on is Chongqing's."""
    settings.PORTAL_REGION = "chongqing"

ADD_URL = "/admin/snippets/materials/material/add/"


def form_data(organisation, **overrides):
    data = {
        "title": "綦江区抗战遗址调查报告",
        "material_type": "report",
        "description": "綦江区第三批国家级抗战纪念设施、遗址申报材料。",
        "period": "new_democratic",
        "date_from": "",
        "date_to": "",
        "origin_organisation": organisation.pk,
        "collection": "綦江区委党史地方志研究室",
        "access_level": "partners",
    }
    data.update(overrides)
    return data


def test_editor_deposits_a_material_with_a_file(client, own_editor, own_organisation):
    client.force_login(own_editor)
    form = client.get(ADD_URL)
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.content.decode()
    response = client.post(
        ADD_URL, {**form_data(own_organisation), "upload": SimpleUploadedFile("报告.pdf", PDF)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    material = Material.objects.get()
    assert material.origin_organisation == own_organisation
    assert material.deposited_by == own_editor
    assert material.current_file.original_name == "报告.pdf"
    assert material.current_file.uploaded_by == own_editor
    assert material.version == 1


def test_topics_ticked_in_the_searchable_multi_select_are_saved(client, own_editor, own_organisation):
    topics = [Topic.objects.create(kind="theme", name=f"主题{n}", slug=f"theme-{n}") for n in range(3)]
    client.force_login(own_editor)
    assert 'data-searchable-select' in client.get(ADD_URL).content.decode()

    chosen = [topics[0].pk, topics[2].pk]
    upload = SimpleUploadedFile("报告.pdf", PDF)
    response = client.post(ADD_URL, {**form_data(own_organisation, topics=chosen), "upload": upload})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(Material.objects.get().topics.values_list("pk", flat=True)) == set(chosen)


def test_a_refused_upload_in_the_admin_says_why_and_leaves_nothing(
    client, own_editor, own_organisation, private_media
):
    client.force_login(own_editor)
    response = client.post(
        ADD_URL, {**form_data(own_organisation), "upload": SimpleUploadedFile("报告.pdf", ELF)}
    )
    assert response.status_code == 200
    assert "可执行程序" in response.content.decode()
    assert not Material.objects.exists()
    assert stored_files(private_media) == []


def test_editor_cannot_deposit_for_another_organisation(
    client, own_editor, own_organisation, partner_organisation
):
    client.force_login(own_editor)
    response = client.post(
        ADD_URL, {**form_data(partner_organisation), "upload": SimpleUploadedFile("报告.pdf", PDF)}
    )
    assert response.status_code == 200
    assert not Material.objects.exists()


def test_uploading_in_the_edit_form_adds_a_version(client, own_editor, own_organisation):
    material = material_create(
        organisation=own_organisation,
        title="旧题名",
        material_type="archive",
        uploaded_file=pdf_upload("v1.pdf"),
    )
    client.force_login(own_editor)
    url = f"/admin/snippets/materials/material/edit/{material.pk}/"
    assert "当前为第 1 版" in client.get(url).content.decode()
    response = client.post(
        url, {**form_data(own_organisation, title="新题名"), "upload": SimpleUploadedFile("v2.pdf", PDF)}
    )
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.title == "新题名"
    assert list(material.files.values_list("version", "original_name")) == [(2, "v2.pdf"), (1, "v1.pdf")]


def test_editors_manage_only_their_own_organisations_materials(
    client, own_editor, own_organisation, partner_organisation
):
    theirs = material_create(
        organisation=partner_organisation,
        title="成都的资料",
        material_type="archive",
        uploaded_file=pdf_upload(),
    )
    mine = material_create(
        organisation=own_organisation, title="綦江的资料", material_type="archive", uploaded_file=pdf_upload()
    )
    client.force_login(own_editor)
    listing = client.get("/admin/snippets/materials/material/").content.decode()
    assert "綦江的资料" in listing and "成都的资料" not in listing
    assert client.get(f"/admin/snippets/materials/material/edit/{theirs.pk}/").status_code in (302, 403)
    assert client.get(f"/admin/snippets/materials/material/edit/{mine.pk}/").status_code == 200


def test_admin_bulk_import_reports_each_row(client, own_editor, own_organisation):
    client.force_login(own_editor)
    listing = client.get("/admin/snippets/materials/material/").content.decode()
    assert "/admin/snippets/materials/material/import/" in listing
    csv = (
        "filename,title,type,period,date_from,date_to,topics,access_level,description,collection\n"
        "a.pdf,綦江抗战史料汇编,档案,新民主主义革命时期,1937,1945,地点:綦江,公开,,\n"
        "b.pdf,伪装的程序,档案,,,,,公开,,\n"
    ).encode()
    response = client.post(
        "/admin/snippets/materials/material/import/",
        {
            "metadata": SimpleUploadedFile("metadata.csv", csv),
            "files": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", ELF)],
            "organisation": own_organisation.pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "导入 1 行，未导入 1 行" in html
    assert 'data-imported="true"' in html and "可执行程序" in html
    material = Material.objects.get()
    assert material.title == "綦江抗战史料汇编" and material.deposited_by == own_editor


def test_administrators_read_who_downloaded_their_organisations_files(
    client, own_editor, own_organisation, partner_staff
):
    from portal.services import staff_user_create_or_update

    material = material_create(
        organisation=own_organisation,
        title="协作单位可见的档案",
        material_type="archive",
        access_level="partners",
        uploaded_file=pdf_upload(),
    )
    client.force_login(partner_staff)
    assert client.get(f"/materials/{material.global_id}/files/1/").status_code == 200

    administrator = staff_user_create_or_update(
        username="qj_admin", organisation=own_organisation, roles=["administrator"]
    )
    client.force_login(administrator)
    listing = client.get("/admin/material_download_logs/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "协作单位可见的档案" in html and "cd_researcher" in html
    assert "/admin/material_download_logs/new/" not in html
    assert client.get("/admin/material_download_logs/new/").status_code in (302, 403)

    client.force_login(own_editor)
    assert client.get("/admin/material_download_logs/").status_code in (302, 403)


def test_admin_chooser_and_history_follow_the_access_rule(
    client, own_editor, own_organisation, partner_organisation
):
    internal = material_create(
        organisation=partner_organisation,
        title="成都内部工作记录",
        material_type="archive",
        access_level="internal",
    )
    shared = material_create(
        organisation=partner_organisation,
        title="成都共享的研究报告",
        material_type="report",
        access_level="partners",
    )
    client.force_login(own_editor)
    chooser = client.get("/admin/snippets/choose/materials/material/")
    assert chooser.status_code == 200
    html = chooser.json()["html"]
    assert "成都共享的研究报告" in html and "成都内部工作记录" not in html
    chosen = f"/admin/snippets/choose/materials/material/chosen/{internal.pk}/"
    assert client.get(chosen).status_code == 404
    assert client.get(f"/admin/snippets/choose/materials/material/chosen/{shared.pk}/").status_code == 200
    history = f"/admin/snippets/materials/material/history/{internal.pk}/"
    assert client.get(history).status_code in (302, 403)
