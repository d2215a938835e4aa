"""The security audit log (安全审计): each event once, with who, what, when, where and the result;
read by security auditors only; never changed or deleted through the site; kept 180 days."""

import csv
import datetime
import io

import pytest

from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from audit.context import current_request
from audit.models import AuditEntry, AuditLogImmutable, Event, Outcome
from audit.selectors import AUDITOR_GROUP
from audit.services import audit_record, formula_safe
from portal.models import Organisation
from portal.services import staff_user_create_or_update
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Audit-test-2030"


@pytest.fixture
def organisation(db):
    return OrganisationFactory(code="sc-audit", name="审计测试单位", short_name="审计测试", region="sichuan")


@pytest.fixture
def staff(organisation):
    def make(username, roles=("editor",)):
        return staff_user_create_or_update(
            username=username, organisation=organisation, roles=list(roles), password=PASSWORD
        )

    return make


@pytest.fixture
def auditor(staff):
    user = staff("auditor")
    user.groups.add(Group.objects.get(name=AUDITOR_GROUP))
    return user


def events(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("pk").values_list("event", flat=True))


def test_sign_in_failure_and_sign_out_are_each_written_once(staff):
    staff("zhang")
    start = AuditEntry.objects.count()
    client = Client(REMOTE_ADDR="10.2.3.4")
    client.post("/admin/login/", {"username": "zhang", "password": "wrong"})
    client.post("/admin/login/", {"username": "zhang", "password": PASSWORD})
    client.post("/admin/logout/")
    new = AuditEntry.objects.order_by("pk")[start:]
    assert [(e.event, e.outcome, e.username, e.ip_address) for e in new] == [
        (Event.SIGN_IN_FAILED, Outcome.FAILURE, "zhang", "10.2.3.4"),
        (Event.SIGN_IN, Outcome.SUCCESS, "zhang", "10.2.3.4"),
        (Event.SIGN_OUT, Outcome.SUCCESS, "zhang", "10.2.3.4"),
    ]
    assert all(e.at <= timezone.now() for e in new)


def test_a_refusal_is_written_once(staff):
    client = Client()
    client.force_login(staff("editor"))
    # Wagtail's admin answers a refusal with a redirect and a message; elsewhere it is a 403.
    assert client.get("/admin/sign-in-locks/").status_code == 302
    assert client.get("/admin/users/").status_code == 302
    assert client.get("/admin/two-factor/disable/").status_code == 405  # not a refusal
    forged = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.66")
    assert forged.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 403
    refusals = AuditEntry.objects.filter(event=Event.PERMISSION_DENIED).order_by("pk")
    assert [(e.username, e.path, e.outcome, e.details["status"]) for e in refusals] == [
        ("editor", "/admin/sign-in-locks/", Outcome.REFUSED, 302),
        ("editor", "/admin/users/", Outcome.REFUSED, 302),
        ("", "/admin/login/", Outcome.REFUSED, 403),
    ]
    assert refusals.last().ip_address == "10.0.0.66"


def test_a_refused_sync_request_is_written_once(client):
    assert client.get("/sync/changes?after=0").status_code == 401
    assert events(event__in=[Event.SYNC_REFUSED, Event.PERMISSION_DENIED]) == [Event.SYNC_REFUSED]
    entry = AuditEntry.objects.get(event=Event.SYNC_REFUSED)
    assert entry.details["reason"] == "unsigned" and entry.ip_address == "127.0.0.1"


def test_changes_to_users_groups_roles_and_organisations_name_who_made_them(staff, organisation):
    admin = staff("admin_li", roles=["administrator"])
    request = RequestFactory().post("/admin/users/", REMOTE_ADDR="10.0.0.3")
    request.user = admin
    token = current_request.set(request)
    start = AuditEntry.objects.count()
    try:
        user = staff("new_editor")  # created, profile, role group membership
        user.is_active = False
        user.save()
        group = Group.objects.create(name="临时组")
        group.name = "临时组二"
        group.save()
        user.groups.add(group)
        organisation.name = "审计测试单位（更名）"
        organisation.save()
        OrganisationFactory(code="sc-audit-2", region="sichuan")
        user.groups.remove(group)
        group.delete()
    finally:
        current_request.reset(token)
    new = list(AuditEntry.objects.order_by("pk")[start:])
    assert {e.username for e in new} == {"admin_li"} and {e.ip_address for e in new} == {"10.0.0.3"}
    summary = [(e.event, e.target, e.details.get("action")) for e in new]
    assert summary.count((Event.USER_CHANGED, "new_editor", "created")) == 1
    assert summary.count((Event.USER_CHANGED, "new_editor", "profile")) == 1
    assert summary.count((Event.ROLE_CHANGED, "new_editor", "added")) == 2  # editor group, then 临时组
    changes = [
        e.details["fields"] for e in new if e.details.get("action") == "changed" and e.target == "new_editor"
    ]
    assert changes[-1] == ["is_active"]  # the first is the service filling in the new account
    assert summary.count((Event.GROUP_CHANGED, "临时组", "created")) == 1
    assert summary.count((Event.GROUP_CHANGED, "临时组二", "renamed")) == 1
    assert summary.count((Event.ROLE_CHANGED, "new_editor", "removed")) == 1
    assert summary.count((Event.GROUP_CHANGED, "临时组二", "deleted")) == 1
    assert summary.count((Event.ORGANISATION_CHANGED, "sc-audit 审计测试单位（更名）", "changed")) == 1
    created = [s for s in summary if s[0] == Event.ORGANISATION_CHANGED and s[2] == "created"]
    assert len(created) == 1
    # The new organisation's role groups come with it.
    assert len([s for s in summary if s[2] == "role_group_created"]) == 5
    assert Organisation.objects.filter(code="sc-audit-2").exists()


def test_only_security_auditors_read_the_log(staff, auditor):
    audit_record(event=Event.SIGN_IN, username="someone")
    superuser = staff("root")
    superuser.is_superuser = True
    superuser.save()
    for user in (staff("editor"), staff("org_admin", roles=["administrator"]), superuser):
        client = Client()
        client.force_login(user)
        assert client.get("/admin/audit/").status_code in (302, 403), user
        assert client.get("/admin/audit/?export=csv").status_code in (302, 403), user
    reader = Client()
    reader.force_login(auditor)
    page = reader.get("/admin/audit/")
    assert page.status_code == 200 and "someone" in page.content.decode()


def test_nobody_changes_or_deletes_entries_through_the_site(staff, auditor):
    entry = audit_record(event=Event.SIGN_IN, username="someone")
    superuser = staff("root")
    superuser.is_superuser = True
    superuser.save()
    for user in (auditor, superuser):
        client = Client()
        client.force_login(user)
        for url in (
            f"/admin/audit/edit/{entry.pk}/",
            f"/admin/audit/delete/{entry.pk}/",
            "/admin/audit/new/",
        ):
            assert client.get(url).status_code in (302, 403, 404), (user, url)
            assert client.post(url, {"event": "sign_out"}).status_code in (302, 403, 404), (user, url)
    entry.refresh_from_db()
    assert entry.event == Event.SIGN_IN
    with pytest.raises(AuditLogImmutable):
        entry.save()
    with pytest.raises(AuditLogImmutable):
        entry.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(event=Event.SIGN_OUT)
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_the_csv_export_filters_is_formula_safe_and_is_logged(auditor):
    audit_record(event=Event.SIGN_IN_FAILED, outcome=Outcome.FAILURE, username='=HYPERLINK("http://x")')
    audit_record(event=Event.SIGN_IN, username="@SUM(1)")
    client = Client()
    client.force_login(auditor)
    response = client.get("/admin/audit/?export=csv&event=sign_in_failed")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    usernames = [row[3] for row in rows[1:]]
    assert usernames == ['\'=HYPERLINK("http://x")']
    exports = AuditEntry.objects.filter(event=Event.EXPORT)
    assert [(e.username, e.path, e.details["format"]) for e in exports] == [
        ("auditor", "/admin/audit/", "csv")
    ]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-3", "'-3"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("张三", "张三"),
    ],
)
def test_formula_safe(value, safe):
    assert formula_safe(value) == safe


def test_entries_are_kept_180_days_and_the_prune_is_logged():
    now = timezone.now()
    old = AuditEntry.objects.create(
        event=Event.SIGN_IN, outcome=Outcome.SUCCESS, at=now - datetime.timedelta(days=181)
    )
    kept = AuditEntry.objects.create(
        event=Event.SIGN_IN, outcome=Outcome.SUCCESS, at=now - datetime.timedelta(days=179)
    )
    with pytest.raises(CommandError, match="at least 180 days"):
        call_command("audit_prune", "--days", "30", stdout=io.StringIO())
    assert AuditEntry.objects.filter(pk=old.pk).exists()
    out = io.StringIO()
    call_command("audit_prune", stdout=out)
    assert "removed 1 entries" in out.getvalue()
    assert (
        not AuditEntry.objects.filter(pk=old.pk).exists() and AuditEntry.objects.filter(pk=kept.pk).exists()
    )
    assert AuditEntry.objects.filter(event=Event.AUDIT_PRUNED).count() == 1


def test_beat_prunes_the_log_daily(settings):
    import audit.tasks  # noqa: F401 - a worker finds it by autodiscovery
    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["audit-prune"]
    assert entry["schedule"] == 24 * 3600
    old = AuditEntry.objects.create(
        event=Event.SIGN_IN, outcome=Outcome.SUCCESS, at=timezone.now() - datetime.timedelta(days=181)
    )
    app.tasks[entry["task"]].apply()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(event=Event.AUDIT_PRUNED).count() == 1
