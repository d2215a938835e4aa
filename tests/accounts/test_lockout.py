"""登录失败处理: an account, and separately a source address, is locked for 30 minutes
after 5 failures in 15."""

import datetime

import pytest

from django.test import Client
from django.utils import timezone, translation

from accounts.forms import lock_message
from accounts.models import SignInFailure, SignInLock
from audit.models import AuditEntry, Event

from .conftest import sign_in, signed_in

pytestmark = pytest.mark.django_db


def test_five_failures_lock_the_account_even_against_the_right_password(staff):
    staff("zhang")
    client = Client()
    for _ in range(4):
        assert sign_in(client, "zhang", "wrong-password").status_code == 200
    fifth = sign_in(client, "zhang", "wrong-password")
    lock = SignInLock.objects.get(kind="account", value="zhang")
    assert lock.until - lock.locked_at == datetime.timedelta(minutes=30)
    until = timezone.localtime(lock.until).strftime("%H:%M")
    assert "该账户已被锁定" in fifth.content.decode() and until in fifth.content.decode()

    # The right password, from another address, is refused while the account is locked.
    refused = sign_in(Client(REMOTE_ADDR="10.9.9.9"), "zhang")
    assert not signed_in(refused)
    local = timezone.localtime(lock.until)
    assert f"请于 {local.year}年{local.month}月{local.day}日 {until} 后再试" in refused.content.decode()
    assert AuditEntry.objects.filter(event=Event.LOCKOUT, target="account:zhang").count() == 1


def test_the_lock_message_is_translated():
    lock = SignInLock(kind="account", value="zhang", until=timezone.now())
    with translation.override("en"):
        assert lock_message(lock).startswith("Too many failed sign-ins: this account is locked")


def test_failures_spread_over_more_than_15_minutes_do_not_lock(staff):
    staff("li")
    earlier = timezone.now() - datetime.timedelta(minutes=16)
    SignInFailure.objects.bulk_create(
        [SignInFailure(username="li", ip_address="10.0.0.1", at=earlier) for _ in range(4)]
    )
    sign_in(Client(REMOTE_ADDR="10.0.0.2"), "li", "wrong-password")
    assert not SignInLock.objects.exists()
    assert signed_in(sign_in(Client(REMOTE_ADDR="10.0.0.2"), "li"))


def test_the_lock_ends_after_30_minutes(staff):
    staff("wang")
    SignInLock.objects.create(
        kind="account",
        value="wang",
        locked_at=timezone.now() - datetime.timedelta(minutes=31),
        until=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert signed_in(sign_in(Client(), "wang"))


def test_an_address_is_locked_separately_from_the_accounts_it_tries(staff):
    staff("zhao")
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(5):
        sign_in(attacker, f"guess{n}", "wrong-password")
    assert SignInLock.objects.filter(kind="address", value="198.51.100.7").exists()
    assert not SignInLock.objects.filter(kind="account").exists()
    # The address cannot sign in even with a good account; the account still works from elsewhere.
    assert not signed_in(sign_in(attacker, "zhao"))
    assert "来自您所在地址" in sign_in(attacker, "zhao").content.decode()
    assert signed_in(sign_in(Client(REMOTE_ADDR="10.0.0.5"), "zhao"))


def test_an_administrator_unlocks_the_account_and_the_unlock_is_logged(staff):
    staff("zhang")
    admin = staff("unlocker", roles=["administrator"])
    from django.contrib.auth.models import Permission

    admin.user_permissions.add(Permission.objects.get(codename="unlock_signinlock"))
    for _ in range(5):
        sign_in(Client(), "zhang", "wrong-password")
    lock = SignInLock.objects.get(kind="account", value="zhang")

    # Without the permission the page refuses.
    editor = Client()
    editor.force_login(staff("plain_editor"))
    assert editor.get("/admin/sign-in-locks/").status_code in (302, 403)

    administrator = Client()
    administrator.force_login(admin)
    assert "zhang" in administrator.get("/admin/sign-in-locks/").content.decode()
    response = administrator.post("/admin/sign-in-locks/", {"lock": lock.pk})
    assert response.status_code == 302
    lock.refresh_from_db()
    assert lock.lifted_by == admin and lock.lifted_at is not None
    unlocks = AuditEntry.objects.filter(event=Event.UNLOCK)
    assert [(e.username, e.target) for e in unlocks] == [("unlocker", "account:zhang")]
    assert signed_in(sign_in(Client(REMOTE_ADDR="10.0.0.8"), "zhang"))
    # The failures before the unlock do not count towards a new lock.
    sign_in(Client(REMOTE_ADDR="10.0.0.8"), "zhang", "wrong-password")
    assert not SignInLock.objects.filter(kind="account", lifted_at__isnull=True).exists()
