"""Files travel with their sha256: a file that fails the check is fetched again, never kept."""

import hashlib
import http.server

import pytest

from django.core.files.base import ContentFile

from materials.models import Material
from materials.services import material_create
from portal.settings.environment import Partner
from sync.errors import FileCheckFailed
from sync.services.apply import change_apply
from sync.signing import sign_headers
from tests.support.loopback import LoopbackServer

from .conftest import CHONGQING

pytestmark = pytest.mark.django_db

GOOD = "璧山红色故事选编\n".encode()


class FileServer:
    """A stand-in partner web server answering file fetches with the bodies queued here."""

    def __init__(self, bodies):
        self.bodies = list(bodies)
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.requests.append((self.path, dict(self.headers)))
                body = server.bodies.pop(0) if len(server.bodies) > 1 else server.bodies[0]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = LoopbackServer(Handler)
        self.url = self.server.url

    def close(self):
        self.server.close()


@pytest.fixture
def file_server(settings, partners):
    servers = []

    def start(*bodies):
        server = FileServer(bodies)
        servers.append(server)
        settings.PORTAL_PARTNERS = [
            Partner(region="chongqing", base_url=server.url, key_id=CHONGQING.key_id, secret=CHONGQING.secret)
        ]
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def change_with_file(remote_change):
    return remote_change(title="带文件的资料", uploaded_file=ContentFile(GOOD, name="故事.txt"))


def test_a_file_arrives_checked_and_is_stored(file_server, change_with_file):
    server = file_server(GOOD)
    change_apply(change=change_with_file, partner_region="chongqing")
    copy = Material.objects.get(global_id=change_with_file["global_id"])
    stored = copy.current_file
    assert stored.file.read() == GOOD and stored.sha256 == hashlib.sha256(GOOD).hexdigest()
    # The fetch was signed with the partner's key.
    assert server.requests[0][1]["webhook-key-id"] == CHONGQING.key_id


def test_a_file_that_fails_the_check_is_fetched_again(file_server, change_with_file):
    server = file_server(b"tampered in transit", GOOD)
    change_apply(change=change_with_file, partner_region="chongqing")
    assert len(server.requests) == 2
    assert Material.objects.get(global_id=change_with_file["global_id"]).current_file.file.read() == GOOD


def test_a_file_that_keeps_failing_is_never_kept(file_server, change_with_file):
    file_server(b"tampered in transit")
    with pytest.raises(FileCheckFailed):
        change_apply(change=change_with_file, partner_region="chongqing")
    # The whole change is refused; the pull retries it later from the same cursor.
    assert not Material.objects.filter(global_id=change_with_file["global_id"]).exists()


def test_the_origin_serves_a_shared_file_only_to_a_signed_request(client, partners, sichuan_org):
    material = material_create(
        organisation=sichuan_org,
        title="协议",
        material_type="archive",
        uploaded_file=ContentFile(GOOD, name="a.txt"),
    )
    path = f"/sync/files/materials.material/{material.global_id}/files/1"
    assert client.get(path).status_code == 401
    response = client.get(path, headers=sign_headers(partner=CHONGQING, content=path.encode()))
    assert response.status_code == 200 and b"".join(response.streaming_content) == GOOD


def test_the_origin_never_serves_an_internal_file(client, partners, sichuan_org):
    material = material_create(
        organisation=sichuan_org,
        title="内部",
        material_type="archive",
        access_level="internal",
        uploaded_file=ContentFile(GOOD, name="a.txt"),
    )
    path = f"/sync/files/materials.material/{material.global_id}/files/1"
    assert client.get(path, headers=sign_headers(partner=CHONGQING, content=path.encode())).status_code == 404
