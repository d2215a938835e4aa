"""Two-factor sign-in: required for superusers, reviewers and organisation administrators;
open to all staff."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.test import Client

from accounts.otp import totp_secret_base32
from audit.models import AuditEntry, Event

from .conftest import sign_in, signed_in
from .otp_codes import totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.ACCOUNTS_SECOND_FACTOR_ENFORCED = True


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator shows for the secret the enrolment page displays."""
    return totp_code(totp_secret_base32(device), steps_ahead=steps_ahead)


@pytest.mark.parametrize("role", ["reviewer", "administrator"])
def test_reviewers_and_administrators_must_enrol_before_entering_the_admin(staff, role):
    staff("needs", roles=[role])
    client = Client()
    assert signed_in(sign_in(client, "needs"))
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-factor/setup/?next=%2Fadmin%2Fpages%2F"
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and 'id="totp-secret"' in page


def test_an_editor_signs_in_with_a_password_only(staff):
    staff("editor")
    client = Client()
    assert signed_in(sign_in(client, "editor"))
    assert client.get("/admin/").status_code == 200


def test_enrolment_then_sign_in_with_a_code_and_with_a_recovery_code(staff, fixed_clock):
    user = staff("reviewer", roles=["reviewer"])
    client = Client()
    sign_in(client, "reviewer")
    client.get("/admin/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(
        "/admin/two-factor/setup/", {"token": "000000" if code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(confirmed=True).exists()
    fixed_clock.shift(1.1)  # django-otp throttles the next try after a wrong code
    enrolled = client.post("/admin/two-factor/setup/", {"token": code(device), "next": "/admin/"})
    recovery = [
        line.split("<code>")[1].split("</code>")[0] for line in enrolled.content.decode().split("<li>")[1:]
    ]
    assert len(recovery) == 10
    assert client.get("/admin/").status_code == 200

    second = Client()
    sign_in(second, "reviewer")
    assert second.get("/admin/")["Location"].startswith("/admin/two-factor/verify/")
    assert second.post("/admin/two-factor/verify/", {"token": "12345678"}).status_code == 200
    fixed_clock.shift(1.1)
    response = second.post(
        "/admin/two-factor/verify/", {"token": code(device, steps_ahead=1), "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert second.get("/admin/").status_code == 200

    third = Client()
    sign_in(third, "reviewer")
    assert third.post("/admin/two-factor/verify/", {"token": recovery[0]}).status_code == 302
    assert third.get("/admin/").status_code == 200
    fourth = Client()
    sign_in(fourth, "reviewer")
    assert fourth.post("/admin/two-factor/verify/", {"token": recovery[0]}).status_code == 200  # used once

    events = list(AuditEntry.objects.filter(username="reviewer").values_list("event", flat=True))
    assert events.count(Event.OTP_ENROLLED) == 1
    assert events.count(Event.OTP_VERIFIED) == 1
    assert events.count(Event.OTP_RECOVERY_USED) == 1
    assert events.count(Event.OTP_FAILED) == 3  # one at enrolment, one wrong code, one spent recovery code


def test_an_editor_may_enrol_and_then_needs_the_code(staff):
    user = staff("keen")
    client = Client()
    sign_in(client, "keen")
    client.get("/admin/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user)
    client.post("/admin/two-factor/setup/", {"token": code(device)})
    later = Client()
    sign_in(later, "keen")
    assert later.get("/admin/")["Location"].startswith("/admin/two-factor/verify/")


def test_django_admin_is_gone(client):
    assert client.get("/django-admin/").status_code == 404
