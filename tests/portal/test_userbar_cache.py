"""Wagtail's userbar, shown to staff on the public site, comes from the cache (real Redis) per staff
member and page until content changes."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.caching import use_redis_cache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def content_cache(settings, redis_url):
    use_redis_cache(settings, redis_url, name="userbar-cache")
    settings.PORTAL_CONTENT_CACHE_SECONDS = 300


def _userbar_built(client) -> bool:
    """Whether this request built the userbar (it reads the staff member's admin profile)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200 and b"wagtail-userbar" in response.content
    # Building it asks Wagtail for the profile again (its get_or_create); the key read it once already.
    reads = [query for query in captured.captured_queries if '"wagtailusers_userprofile"' in query["sql"]]
    return len(reads) > 1


def test_the_userbar_is_kept_per_staff_member_until_content_changes(client, site_home, django_user_model):
    editor = django_user_model.objects.create_superuser("userbar-editor", password="x" * 12)
    client.force_login(editor)
    client.get("/")  # builds it (and the site's first page records its identity)
    assert not _userbar_built(client)

    other = django_user_model.objects.create_superuser("userbar-other", password="x" * 12)
    client.force_login(other)
    assert _userbar_built(client), "another staff member's userbar is their own"

    site_home.save_revision().publish()
    client.force_login(editor)
    assert _userbar_built(client), "a change of content builds it again"


def _userbar(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    start = response.content.index(b'<template id="wagtail-userbar-template">')
    return response.content[start : response.content.index(b"</template>", start)].decode()


def test_each_staff_member_meets_the_userbar_in_their_own_admin_language(
    client, site_home, django_user_model
):
    from wagtail.users.models import UserProfile

    english = django_user_model.objects.create_superuser("userbar-english", password="x" * 12)
    UserProfile.objects.filter(pk=UserProfile.get_for_user(english).pk).update(preferred_language="en")
    chinese = django_user_model.objects.create_superuser("userbar-chinese", password="x" * 12)
    UserProfile.objects.filter(pk=UserProfile.get_for_user(chinese).pk).update(preferred_language="zh-hans")

    client.force_login(english)
    in_english = _userbar(client)
    client.force_login(chinese)
    in_chinese = _userbar(client)
    # Wagtail renders the userbar's items in the admin language, the page's own words in the page's.
    assert "Issues found" in in_english and "Issues found" not in in_chinese

    UserProfile.objects.filter(user=chinese).update(preferred_language="en")
    assert "Issues found" in _userbar(client), "a changed admin language shows at once"
