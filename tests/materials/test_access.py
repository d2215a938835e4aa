"""The access matrix on every path that reaches a material: listing, page, download, API."""

import pytest

from materials.models import DownloadLog
from materials.services import material_create

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db

TITLES = {"public": "公开的长征史料", "partners": "协作单位共享的红岩档案", "internal": "本单位内部工作记录"}
# reader -> levels the reader may see
MATRIX = {
    "anonymous": {"public"},
    "partner_staff": {"public", "partners"},
    "own_staff": {"public", "partners", "internal"},
}
CASES = [(reader, level) for reader in MATRIX for level in TITLES]


@pytest.fixture
def materials(own_organisation, own_editor):
    return {
        level: material_create(
            organisation=own_organisation,
            title=title,
            material_type="archive",
            access_level=level,
            uploaded_file=pdf_upload(f"{level}.pdf", b"%PDF-1.4\n" + level.encode() + b"\n%%EOF\n"),
            user=own_editor,
        )
        for level, title in TITLES.items()
    }


@pytest.fixture
def reader(request, client, own_editor, partner_staff):
    user = {"anonymous": None, "partner_staff": partner_staff, "own_staff": own_editor}[request.param]
    if user is not None:
        client.force_login(user)
    return user


@pytest.fixture
def api_headers(reader):
    """The API reads a token as its user and a session as the public (portal.api.PUBLIC_READ)."""
    if reader is None:
        return {}
    from wagtail.models import APIToken

    _token, plaintext = APIToken.create_token(user=reader, name="资料读取")
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.mark.parametrize("reader", list(MATRIX), indirect=True)
def test_listing_shows_only_what_the_reader_may_see(client, reader, materials, request):
    allowed = MATRIX[request.node.callspec.params["reader"]]
    html = client.get("/materials/").content.decode()
    for level, title in TITLES.items():
        assert (title in html) == (level in allowed), level


@pytest.mark.parametrize(("reader", "level"), CASES, indirect=["reader"])
def test_detail_page(client, reader, level, materials, request):
    allowed = level in MATRIX[request.node.callspec.params["reader"]]
    response = client.get(f"/materials/{materials[level].global_id}/")
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert TITLES[level] in response.content.decode()


@pytest.mark.parametrize(("reader", "level"), CASES, indirect=["reader"])
def test_download_is_checked_and_non_public_downloads_are_logged(client, reader, level, materials, request):
    allowed = level in MATRIX[request.node.callspec.params["reader"]]
    material = materials[level]
    response = client.get(f"/materials/{material.global_id}/files/1/")
    assert response.status_code == (200 if allowed else 404)
    if not allowed:
        assert not DownloadLog.objects.exists()
        return
    body = b"".join(response.streaming_content)
    assert level.encode() in body
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    log = DownloadLog.objects.filter(material=material)
    if level == "public":
        assert not log.exists()
    else:
        entry = log.get()
        assert (entry.user, entry.version) == (reader, 1)


@pytest.mark.parametrize("reader", list(MATRIX), indirect=True)
def test_api_lists_only_what_the_reader_may_see(client, reader, api_headers, materials, request):
    allowed = MATRIX[request.node.callspec.params["reader"]]
    response = client.get("/api/materials/", headers=api_headers)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == len(allowed)
    assert {item["access_level"] for item in data["items"]} == allowed


@pytest.mark.parametrize(("reader", "level"), CASES, indirect=["reader"])
def test_api_detail(client, reader, api_headers, level, materials, request):
    allowed = level in MATRIX[request.node.callspec.params["reader"]]
    material = materials[level]
    response = client.get(f"/api/materials/{material.global_id}/", headers=api_headers)
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        data = response.json()
        assert data["title"] == TITLES[level]
        assert data["origin_organisation"]["code"] == "cq-qijiang"
        assert data["files"][0]["download_url"] == f"/materials/{material.global_id}/files/1/"


def test_staff_of_another_organisation_do_not_see_internal_material(client, materials, sibling_organisation):
    from portal.services import staff_user_create_or_update

    neighbour = staff_user_create_or_update(
        username="bs_editor", organisation=sibling_organisation, roles=["editor"]
    )
    client.force_login(neighbour)
    internal = materials["internal"]
    assert client.get(f"/materials/{internal.global_id}/").status_code == 404
    assert client.get(f"/materials/{internal.global_id}/files/1/").status_code == 404
    assert TITLES["internal"] not in client.get("/materials/").content.decode()
    assert client.get(f"/materials/{materials['partners'].global_id}/").status_code == 200


def test_files_have_no_public_media_url(client, materials, private_media):
    from django.conf import settings

    record = materials["public"].current_file
    with pytest.raises(ValueError):
        record.file.url  # noqa: B018
    assert str(private_media) in record.file.path
    html = client.get(f"/materials/{materials['public'].global_id}/").content.decode()
    assert settings.MEDIA_URL not in html
    assert f"/materials/{materials['public'].global_id}/files/1/" in html


def test_openapi_schema_describes_the_materials_api(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/materials/" in paths
    assert "/api/materials/{global_id}/" in paths


@pytest.mark.parametrize("reader", list(MATRIX), indirect=True)
def test_feed_carries_only_what_the_reader_may_see(client, reader, materials, request):
    allowed = MATRIX[request.node.callspec.params["reader"]]
    response = client.get("/materials/feed/")
    assert response.status_code == 200
    xml = response.content.decode()
    for level, title in TITLES.items():
        assert (title in xml) == (level in allowed), level


@pytest.mark.parametrize("reader", list(MATRIX), indirect=True)
def test_keyword_search_applies_the_access_rule(client, reader, api_headers, materials, request):
    allowed = MATRIX[request.node.callspec.params["reader"]]
    # “资料”、“档案”、“记录” are in one title each; “红岩” only in the partners one.
    html = client.get("/materials/", {"q": "红岩档案"}).content.decode()
    assert (TITLES["partners"] in html) == ("partners" in allowed)
    assert TITLES["public"] not in html
    # A session alone reads the API as the public.
    assert client.get("/api/materials/", {"q": "工作记录"}).json()["items"] == []
    api = client.get("/api/materials/", {"q": "工作记录"}, headers=api_headers).json()
    assert [i["title"] for i in api["items"]] == ([TITLES["internal"]] if "internal" in allowed else [])


def test_api_reads_with_a_bearer_token_as_its_user(client, materials, partner_staff):
    from wagtail.models import APIToken

    _token, plaintext = APIToken.create_token(user=partner_staff, name="成都同步")
    response = client.get("/api/materials/", headers={"Authorization": f"Bearer {plaintext}"})
    assert {item["access_level"] for item in response.json()["items"]} == {"public", "partners"}
    # A bad token reads as anonymous, even over a signed-in session.
    client.force_login(partner_staff)
    response = client.get("/api/materials/", headers={"Authorization": "Bearer wrong"})
    assert {item["access_level"] for item in response.json()["items"]} == {"public"}


def test_a_file_not_yet_on_disk_is_a_404_not_an_error(client, materials):
    record = materials["public"].current_file
    record.file.storage.delete(record.file.name)
    assert client.get(f"/materials/{materials['public'].global_id}/files/1/").status_code == 404
