"""Everything a partner sends is untrusted input (issue 12).

A hostile Chongqing, a real HTTP server on loopback that checks our signatures and serves the
real feed protocol, sends each attack; ``sync_pull`` runs against it. Each attack is refused
(quarantined with its reason) or neutralised (cleaned, logged); nothing is stored outside
policy; a good change sent after them still arrives.
"""

import hashlib
import io
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from django.core.management import call_command

from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

from events.models import Event
from materials.models import Material
from portal.models import HomePage
from portal.settings.environment import Partner
from publicity.models import RedHeritageSite, Story
from publicity.services import red_heritage_index_ensure, story_index_ensure
from research.models import Project
from sync.models import PartnerCursor, QuarantinedChange
from tests.factories import OrganisationFactory

from . import hostile
from .conftest import CHONGQING

ROOT = Path(__file__).resolve().parents[2]
PULL_AND_REPORT_PEAK = """
import django
django.setup()
from django.core.management import call_command
try:
    call_command("sync_pull")
finally:
    with open("/proc/self/status") as status:
        print("PEAK", next(line.split()[1] for line in status if line.startswith("VmHWM")), flush=True)
"""
EVIL = '<p>正文</p><img src=x onerror="alert(document.cookie)"><p style="x" onclick="alert(2)">段落</p>'
SCRIPT = '<p>纪要</p><script>alert(1)</script><iframe src="https://evil.example/"></iframe>'


@pytest.fixture(autouse=True)
def private_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
    for page in root.get_children():
        page.delete()
    home = HomePage(title="川渝党史协作平台", slug="home")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
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

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def gif_bytes() -> bytes:
    from PIL import Image as PillowImage

    buffer = io.BytesIO()
    PillowImage.new("RGB", (8, 6), "red").save(buffer, "GIF")
    return buffer.getvalue()


def image_reference(data: bytes, *, title="evil.html", file_hash=None) -> dict:
    return {
        "_image": {
            "hash": file_hash or hashlib.sha1(data).hexdigest(),  # noqa: S324 - Wagtail's file hash
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "title": title,
            "name": "evil.html",  # what older regions sent; never used for storage
        }
    }


def image_block(reference) -> dict:
    return {
        "type": "image",
        "value": {
            "image": {"image": reference, "decorative": False, "alt_text": "图"},
            "caption": "",
            "attribution": "",
        },
    }


def quarantined(change) -> QuarantinedChange | None:
    return QuarantinedChange.objects.filter(global_id=change["global_id"], resolved_at=None).first()


def test_each_attack_is_refused_or_neutralised_and_a_good_change_still_arrives(
    client, home, partner, listener, settings, caplog, organisations
):
    media = Path(settings.MEDIA_ROOT)
    polyglot = gif_bytes() + b"<html><body><script>alert('polyglot')</script></body></html>"
    pure_html = b"<html><body><script>alert('html')</script></body></html>"
    good_file = "璧山红色故事选编\n".encode()

    # Stored script in rich text and StreamField HTML: cleaned, applied.
    script_story = partner.add(hostile.story(body=[{"type": "paragraph", "value": EVIL}]))
    script_event = partner.add(hostile.event(agenda=EVIL, minutes=SCRIPT))
    script_site = partner.add(hostile.site(history=EVIL))
    # javascript: URLs: refused.
    js_story = partner.add(hostile.story(url="javascript:alert(1)"))
    js_online = partner.add(hostile.event(online_url="javascript:alert(1)"))
    js_links = partner.add(hostile.event(links=["https://ok.example/", " JaVaScRiPt:alert(1)"]))
    js_output = partner.add(hostile.project(output_url="javascript:alert(1)"))
    # A redirect to a listener in our network.
    redirected = partner.add(hostile.material(data=good_file))
    partner.files[hostile.file_path(redirected)] = (302, b"", {"Location": f"{listener.url}/_cluster/health"})
    # 400 MB declared as 1 byte, streamed lazily with no length.
    huge = partner.add(hostile.material(data=b"x"))
    sent = []

    def endless():
        for _ in range(400 * 16):
            sent.append(1)
            yield b"\0" * (64 * 1024)

    partner.files[hostile.file_path(huge)] = (200, endless, {})
    # Wrong hashes: a file whose sha256 is not the one declared; an image whose Wagtail hash is not.
    wrong_sha = partner.add(hostile.material(data=good_file, sha256="0" * 64))
    partner.files[hostile.file_path(wrong_sha)] = (200, good_file, {})
    wrong_hash_ref = image_reference(gif_bytes(), file_hash="f" * 40)
    wrong_hash = partner.add(hostile.story(body=[image_block(wrong_hash_ref)]))
    partner.files["/sync/images/" + "f" * 40] = (200, gif_bytes(), {})
    # Forged origins: a record claiming our region; a record of an office of our region.
    claims_ours = partner.add(hostile.story(title="冒名四川稿件", region="sichuan", organisation="sc-yaan"))
    our_office = partner.add(hostile.story(title="雅安市委党史研究室供稿", organisation="sc-yaan"))
    # Images: a GIF/HTML polyglot named evil.html (neutralised), plain HTML posing as an image (refused).
    polyglot_ref = image_reference(polyglot)
    polyglot_story = partner.add(hostile.story(body=[image_block(polyglot_ref)]))
    partner.files[f"/sync/images/{polyglot_ref['_image']['hash']}"] = (200, polyglot, {})
    html_ref = image_reference(pure_html)
    html_story = partner.add(hostile.story(body=[image_block(html_ref)]))
    partner.files[f"/sync/images/{html_ref['_image']['hash']}"] = (200, pure_html, {})
    # Stale view restriction: public, then lowered to partners.
    lowered = partner.add(hostile.story(title="先公开后降级的稿件"))
    lowered_again = hostile.story(title="先公开后降级的稿件", global_id=lowered["global_id"], version=2)
    lowered_again["payload"]["fields"]["slug"] = lowered["payload"]["fields"]["slug"]
    lowered_again["payload"]["access_level"] = "partners"
    # ... and after every attack, a good change.
    good = partner.add(hostile.material(title="川渝合作框架协议", data=good_file))
    partner.files[hostile.file_path(good)] = (200, good_file, {})

    call_command("sync_pull")
    assert client.get("/api/pages/?type=publicity.Story").status_code == 200
    listed = {item["title"] for item in client.get("/api/pages/?type=publicity.Story").json()["items"]}
    assert "先公开后降级的稿件" in listed
    partner.add(lowered_again)
    call_command("sync_pull")

    # Every request we made was signed and went to the partner's own address.
    assert partner.requests and not partner.unsigned

    # Script neutralised: stored clean, served clean, and logged.
    copy = Story.objects.get(global_id=script_story["global_id"])
    html = client.get(copy.url).content.decode()
    assert "正文" in html and "段落" in html
    stored = str(copy.body.raw_data)
    assert not [word for word in ("onerror", "onclick", "style", "<img") if word in stored]
    assert "onerror" not in html and "alert(2)" not in html
    event_copy = Event.objects.get(global_id=script_event["global_id"])
    assert event_copy.agenda == "<p>正文</p><p>段落</p>" and event_copy.minutes == "<p>纪要</p>"
    event_page = client.get(event_copy.get_absolute_url()).content.decode()
    assert "alert(" not in event_page and "<iframe" not in event_page
    site_copy = RedHeritageSite.objects.get(global_id=script_site["global_id"])
    assert site_copy.history == "<p>正文</p><p>段落</p>"
    assert "onerror" not in client.get(site_copy.url).content.decode()
    assert "cleaned" in caplog.text and "onerror" in caplog.text

    # javascript: URLs, the redirect, the oversized body, wrong hashes, forged origins: refused with reasons.
    expected = {
        "bad_url": [js_story, js_online, js_links, js_output],
        "redirect": [redirected],
        "too_large": [huge],
        "sha256_mismatch": [wrong_sha],
        "file_hash_mismatch": [wrong_hash],
        "forged_origin": [claims_ours, our_office],
        "image_type": [html_story],
    }
    for reason, changes in expected.items():
        for change in changes:
            entry = quarantined(change)
            assert entry is not None, (reason, change["model"])
            assert entry.reason == reason, (reason, change["model"], entry.detail)
            model = {
                "publicity.story": Story,
                "events.event": Event,
                "research.project": Project,
                "materials.material": Material,
            }[change["model"]]
            assert not model.objects.filter(global_id=change["global_id"]).exists()
    assert "events.event.online_url" in quarantined(js_online).detail
    assert "events.event.material_links.url" in quarantined(js_links).detail
    # The listener heard nothing; the endless body was abandoned after its first chunks.
    assert listener.heard == []
    # (what the socket buffers took before we hung up, nowhere near 400 MB)
    assert len(sent) * 64 * 1024 < 32 * 1024 * 1024
    # No story listed under our office's name.
    assert not Story.objects.filter(origin_organisation=organisations["sc"]).exists()

    # The polyglot is kept as the GIF it is, under our name, never as evil.html.
    image = get_image_model().objects.get(file_hash=polyglot_ref["_image"]["hash"])
    assert re.fullmatch(r"original_images/sync-[0-9a-f]{32}(_\w+)?\.gif", image.file.name), image.file.name
    assert not [p for p in media.rglob("*") if p.suffix in (".html", ".htm")]
    assert not get_image_model().objects.filter(file_hash=html_ref["_image"]["hash"]).exists()
    assert Story.objects.filter(global_id=polyglot_story["global_id"]).exists()

    # The lowered story: a view restriction at once, and gone from the anonymous pages API.
    lowered_copy = Story.objects.get(global_id=lowered["global_id"])
    assert lowered_copy.access_level == "partners"
    assert PageViewRestriction.objects.filter(page=lowered_copy).exists()
    listed = {item["title"] for item in client.get("/api/pages/?type=publicity.Story").json()["items"]}
    assert "先公开后降级的稿件" not in listed

    # The good change, sent after all of them, arrived with its file.
    arrived = Material.objects.get(global_id=good["global_id"])
    assert arrived.current_file.file.read() == good_file
    cursor = PartnerCursor.objects.get(region="chongqing")
    assert cursor.after_seq == partner.changes[-1]["seq"] and not cursor.last_error

    # Nothing of the refused files was stored.
    stored_files = [p for p in media.rglob("*") if p.is_file()]
    assert not [p for p in stored_files if p.stat().st_size >= 64 * 1024]


def test_the_status_shows_the_quarantine_and_staff_retry_once_the_partner_fixed_it(
    partner, organisations, admin_client
):
    import json

    bad = partner.add(hostile.event(online_url="javascript:alert(1)"))
    call_command("sync_pull")
    entry = quarantined(bad)
    assert entry.reason == "bad_url" and entry.seq == bad["seq"]

    out = io.StringIO()
    call_command("sync_status", "--json", stdout=out)
    [row] = json.loads(out.getvalue())
    assert row["quarantined"] == 1 and row["quarantine"][0]["reason"] == "bad_url"
    page = admin_client.get("/admin/sync/").content.decode()
    assert "bad_url" in page and "events.event.online_url" in page

    # Still wrong at the partner: the retry keeps it, with the reason.
    partner.records[bad["global_id"]] = {**bad, "seq": 0}
    admin_client.post(f"/admin/sync/quarantine/{entry.pk}/retry/")
    entry.refresh_from_db()
    assert entry.resolved_at is None and entry.attempts == 1

    fixed = hostile.event(global_id=bad["global_id"], online_url="https://meeting.example.cn/room/1")
    partner.records[bad["global_id"]] = {**fixed, "seq": 0}
    admin_client.post(f"/admin/sync/quarantine/{entry.pk}/retry/")
    entry.refresh_from_db()
    assert entry.resolved_at is not None and entry.resolution == "applied"
    assert Event.objects.get(global_id=bad["global_id"]).online_url == "https://meeting.example.cn/room/1"


def test_a_nul_in_a_record_or_a_request_is_refused_not_a_crash(partner, organisations, client):
    bad = partner.add(hostile.story(title="綦江\u0000故事"))
    bad["payload"]["fields"]["summary"] = "\x00" * 10
    good = partner.add(hostile.material(title="之后的资料", data=None))
    call_command("sync_pull")
    assert quarantined(bad).reason == "bad_value" and "\x00" not in str(quarantined(bad).change)
    assert Material.objects.filter(global_id=good["global_id"]).exists()
    assert client.get("/sync/changes%00?after=0").status_code in (401, 404)


def test_a_partner_cannot_hang_its_records_on_ours(partner, organisations):
    from training.models import Course, Session

    ours = Course.objects.create(title="四川党史培训班", origin_organisation=organisations["sc"])
    session = hostile.record(
        "training.session",
        fields={
            "course": str(ours.global_id),
            "title": "挂在四川课程下的班次",
            "starts_on": "2030-05-01",
            "ends_on": "2030-05-03",
            "venue": "綦江",
            "trainer_names": "",
            "capacity": 30,
            "enrolment_opens": "2030-04-01T00:00:00+08:00",
            "enrolment_closes": "2030-04-20T00:00:00+08:00",
            "eligibility": "both_regions",
        },
        m2m={"invited_organisations": ["sc-yaan"]},
        children={"sittings": []},
    )
    partner.add(session)
    expert = partner.add(
        hostile.record(
            "research.expert",
            fields={"name": "张三", "organisation": "sc-yaan", "affiliation": "", "title": "", "bio": ""},
            m2m={"fields": []},
        )
    )
    call_command("sync_pull")
    assert quarantined(session).reason == "forged_reference"
    assert quarantined(expert).reason == "forged_organisation"
    assert not Session.objects.filter(global_id=session["global_id"]).exists()


def test_an_oversized_feed_page_is_read_in_smaller_pages_and_a_single_oversized_change_is_quarantined(
    partner, organisations, settings
):
    settings.SYNC_PAGE_MAX_BYTES = 16 * 1024
    small = [partner.add(hostile.material(title=f"资料{n}", data=None)) for n in range(40)]
    monster = partner.add(hostile.material(title="巨" * 200, data=None))
    monster["payload"]["fields"]["description"] = "长" * 20_000
    after = partner.add(hostile.material(title="之后的资料", data=None))

    call_command("sync_pull")

    assert Material.objects.filter(global_id__in=[c["global_id"] for c in small]).count() == 40
    entry = QuarantinedChange.objects.get(seq=monster["seq"])
    assert entry.reason == "page_too_large"
    assert not Material.objects.filter(global_id=monster["global_id"]).exists()
    assert Material.objects.filter(global_id=after["global_id"]).exists()
    assert PartnerCursor.objects.get(region="chongqing").after_seq == after["seq"]


def test_a_redirected_feed_page_is_not_followed(partner, listener, organisations):
    from sync.errors import SyncError
    from sync.services.pull import partner_pull

    partner.add(hostile.material(data=None))
    partner.redirect_feed_to = f"{listener.url}/sync/changes?after=0"
    with pytest.raises(SyncError):
        partner_pull(partner_region="chongqing")
    assert listener.heard == []
    assert "redirect" in PartnerCursor.objects.get(region="chongqing").last_error


@pytest.mark.django_db(transaction=True)
def test_the_pull_stays_small_against_a_400_mb_file_declared_as_one_byte(settings, tmp_path):
    """Peak RSS of a real ``sync_pull`` process, beside the same pull of an honest 1-byte file."""
    from django.db import connection

    OrganisationFactory(code="cq-qijiang", name="綦江区委党史地方志研究室", region="chongqing")
    server = hostile.HostilePartner(key_id=CHONGQING.key_id, secret=CHONGQING.secret)
    streamed = []

    def endless():
        for _ in range(400 * 16):  # 400 MB in 64 KiB chunks, made as they are read
            streamed.append(1)
            yield b"\0" * (64 * 1024)

    try:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "PORTAL_REGION": "sichuan",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PORTAL_VAR_DIR": str(tmp_path / "var"),
            "PORTAL_PARTNERS": (
                f'[{{"region": "chongqing", "base_url": "{server.url}", '
                f'"key_id": "{CHONGQING.key_id}", "secret": "{CHONGQING.secret}"}}]'
            ),
        }

        def pull_peak_mb() -> tuple[float, str]:
            # The peak of the pull's own address space (VmHWM): ru_maxrss would also count the
            # pytest process the child was forked from.
            result = subprocess.run(
                [sys.executable, "-c", PULL_AND_REPORT_PEAK],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            output = result.stdout + result.stderr
            peak_kb = re.search(r"^PEAK (\d+)", result.stdout, re.M)
            assert peak_kb, output
            return int(peak_kb.group(1)) / 1024, output

        # The baseline: the same pull of the same record with its 1-byte file as declared.
        fair = server.add(hostile.material(data=b"x"))
        server.files[hostile.file_path(fair)] = (200, b"x", {})
        baseline, _ = pull_peak_mb()
        assert Material.objects.filter(global_id=fair["global_id"]).exists()
        huge = server.add(hostile.material(data=b"x"))
        server.files[hostile.file_path(huge)] = (200, endless, {})
        peak, output = pull_peak_mb()
    finally:
        server.close()
    print(
        f"\nsync_pull peak RSS: {peak:.0f} MB against a 400 MB file declared as 1 byte (the same pull "
        f"of a 1-byte file: {baseline:.0f} MB; {len(streamed) * 64} KiB sent before we hung up)"
    )
    assert "1 refused" in output, output
    assert QuarantinedChange.objects.get(global_id=huge["global_id"]).reason == "too_large"
    assert peak < baseline + 32, (peak, baseline)
    assert len(streamed) * 64 * 1024 < 16 * 1024 * 1024
