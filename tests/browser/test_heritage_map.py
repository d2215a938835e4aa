"""The red-heritage map in Chromium, with tiles from a stub tile server on loopback: Leaflet from our
own static files, tiles from the configured server only (the CSP allows it, nothing else is asked),
a marker per site, popups that lead to the site; and without a tile server, text and no map."""

import http.server
import io
import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS, demo_site, runserver
from tests.browser.test_accessibility import _failing, _report, _violations
from tests.conftest import free_port
from tests.support.loopback import LoopbackServer
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.services]

TILE = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), "#d9e6c3").save(buffer, "PNG")
    return buffer.getvalue()


class TileStub:
    """A tile server on loopback: a PNG for /{z}/{x}/{y}.png, 404 for anything else; every path kept."""

    def __init__(self):
        tile, self.requests, self.referers = _png(), [], []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                stub.requests.append(self.path)
                stub.referers.append(self.headers.get("Referer"))
                found = TILE.match(self.path)
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "image/png" if found else "text/plain")
                body = tile if found else b"not a tile"
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = LoopbackServer(Handler)
        self.url = self.server.url

    def close(self):
        self.server.close()


@pytest.fixture(scope="module")
def tiles():
    stub = TileStub()
    yield stub
    stub.close()


@pytest.fixture(scope="module")
def mapped_site(tmp_path_factory, tiles):
    environment = {
        "PORTAL_MAP_TILE_URL": tiles.url + "/{z}/{x}/{y}.png",
        "PORTAL_MAP_ATTRIBUTION": "测试图源",
    }
    with demo_site(tmp_path_factory, name="heritage-map", environment=environment) as site:
        yield site


def _watched(browser, **options):
    """A page that keeps every address it asks for and every CSP complaint."""
    page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900}, **options)
    page.asked, page.refused = [], []
    page.on("request", lambda request: page.asked.append(request.url))
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.refused.append(message.text),
    )
    return page


def _elsewhere(asked: list[str], *origins: str) -> list[str]:
    return [url for url in asked if not url.startswith(("data:", "blob:")) and not url.startswith(origins)]


def test_the_map_shows_the_sites_with_tiles_from_the_configured_server_only(mapped_site, tiles, browser):
    base = mapped_site.url
    page = _watched(browser)
    page.goto(base + "/red-sites/")

    # One marker per demo site of Sichuan, named after it; tiles drawn, every one from the stub.
    markers = page.locator(".leaflet-marker-icon")
    markers.first.wait_for()
    assert sorted(markers.evaluate_all("icons => icons.map(i => i.alt)")) == ["朱德故里", "邓小平故里"]
    page.locator("img.leaflet-tile-loaded").first.wait_for()
    wait_until(
        lambda: [p for p in tiles.requests if TILE.match(p)], timeout=10, what="a tile asked of the stub"
    )
    assert tiles.requests and all(TILE.match(path) for path in tiles.requests), tiles.requests
    # Tile servers want a Referer: they get the site's origin, never the page a reader is on.
    assert set(tiles.referers) == {base + "/"}, set(tiles.referers)
    assert page.get_by_role("region", name="红色景点地图").is_visible()
    assert "测试图源" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "放大"
    # Leaflet from our own static files, its marker images by their (hashed, in production) names.
    assert any(urlsplit(url).path == "/static/publicity/vendor/leaflet/leaflet.js" for url in page.asked)
    assert markers.first.evaluate("icon => icon.complete && icon.naturalWidth") == 25
    # The list of sites stays the content: a card each, with its photo.
    thumbnails = page.locator(".card .card__photo")
    assert thumbnails.count() == 2 and all(
        "示意图" in alt for alt in thumbnails.evaluate_all("i => i.map(x => x.alt)")
    )

    # Keyboard: a marker takes focus; Enter opens its popup, whose link leads to the site.
    marker = page.get_by_role("button", name="邓小平故里")
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    assert link.inner_text() == "邓小平故里"
    link.click()
    page.wait_for_url(base + "/red-sites/deng-xiaoping-hometown/")

    # The site: its photo large with alt text and caption, address, coordinates, one marker, the way back.
    photo = page.locator(".red-site__photo img")
    assert "示意图" in photo.get_attribute("alt") and photo.evaluate("img => img.naturalWidth") >= 960
    assert "演示用示意图" in page.locator(".red-site__photo figcaption").inner_text()
    assert "协兴镇" in page.locator(".red-site__address").inner_text()
    assert "纬度 30.498000，经度 106.689000" in page.locator(".red-site__coordinates").inner_text()
    page.locator(".leaflet-marker-icon").wait_for()
    assert page.locator(".leaflet-marker-icon").count() == 1
    page.locator("img.leaflet-tile-loaded").first.wait_for()
    assert page.get_by_role("link", name="返回红色景点目录").get_attribute("href") == "/red-sites/"

    # Nothing asked of any other host, nothing refused by the CSP.
    assert not _elsewhere(page.asked, base, tiles.url)
    assert not page.refused, page.refused
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "red-site-map.png"), full_page=True)
    page.close()


def test_the_map_pages_pass_axe_in_chinese_and_english(mapped_site, browser):
    # axe is injected as a script, which the CSP would refuse: these pages open with bypass_csp.
    page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900}, bypass_csp=True)
    found = {}
    for path in (
        "/red-sites/",
        "/red-sites/zhu-de-hometown/",
        "/en/red-sites/",
        "/en/red-sites/zhu-de-hometown/",
    ):
        page.goto(mapped_site.url + path)
        page.locator(".leaflet-marker-icon").first.wait_for()
        page.locator("img.leaflet-tile-loaded").first.wait_for()
        found[path] = _violations(page)
    print("\naxe-core, red-heritage map pages:\n" + _report("heritage-map", found))
    assert not _failing(found), found
    page.goto(mapped_site.url + "/en/red-sites/zhu-de-hometown/")
    assert page.get_by_role("region", name="Map showing 朱德故里").is_visible()
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom in"
    page.close()


def test_without_a_tile_server_the_same_pages_show_text_and_no_map(mapped_site, tiles, browser):
    # The same site and database, served by a second process with the setting left empty.
    env = {**mapped_site.env, "PORTAL_MAP_TILE_URL": ""}
    asked_before = len(tiles.requests)
    with runserver(env, free_port()) as base:
        page = _watched(browser)
        for path in ("/red-sites/", "/red-sites/deng-xiaoping-hometown/"):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            assert page.locator("#heritage-map, .leaflet-container").count() == 0
            assert "协兴镇" in page.locator("main").inner_text()
        assert "纬度 30.498000，经度 106.689000" in page.locator(".red-site__coordinates").inner_text()
        assert not [url for url in page.asked if "leaflet" in url]
        assert not _elsewhere(page.asked, base)
        page.close()
    assert len(tiles.requests) == asked_before
