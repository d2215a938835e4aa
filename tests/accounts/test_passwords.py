"""Passwords: 10 characters, three of four classes, not like the username, not common;
no demo password in production."""

import os
import subprocess
import sys

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError

from portal.checks import demo_passwords_refuse
from portal.demo_content import DEMO_PASSWORD
from tests.conftest import ROOT
from tests.portal.test_settings import GOOD_PRODUCTION_ENV


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab3$efgh", "password_too_short"),
        ("abcdefghijkl", "password_too_simple"),
        ("abcdefgh1234", "password_too_simple"),
        ("ABCDEFGH-XYZ", "password_too_simple"),
        ("Zhangwei1988", "password_too_similar"),
        ("Password123", "password_too_common"),
    ],
)
def test_weak_passwords_are_refused(password, code, db):
    user = get_user_model()(username="zhangwei1988", first_name="伟", last_name="张")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert code in [error.code for error in refused.value.error_list]


@pytest.mark.parametrize("password", ["Hongyan-1949x", "qiao#LIANG2026", "chuan9yu-shi2"])
def test_good_passwords_pass(password, db):
    validate_password(password, get_user_model()(username="zhangwei1988"))


def test_the_demo_password_refuses_startup_until_changed(db):
    admin = get_user_model().objects.create_user("admin", password=DEMO_PASSWORD)
    with pytest.raises(ImproperlyConfigured, match="'admin' still has the demo password"):
        demo_passwords_refuse()
    admin.set_password("Another-secret-2030")
    admin.save()
    demo_passwords_refuse()


def _production(*args, **extra):
    env = {
        **os.environ,
        **GOOD_PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        **extra,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db(transaction=True)
def test_production_does_not_start_with_a_seeded_demo_account(settings):
    from django.db import connection

    # Hashed as production hashes (the test settings use a fast hasher production does not know).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    get_user_model().objects.create_user("sc_reviewer", password=DEMO_PASSWORD)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    result = _production("-c", "import portal.wsgi", DATABASE_URL=url)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "portal: configuration error: the demo account 'sc_reviewer' still has the demo password: "
        "change it or deactivate the account"
    )


def test_seed_demo_refuses_production_settings():
    result = _production("manage.py", "seed_demo")
    assert result.returncode != 0
    assert "seed_demo refuses to run under production settings" in result.stderr
