"""A list's filter menus come from the cache (real Redis) until the content they offer changes."""

import pytest

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.models import StaffProfile
from portal.services import topic_get_or_create
from tests.factories import OrganisationFactory, UserFactory
from tests.materials.factories import MaterialFactory
from tests.support.caching import use_redis_cache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def filter_cache(settings, redis_url):
    use_redis_cache(settings, redis_url, name="filter-cache")
    settings.PORTAL_FILTER_CACHE_SECONDS = 300


def _menus(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/materials/")
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def _option(topic) -> str:
    return f'<option value="{topic.slug}">{topic.name}</option>'


def test_material_menus_are_cached_until_a_tag_is_added_or_a_record_withdrawn():
    organisation = OrganisationFactory(region="chongqing")
    qijiang = topic_get_or_create(kind="place", name="綦江")
    material = MaterialFactory(title="綦江档案", origin_organisation=organisation)
    material.topics.add(qijiang)
    reader = Client()

    _menus(reader)  # the site's first page records its identity (a content write)
    html, _ = _menus(reader)
    assert _option(qijiang) in html
    html, statements = _menus(reader)
    assert _option(qijiang) in html
    # Served from the cache: none of the menus' joins over the visible materials ran again.
    assert not [sql for sql in statements if 'FROM "portal_topic"' in sql and "DISTINCT" in sql.upper()]

    # A new tag on a visible record shows up at once.
    jiangjin = topic_get_or_create(kind="place", name="江津")
    MaterialFactory(title="江津档案", origin_organisation=organisation).topics.add(jiangjin)
    html, _ = _menus(reader)
    assert _option(qijiang) in html and _option(jiangjin) in html

    # Withdrawn from the public: its tag is offered no more to the public ...
    material.access_level = "partners"
    material.save()
    html, _ = _menus(reader)
    assert _option(qijiang) not in html and _option(jiangjin) in html

    # ... while staff, a different kind of reader, still find it.
    staff = UserFactory(is_staff=True)
    StaffProfile.objects.create(user=staff, organisation=OrganisationFactory(region="sichuan"))
    signed_in = Client()
    signed_in.force_login(staff)
    html, _ = _menus(signed_in)
    assert _option(qijiang) in html and _option(jiangjin) in html
