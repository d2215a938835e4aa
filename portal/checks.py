"""Production refuses to serve while a seeded demo account still has the demo password."""

from django.core.exceptions import ImproperlyConfigured


def demo_passwords_refuse() -> None:
    from django.contrib.auth import get_user_model

    from .demo_content import DEMO_PASSWORD, STAFF

    usernames = {"admin", *(entry[0] for staff in STAFF.values() for entry in staff)}
    for user in get_user_model().objects.filter(username__in=usernames, is_active=True):
        if user.check_password(DEMO_PASSWORD):
            raise ImproperlyConfigured(
                f"the demo account {user.get_username()!r} still has the demo password: "
                "change it or deactivate the account"
            )
