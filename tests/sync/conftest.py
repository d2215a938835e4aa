import http.server
import json

import pytest

from django.test import override_settings

from portal.settings.environment import Partner
from tests.factories import OrganisationFactory
from tests.support.loopback import LoopbackServer

CHONGQING = Partner(
    region="chongqing", base_url="http://127.0.0.1:9", key_id="cq-key", secret="川渝-shared-secret"
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def partners(settings):
    """This process is Sichuan; Chongqing is its partner, holding the shared key."""
    settings.PORTAL_REGION = "sichuan"
    settings.PORTAL_PARTNERS = [CHONGQING]
    return settings.PORTAL_PARTNERS


@pytest.fixture
def sichuan_org(db):
    return OrganisationFactory(code="sc-chengdu", name="成都市委党史研究室", region="sichuan", level="city")


@pytest.fixture
def chongqing_org(db):
    return OrganisationFactory(code="cq-qijiang", name="綦江区委党史地方志研究室", region="chongqing")


@pytest.fixture
def remote_change(chongqing_org, partners):
    """Changes as Chongqing's feed would serve them, made by Chongqing's own serialiser.

    The record is created as if at Chongqing, served, then removed without a trace,
    so this (Sichuan) database receives it as a stranger.
    """
    from materials.services import material_create
    from sync.context import apply_context
    from sync.models import ChangeLog
    from sync.selectors import change_entry

    def make(*, title="红岩精神研究资料", access_level="public", version=None, global_id=None, **fields):
        with override_settings(PORTAL_REGION="chongqing"):
            extra = {"global_id": global_id} if global_id else {}
            material = material_create(
                organisation=chongqing_org,
                title=title,
                material_type="archive",
                access_level=access_level,
                **extra,
                **fields,
            )
            if version:
                material.version = version
                material.save(update_fields=["version"])
            row = ChangeLog.objects.filter(global_id=material.global_id).last()
            entry = change_entry(row)
        with apply_context():
            material.delete()
        ChangeLog.objects.filter(global_id=material.global_id).delete()
        return entry

    return make


class PartnerStub:
    """A stand-in partner web server on loopback.

    Each request is recorded and answered with the next (status, JSON or bytes) queued
    for its method and path prefix; the last answer is repeated.
    """

    def __init__(self):
        self.answers: dict[tuple[str, str], list[tuple[int, dict]]] = {}
        self.requests: list[dict] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append(
                    {"method": method, "path": self.path, "headers": dict(self.headers), "body": body}
                )
                queue = next(
                    (
                        answers
                        for (m, prefix), answers in stub.answers.items()
                        if m == method and self.path.startswith(prefix)
                    ),
                    [(404, {"error": "not_found"})],
                )
                status, payload = queue.pop(0) if len(queue) > 1 else queue[0]
                raw = isinstance(payload, bytes)
                data = payload if raw else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/octet-stream" if raw else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                self._answer("GET")

            def do_POST(self):  # noqa: N802
                self._answer("POST")

            def log_message(self, *args):
                pass

        self.server = LoopbackServer(Handler)
        self.url = self.server.url

    def answer(self, method: str, path_prefix: str, *answers: tuple[int, dict]) -> None:
        self.answers[(method, path_prefix)] = list(answers)

    def close(self):
        self.server.close()


@pytest.fixture
def partner_stub(settings, partners):
    """Chongqing, played by a PartnerStub: the configured partner's address points at it."""
    stub = PartnerStub()
    settings.PORTAL_PARTNERS = [
        Partner(region="chongqing", base_url=stub.url, key_id=CHONGQING.key_id, secret=CHONGQING.secret)
    ]
    yield stub
    stub.close()
