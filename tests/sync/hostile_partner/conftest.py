"""A hostile Chongqing partner on loopback, and the site it attacks (tests/sync/hostile.py serves it)."""

import pytest

from portal.settings.environment import Partner
from publicity.services import red_heritage_index_ensure, story_index_ensure
from tests.factories import OrganisationFactory
from tests.support.loopback import LoopbackServer

from .. import hostile
from ..conftest import CHONGQING


@pytest.fixture(autouse=True)
def private_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def home(site_home):
    home = site_home
    story_index_ensure(home=home)
    red_heritage_index_ensure(home=home)
    return home


@pytest.fixture
def organisations(db):
    return {
        "cq": OrganisationFactory(code="cq-qijiang", name="綦江区委党史地方志研究室", region="chongqing"),
        "sc": OrganisationFactory(code="sc-yaan", name="雅安市委党史研究室", region="sichuan", level="city"),
    }


@pytest.fixture
def partner(settings, organisations):
    server = hostile.HostilePartner(key_id=CHONGQING.key_id, secret=CHONGQING.secret)
    settings.PORTAL_REGION = "sichuan"
    settings.PORTAL_PARTNERS = [
        Partner(
            region="chongqing",
            base_url=server.url,
            key_id=CHONGQING.key_id,
            secret=CHONGQING.secret,
            public_url="https://dangshi.cq.example.cn",
        )
    ]
    yield server
    server.close()


class Listener:
    """Somewhere in our own network a redirect points at: it must never hear from us."""

    def __init__(self):
        import http.server

        heard = self.heard = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                heard.append((self.path, dict(self.headers)))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = LoopbackServer(Handler)
        self.url = self.server.url

    def close(self):
        self.server.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()
