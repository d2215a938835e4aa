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


@pytest.fixture
def conflicted_copy(partner_stub, remote_change):
    """A copy changed here behind sync's back, then a newer change from its origin: a conflict."""
    from materials.models import Material
    from sync.services.apply import change_apply

    change = remote_change(title="原题名", version=2)
    change_apply(change=change, partner_region="chongqing")
    Material.objects.filter(global_id=change["global_id"]).update(title="绕过保护的改动")
    newer = {**change, "version": 3, "payload": {**change["payload"], "version": 3}}
    newer["payload"]["fields"] = {**change["payload"]["fields"], "title": "来源地区的新题名"}
    assert change_apply(change=newer, partner_region="chongqing").conflicts == 1
    partner_stub.answer("GET", f"/sync/records/materials.material/{change['global_id']}", (200, newer))
    return Conflict.objects.get(global_id=change["global_id"])


def test_staff_take_the_origins_version_over_a_copy_changed_locally(admin_client_zh, conflicted_copy):
    from materials.models import Material
    from sync.services.apply import change_apply

    response = admin_client_zh.post(
        f"/admin/sync/conflicts/{conflicted_copy.pk}/resolve/", {"decision": "take_origin"}, follow=True
    )
    assert "已采用来源地区的当前版本" in response.content.decode()
    copy = Material.objects.get(global_id=conflicted_copy.global_id)
    assert (copy.title, copy.version) == ("来源地区的新题名", 3)
    conflicted_copy.refresh_from_db()
    assert conflicted_copy.resolution == Conflict.Resolution.TOOK_ORIGIN
    assert conflicted_copy.resolved_by.username == "sync-admin"
    # The copy is in step again: the origin's next change applies without a conflict.
    later = dict(conflicted_copy.incoming, version=4)
    later["fields"] = {**later["fields"], "title": "第四版"}
    change = {"model": "materials.material", "global_id": str(copy.global_id), "op": "upsert", "version": 4}
    assert change_apply(change={**change, "payload": later}, partner_region="chongqing").applied == 1
    assert Material.objects.get(global_id=copy.global_id).title == "第四版"


def test_staff_keep_the_local_version_and_the_conflict_is_closed(admin_client_zh, conflicted_copy):
    from materials.models import Material

    admin_client_zh.post(f"/admin/sync/conflicts/{conflicted_copy.pk}/resolve/", {"decision": "keep_local"})
    assert Material.objects.get(global_id=conflicted_copy.global_id).title == "绕过保护的改动"
    conflicted_copy.refresh_from_db()
    assert conflicted_copy.resolution == Conflict.Resolution.KEPT_LOCAL and conflicted_copy.resolved_at
    assert "没有未处理的冲突" in admin_client_zh.get("/admin/sync/").content.decode()


def test_taking_the_origins_version_while_it_is_unreachable_says_so_and_keeps_the_conflict(
    admin_client_zh, conflicted_copy, partner_stub
):
    partner_stub.close()
    response = admin_client_zh.post(
        f"/admin/sync/conflicts/{conflicted_copy.pk}/resolve/", {"decision": "take_origin"}, follow=True
    )
    assert "未能处理这条冲突" in response.content.decode()
    conflicted_copy.refresh_from_db()
    assert conflicted_copy.resolved_at is None


def test_a_nudge_to_a_partner_that_is_down_is_dropped_quietly(partners, caplog):
    from sync.services.delivery import partner_nudge

    with caplog.at_level("INFO", logger="sync"):
        assert partner_nudge(partner_region="chongqing") is False
    assert "its scheduled pull will catch up" in caplog.text
