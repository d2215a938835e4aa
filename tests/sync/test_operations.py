"""sync_pull, sync_status and the admin page: what staff see when a partner is down."""

import io
import json

import pytest

from django.core.management import CommandError, call_command

from sync.models import Conflict, PartnerCursor

pytestmark = pytest.mark.django_db


def test_a_pull_from_a_partner_that_is_down_fails_loudly_and_is_shown_in_status(partners):
    with pytest.raises(CommandError):
        call_command("sync_pull", stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("sync_status", "--json", stdout=out)
    [row] = json.loads(out.getvalue())
    assert row["region"] == "chongqing" and row["cursor"] == 0
    assert "ConnectionError" in row["last_error"]
    assert row["last_success"] is None


def test_status_in_words(partners):
    PartnerCursor.objects.create(region="chongqing", after_seq=40, partner_head=42)
    out = io.StringIO()
    call_command("sync_status", stdout=out)
    assert "chongqing: cursor 40 of 42, backlog 2" in out.getvalue()


@pytest.fixture
def admin_client_zh(client, django_user_model):
    user = django_user_model.objects.create_superuser("sync-admin", "a@example.org", "pass-word-123")
    client.force_login(user)
    return client


def test_the_admin_page_shows_partners_and_conflicts_and_queues_a_repull(admin_client_zh, partners):
    Conflict.objects.create(
        model_label="materials.material",
        global_id="2b1a4c5e-1111-4a4a-9a9a-000000000001",
        partner_region="chongqing",
        incoming_version=3,
        local_version=2,
        reason="副本在本地被修改过",
    )
    page = admin_client_zh.get("/admin/sync/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "chongqing" in text and "副本在本地被修改过" in text and "重新拉取" in text
    response = admin_client_zh.post("/admin/sync/pull/chongqing/")
    assert response.status_code == 302


def test_staff_without_the_permission_cannot_open_the_sync_page(client, django_user_model, partners):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", password="pass-word-123")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get("/admin/sync/").status_code in (302, 403)
