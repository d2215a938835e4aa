"""Sessions end after 30 idle minutes; staff sign out of all sessions; a new password ends the others."""

import datetime

import pytest

from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.models import StaffSession
from audit.models import AuditEntry, Event

from .conftest import PASSWORD, sign_in, signed_in

pytestmark = pytest.mark.django_db


def _session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _idle(client, minutes: int):
    """As if the last request had been ``minutes`` ago: the session's expiry moves back as far."""
    session = _session(client)
    session.expire_date -= datetime.timedelta(minutes=minutes)
    session.save()


def test_a_staff_session_ends_after_30_idle_minutes_and_each_request_restarts_the_clock(staff):
    staff("zhang")
    client = Client()
    assert signed_in(sign_in(client, "zhang"))
    assert client.get("/admin/").status_code == 200
    remaining = _session(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)

    _idle(client, 29)
    assert client.get("/admin/").status_code == 200  # 29 idle minutes: still signed in, clock restarted
    remaining = _session(client).expire_date - timezone.now()
    assert remaining > datetime.timedelta(minutes=29)

    _idle(client, 31)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_sign_out_of_all_their_sessions(staff):
    staff("zhang")
    office, laptop, other = Client(), Client(REMOTE_ADDR="10.0.0.9"), Client()
    staff("li")
    for client, user in ((office, "zhang"), (laptop, "zhang"), (other, "li")):
        assert signed_in(sign_in(client, user))
    assert StaffSession.objects.filter(user__username="zhang").count() == 2
    assert "10.0.0.9" in office.get("/admin/account/sessions/").content.decode()

    response = office.post("/admin/account/sessions/")
    assert response.status_code == 302
    for client in (office, laptop):
        assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert other.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(event=Event.SIGN_OUT_EVERYWHERE, username="zhang").count() == 1


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(staff):
    staff("zhang")
    this, other = Client(), Client()
    assert signed_in(sign_in(this, "zhang")) and signed_in(sign_in(other, "zhang"))
    other_key = other.session.session_key

    response = this.post(
        "/admin/account/",
        {
            "name_email-email": "zhang@example.org",
            "name_email-first_name": "三",
            "name_email-last_name": "张",
            "locale-preferred_language": "zh-hans",
            "locale-current_time_zone": "Asia/Shanghai",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
            "password-old_password": PASSWORD,
            "password-new_password1": "Brand-new-2031x",
            "password-new_password2": "Brand-new-2031x",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert this.get("/admin/").status_code == 200
    assert other.get("/admin/")["Location"].startswith("/admin/login/")
    assert not Session.objects.filter(session_key=other_key).exists()
    assert AuditEntry.objects.filter(event=Event.PASSWORD_CHANGED, target="zhang").count() == 1
