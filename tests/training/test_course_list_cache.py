"""The course list is kept (real Redis) per kind of reader until content changes: an enrolment shows at
once, and a course lowered is gone at once for those who may no longer see it."""

import pytest

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.support.caching import use_redis_cache
from training.services import enrolment_create

from .factories import SessionFactory, staff

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.clock]


@pytest.fixture(autouse=True)
def content_cache(settings, redis_url):
    use_redis_cache(settings, redis_url, name="course-cache")
    settings.PORTAL_CONTENT_CACHE_SECONDS = 300


def _courses(client) -> tuple[str, bool]:
    """The page, and whether the courses were read for it (not taken from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/training/")
    assert response.status_code == 200
    return response.content.decode(), any('"training_session"' in q["sql"] for q in queries.captured_queries)


def _reader(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_course_list_is_shared_by_a_kind_of_reader_until_a_course_changes(organisations):
    organiser = organisations["organiser"]
    session = SessionFactory(course__title="协作单位培训班", course__origin_organisation=organiser,
                             course__access_level="partners")  # fmt: skip
    SessionFactory(course__title="公开培训班", course__origin_organisation=organiser)
    first, second = staff("sc_first", organisations["sichuan"]), staff("sc_second", organisations["sichuan"])
    own = staff("own_reader", organiser)

    _courses(_reader())  # the site's first page records its identity (a content write)
    html, _ = _courses(_reader())
    assert "公开培训班" in html and "协作单位培训班" not in html
    # Another kind of reader never gets the public's list; one of the same organisation shares the first's.
    html, read = _courses(_reader(first))
    assert "协作单位培训班" in html and "已报名 0/3" in html and read
    html, read = _courses(_reader(second))
    assert "协作单位培训班" in html and not read

    enrolment_create(session_id=session.pk, user=second)
    html, read = _courses(_reader(first))
    assert "已报名 1/3" in html and read

    course = session.course
    course.access_level = "internal"
    course.save()
    for reader in (first, second):
        assert "协作单位培训班" not in _courses(_reader(reader))[0]
    assert "协作单位培训班" in _courses(_reader(own))[0]
