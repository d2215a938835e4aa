"""Red-heritage sites on a map: coordinates both or neither and in range, a marker only for what the
reader may see, and address and coordinates as text (no map at all) without a tile server."""

import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, connection, transaction

from portal.settings.environment import read_environment
from publicity.models import RedHeritageSite
from publicity.services import red_heritage_index_ensure
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TILES = "https://tiles.example.cn/{z}/{x}/{y}.png"


@pytest.fixture
def index(site_home):
    return red_heritage_index_ensure(home=site_home)


@pytest.fixture
def unit(db):
    return OrganisationFactory(code="sc-guangan", name="广安市委党史研究室", region="sichuan")


def site_add(index, unit, *, title, slug, **values) -> RedHeritageSite:
    site = RedHeritageSite(title=title, slug=slug, place="广安", origin_organisation=unit, **values)
    index.add_child(instance=site)
    site.save_revision().publish()
    return RedHeritageSite.objects.get(pk=site.pk)


def map_data(html: str) -> dict | None:
    found = BeautifulSoup(html, "html.parser").find("script", id="heritage-map-data")
    return json.loads(found.string) if found else None


def test_coordinates_are_both_or_neither_and_within_range(index, unit):
    site = site_add(index, unit, title="邓小平故里", slug="deng")
    for latitude, longitude, wrong in [
        (Decimal("30.498"), None, "longitude"),
        (None, Decimal("106.689"), "latitude"),
        (Decimal("90.5"), Decimal("106.689"), "latitude"),
        (Decimal("30.498"), Decimal("-180.000001"), "longitude"),
        (Decimal("30.1234567"), Decimal("106.689"), "latitude"),  # more than six places
    ]:
        site.latitude, site.longitude = latitude, longitude
        with pytest.raises(ValidationError) as error:
            site.full_clean()
        assert wrong in error.value.message_dict, (latitude, longitude)
    for latitude, longitude in [(None, None), (Decimal("30.498"), Decimal("106.689")), (-90, 180)]:
        site.latitude, site.longitude = latitude, longitude
        site.full_clean()


def test_the_database_holds_to_the_pair_whatever_writes_the_row(index, unit):
    site = site_add(
        index, unit, title="邓小平故里", slug="deng", latitude=Decimal("30.498"), longitude=Decimal("106.689")
    )
    for values in ({"longitude": None}, {"latitude": Decimal("-91")}):
        with pytest.raises(IntegrityError), transaction.atomic():
            RedHeritageSite.objects.filter(pk=site.pk).update(**values)


def test_the_index_map_has_a_marker_for_each_site_the_reader_may_see(client, settings, index, unit):
    settings.PORTAL_MAP_TILE_URL = TILES
    settings.PORTAL_MAP_ATTRIBUTION = "© 测试图源"
    other = OrganisationFactory(code="sc-yaan", name="雅安市委党史研究室", region="sichuan")
    seen = site_add(
        index, unit, title="邓小平故里", slug="deng", latitude=Decimal("30.498"), longitude=Decimal("106.689")
    )
    site_add(index, unit, title="无坐标的景点", slug="nowhere")
    site_add(
        index,
        other,
        title="内部景点",
        slug="internal",
        access_level="internal",
        latitude=Decimal("30.0"),
        longitude=Decimal("103.0"),
    )

    html = client.get("/red-sites/").content.decode()

    data = map_data(html)
    assert data["tiles"] == TILES and data["attribution"] == "© 测试图源"
    assert data["points"] == [
        {"lat": 30.498, "lng": 106.689, "title": "邓小平故里", "place": "广安", "url": seen.url}
    ]
    soup = BeautifulSoup(html, "html.parser")
    canvas = soup.find(id="heritage-map")
    assert canvas["role"] == "region" and canvas["aria-label"] == "红色景点地图"
    scripts = [tag["src"] for tag in soup.find_all("script", src=True)]
    assert "/static/publicity/vendor/leaflet/leaflet.js" in scripts
    assert "/static/publicity/js/heritage-map.js" in scripts
    # The list stays the page's content: every site the reader may see is a card, mapped or not.
    assert [a.string for a in soup.select(".card h2 a")] == ["无坐标的景点", "邓小平故里"]
    assert "内部景点" not in html


def test_a_site_page_shows_photo_address_coordinates_map_and_the_way_back(client, settings, index, unit):
    settings.PORTAL_MAP_TILE_URL = TILES
    site = site_add(
        index,
        unit,
        title="邓小平故里",
        slug="deng",
        address="四川省广安市广安区协兴镇牌坊村",
        latitude=Decimal("30.498"),
        longitude=Decimal("106.689"),
    )

    html = client.get(site.url).content.decode()

    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".red-site__address").string == "四川省广安市广安区协兴镇牌坊村"
    assert "纬度 30.498000，经度 106.689000" in soup.select_one(".red-site__coordinates").string
    (point,) = map_data(html)["points"]
    assert (point["lat"], point["lng"], point["url"]) == (30.498, 106.689, "")
    assert soup.find(id="heritage-map")["aria-label"] == "邓小平故里的位置地图"
    assert soup.select_one(".red-site__back a")["href"] == "/red-sites/"
    english = client.get("/en" + site.url).content.decode()
    assert (
        "Latitude 30.498000, longitude 106.689000" in english and "Back to the red-heritage sites" in english
    )


def test_without_a_tile_server_the_pages_show_text_and_no_map(client, settings, index, unit):
    settings.PORTAL_MAP_TILE_URL = ""
    site = site_add(
        index,
        unit,
        title="邓小平故里",
        slug="deng",
        address="四川省广安市广安区协兴镇牌坊村",
        latitude=Decimal("30.498"),
        longitude=Decimal("106.689"),
    )

    for path in (site.url, "/red-sites/"):
        html = client.get(path).content.decode()
        assert map_data(html) is None and 'id="heritage-map"' not in html and "leaflet" not in html
        assert "四川省广安市广安区协兴镇牌坊村" in html
    assert "纬度 30.498000，经度 106.689000" in client.get(site.url).content.decode()


def test_the_tile_setting_is_checked_and_gives_the_host_the_csp_allows():
    def read(url):
        return read_environment({"PORTAL_REGION": "sichuan", "PORTAL_MAP_TILE_URL": url})

    assert read("").map_tile_origin is None
    assert read(TILES).map_tile_origin == "https://tiles.example.cn"
    assert read("http://127.0.0.1:8765/{z}/{x}/{y}.png").map_tile_origin == "http://127.0.0.1:8765"
    assert (
        read("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png").map_tile_origin
        == "https://*.tile.openstreetmap.org"
    )
    for wrong in (
        "ftp://tiles.example.cn/{z}/{x}/{y}.png",
        "https://tiles.example.cn/tiles.png",
        "https://tiles.example.cn/{z}/{x}/{y}.png; script-src *",
        "https://a.{s}.example.cn/{z}/{x}/{y}.png",
        "https://{z}.example.cn/{x}/{y}.png",
        "tiles.example.cn/{z}/{x}/{y}.png",
    ):
        with pytest.raises(ImproperlyConfigured):
            read(wrong)


def test_editors_find_address_and_coordinates_in_the_page_editor(client, index, unit):
    from tests.factories import UserFactory

    site = site_add(index, unit, title="邓小平故里", slug="deng")
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    html = client.get(f"/admin/pages/{site.pk}/edit/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert all(soup.find(id=f"id_{name}") for name in ("place", "address", "latitude", "longitude"))


def test_the_index_reads_every_card_photo_at_once(client, settings, index, unit):
    import io

    from PIL import Image

    from django.core.files.images import ImageFile
    from django.test.utils import CaptureQueriesContext

    from wagtail.images import get_image_model

    settings.PORTAL_MAP_TILE_URL = TILES
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), "#b3121b").save(buffer, "JPEG")
    photo = get_image_model().objects.create(title="照片", file=ImageFile(buffer, name="photo.jpg"))

    def add(n):
        chosen = {"image": photo.pk, "decorative": False, "alt_text": f"景点{n}的照片"}
        images = [{"type": "image", "value": {"image": chosen, "caption": "", "attribution": ""}}]
        site_add(index, unit, title=f"景点{n}", slug=f"site-{n}", latitude=30, longitude=104, images=images)

    def queries() -> int:
        client.get("/red-sites/")  # renditions made on the first view
        with CaptureQueriesContext(connection) as captured:
            html = client.get("/red-sites/").content.decode()
        assert html.count('class="card__photo"') == RedHeritageSite.objects.count()
        return len(captured)

    for n in range(2):
        add(n)
    few = queries()
    for n in range(2, 8):
        add(n)
    assert queries() == few
    html = client.get("/red-sites/").content.decode()
    assert 'alt="景点7的照片"' in html
