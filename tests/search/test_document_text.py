"""Search inside documents on the real Elasticsearch node: a scanned PDF read by OCR is found by a
phrase of its third page, the hit names the page (第3页) and links there, and only readers who may
download the file find its text. The database fallback answers the same."""

import pytest

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.test import Client

from materials.models import MaterialFilePage
from materials.services import material_create
from materials.services.extraction import material_file_extract, material_file_page_correct
from search.selectors import content_search
from tests.materials import documents as docs

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.services]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def scanned(qijiang):
    """A 1935-style scan: three page images (clean, skewed, noisy) in a PDF without any text layer."""
    images = [
        docs.render_page(docs.PAGES[0]),
        docs.skewed(docs.render_page(docs.PAGES[1])),
        docs.noisy(docs.render_page(docs.PAGES[2])),
    ]
    material = material_create(
        organisation=qijiang,
        title="川渝党史协作扫描件",
        material_type="archive",
        access_level="partners",
        uploaded_file=ContentFile(docs.scanned_pdf(images), name="扫描件.pdf"),
    )
    record = material.current_file
    if not _read:
        extraction = material_file_extract(file_id=record.pk)
        assert extraction.status == "done", extraction.status_display
        _read.extend(record.pages.values("number", "text", "method", "confidence"))
    else:
        # OCR is slow on two cores: the module reads the scan once, later tests reuse its pages.
        for page in _read:
            MaterialFilePage.objects.create(file=record, **page)
        material.save()  # indexes the record with its pages
    return material


_read: list[dict] = []


def page_hits(results, title="川渝党史协作扫描件"):
    return next((hit["pages"] for hit in results.hits if hit["title"] == title), None)


def test_ocr_reads_the_scanned_pages(scanned):
    pages = list(scanned.current_file.pages.order_by("number"))
    assert [(p.number, p.method) for p in pages] == [(1, "ocr"), (2, "ocr"), (3, "ocr")]
    accuracy = [docs.character_accuracy(p.text, docs.page_text(p.number)) for p in pages]
    assert accuracy[0] >= 0.95, pages[0].text  # clean
    assert accuracy[1] >= 0.9, pages[1].text  # skewed 3°
    assert accuracy[2] >= 0.9, pages[2].text  # noisy
    assert all(p.confidence and p.confidence > 60 for p in pages)


def test_a_phrase_from_page_3_finds_the_page_with_its_excerpt_and_link(scanned, qijiang, chengdu):
    reader = f.staff("cd_reader", chengdu)
    results = content_search(query=docs.PAGE3_PHRASE, user=reader)
    assert results.backend == "elasticsearch"
    pages = page_hits(results)
    assert pages is not None, [h["title"] for h in results.hits]
    assert [p["number"] for p in pages] == [3]
    (page,) = pages
    assert page["label"] == "第3页"
    download = scanned.current_file.get_absolute_url()
    assert page["url"] == f"{download}?inline=1#page=3"
    assert "<mark>" in page["snippet_html"] and "资源" in page["snippet_html"]
    assert page["snippet_html"].startswith("…") or page["snippet_html"].endswith("…")  # a page is longer
    # A phrase of page 1 finds page 1, not page 3.
    assert [p["number"] for p in page_hits(content_search(query="联席会议制度", user=reader))] == [1]

    # The page and the JSON answer show it too, and the link opens the PDF at its page.
    client = Client()
    client.force_login(reader)
    html = client.get("/search/", {"q": docs.PAGE3_PHRASE}).content.decode()
    assert "第3页" in html and f'href="{download}?inline=1#page=3"' in html
    data = client.get("/search/", {"q": docs.PAGE3_PHRASE, "format": "json"}).json()
    (hit,) = [h for h in data["results"] if h["title"] == "川渝党史协作扫描件"]
    assert hit["pages"][0]["number"] == 3
    response = client.get(f"{download}?inline=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")


def test_text_is_found_only_by_readers_who_may_download_the_file(scanned, qijiang, chengdu):
    owner, partner = f.staff("qj_staff", qijiang), f.staff("cd_staff", chengdu)
    anonymous = AnonymousUser()
    client = Client()
    download = scanned.current_file.get_absolute_url()

    # partners: staff of either region, not the public
    assert page_hits(content_search(query=docs.PAGE3_PHRASE, user=anonymous)) is None
    assert page_hits(content_search(query=docs.PAGE3_PHRASE, user=partner))
    assert client.get(download).status_code == 404

    scanned.access_level = "internal"
    scanned.save()
    assert page_hits(content_search(query=docs.PAGE3_PHRASE, user=partner)) is None
    assert page_hits(content_search(query=docs.PAGE3_PHRASE, user=owner))
    client.force_login(partner)
    assert client.get(download).status_code == 404
    client.force_login(owner)
    assert client.get(download).status_code == 200

    scanned.access_level = "public"
    scanned.save()
    assert page_hits(content_search(query=docs.PAGE3_PHRASE, user=anonymous))


def test_a_correction_is_searched_in_place_of_the_ocr_text(scanned, qijiang):
    owner = f.staff("qj_editor", qijiang)
    page = scanned.current_file.pages.get(number=2)
    material_file_page_correct(page=page, text="遵义会议精神在川渝的传播与弘扬", user=owner)
    assert page_hits(content_search(query="遵义会议精神", user=owner))[0]["number"] == 2
    # The OCR text of page 2 is no longer what is searched.
    assert page_hits(content_search(query="筹粮带路", user=owner)) is None


def test_the_database_fallback_finds_the_page_too(scanned, qijiang, chengdu, settings):
    settings.ELASTICSEARCH_URL = None
    reader = f.staff("cd_db_reader", chengdu)
    results = content_search(query=docs.PAGE3_PHRASE, user=reader)
    assert results.backend == "database"
    (page,) = page_hits(results)
    assert page["number"] == 3 and page["label"] == "第3页"
    assert page["url"].endswith("#page=3") and "<mark>" in page["snippet_html"]
    assert page_hits(content_search(query=docs.PAGE3_PHRASE, user=AnonymousUser())) is None
