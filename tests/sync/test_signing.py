"""Only a partner holding the key reads the feed or writes anything; refusals are clear and logged."""

import json
import time

import pytest

from sync.models import RefusedRequest
from sync.signing import sign_headers

from .conftest import CHONGQING

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def signed_get(client, path, **overrides):
    headers = sign_headers(partner=CHONGQING, content=path.encode())
    headers.update(overrides)
    return client.get(path, headers=headers)


def test_a_signed_feed_request_is_answered(client, partners):
    response = signed_get(client, "/sync/changes?after=0")
    assert response.status_code == 200
    assert response.json()["changes"] == []


def test_an_unsigned_request_is_refused_and_logged(client, partners, caplog):
    response = client.get("/sync/changes?after=0")
    assert response.status_code == 401
    assert response.json()["error"] == "unsigned"
    assert "refused" in caplog.text
    assert RefusedRequest.objects.get().reason == "unsigned"


def test_a_bad_signature_is_refused(client, partners):
    response = signed_get(client, "/sync/changes?after=0", **{"webhook-signature": "v1,AAAA"})
    assert response.status_code == 401
    assert response.json()["error"] == "bad_signature"


def test_changing_the_signed_position_breaks_the_signature(client, partners):
    headers = sign_headers(partner=CHONGQING, content=b"/sync/changes?after=0")
    response = client.get("/sync/changes?after=100", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "bad_signature"


def test_a_stale_timestamp_is_refused(client, partners):
    path = "/sync/changes?after=0"
    headers = sign_headers(partner=CHONGQING, content=path.encode(), timestamp=int(time.time()) - 3600)
    response = client.get(path, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "stale_timestamp"


def test_an_unknown_key_is_refused(client, partners):
    from portal.settings.environment import Partner

    stranger = Partner(region="chongqing", base_url="http://x", key_id="stolen", secret="guess")
    path = "/sync/changes?after=0"
    response = client.get(path, headers=sign_headers(partner=stranger, content=path.encode()))
    assert response.status_code == 401
    assert response.json()["error"] == "unknown_key"


def test_the_right_key_id_with_a_wrong_secret_is_refused(client, partners):
    from portal.settings.environment import Partner

    forger = Partner(region="chongqing", base_url="http://x", key_id=CHONGQING.key_id, secret="guess")
    path = "/sync/changes?after=0"
    response = client.get(path, headers=sign_headers(partner=forger, content=path.encode()))
    assert response.status_code == 401


def test_a_replayed_request_is_refused(client, partners):
    path = "/sync/changes?after=0"
    headers = sign_headers(partner=CHONGQING, content=path.encode())
    assert client.get(path, headers=headers).status_code == 200
    again = client.get(path, headers=headers)
    assert again.status_code == 403
    assert again.json()["error"] == "replayed"


def test_a_changed_body_is_refused(client, partners):
    body = json.dumps({"region": "chongqing"}).encode()
    headers = sign_headers(partner=CHONGQING, content=body)
    response = client.post(
        "/sync/nudge", data=b'{"region": "sichuan"}', content_type="application/json", headers=headers
    )
    assert response.status_code == 401
    assert response.json()["error"] == "bad_signature"


def test_an_unknown_command_is_answered_with_a_clear_error(client, partners):
    body = json.dumps({"command": "nothing.here", "payload": {}}).encode()
    headers = sign_headers(partner=CHONGQING, content=body)
    response = client.post("/sync/commands", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == "unknown_command"


def test_refused_requests_are_counted_per_source_and_reason_not_stored_one_by_one(client, partners, settings):
    for n in range(30):
        client.get(f"/sync/changes?after={n}", REMOTE_ADDR="203.0.113.7")
    forged = {"webhook-key-id": "x", "webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": "v1,x"}
    client.get("/sync/manifest", REMOTE_ADDR="203.0.113.7", headers=forged)
    rows = {(r.source, r.reason): r for r in RefusedRequest.objects.all()}
    assert set(rows) == {("203.0.113.7", "unsigned"), ("203.0.113.7", "unknown_key")}
    unsigned = rows[("203.0.113.7", "unsigned")]
    assert unsigned.count == 30 and unsigned.last_path == "/sync/changes"
    assert unsigned.first_seen <= unsigned.last_seen

    # Many sources: beyond the bound they share one row.
    settings.SYNC_REFUSED_MAX_ROWS = 5
    for n in range(20):
        client.get("/sync/changes", REMOTE_ADDR=f"198.51.100.{n}")
    assert RefusedRequest.objects.count() <= 6
    assert RefusedRequest.objects.get(source="*", reason="unsigned").count >= 15


def test_refused_request_counts_are_kept_for_a_bounded_time(client, partners, settings):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    client.get("/sync/changes", REMOTE_ADDR="203.0.113.8")
    client.get("/sync/changes", REMOTE_ADDR="203.0.113.9")
    RefusedRequest.objects.filter(source="203.0.113.8").update(
        last_seen=timezone.now() - datetime.timedelta(days=settings.SYNC_REFUSED_KEEP_DAYS + 1)
    )
    call_command("sync_prune_refused")
    assert list(RefusedRequest.objects.values_list("source", flat=True)) == ["203.0.113.9"]
    assert settings.CELERY_BEAT_SCHEDULE["sync-prune-refused"]["task"] == "sync.prune_refused"


def test_a_partner_is_served_an_image_by_its_file_hash(client, partners):
    import io

    from PIL import Image

    from django.core.files.images import ImageFile

    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "red").save(buffer, format="PNG")
    image = get_image_model()(title="红岩村旧址")
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name="hongyan.png")
    image.save()
    image.get_file_hash()

    response = signed_get(client, f"/sync/images/{image.file_hash}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == buffer.getvalue()
    assert signed_get(client, "/sync/images/" + "0" * 40).status_code == 404
