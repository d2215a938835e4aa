"""Everything a partner sends is untrusted input (issue 12).

A hostile Chongqing, a real HTTP server on loopback that checks our signatures and serves the
real feed protocol, sends each attack; ``sync_pull`` runs against it. Each attack is refused
(quarantined with its reason) or neutralised (cleaned, logged); nothing is stored outside
policy; a good change sent after them still arrives.
"""

import hashlib
import io
import re
from pathlib import Path

from django.core.management import call_command

from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from events.models import Event
from materials.models import Material
from publicity.models import RedHeritageSite, Story
from research.models import Project
from sync.models import PartnerCursor

from .. import hostile
from ..hostile import quarantined

EVIL = '<p>正文</p><img src=x onerror="alert(document.cookie)"><p style="x" onclick="alert(2)">段落</p>'
SCRIPT = '<p>纪要</p><script>alert(1)</script><iframe src="https://evil.example/"></iframe>'


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
