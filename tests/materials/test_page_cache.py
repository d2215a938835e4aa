"""Anonymous pages come from the cache (real Redis) until the content they show changes."""

import time

import pytest

from django.test import Client

from tests.support.caching import use_redis_cache

from .factories import MaterialFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache(settings, redis_url):
    use_redis_cache(settings, redis_url, name="page-cache")
    settings.PORTAL_PAGE_CACHE_SECONDS = 300


def _cached_get(client, path):
    """Two requests: the second must be served from the cache (the first one's ETag, unchanged)."""
    first = client.get(path)
    second = client.get(path)
    assert first.status_code == second.status_code == 200
    assert first["ETag"] == second["ETag"]
    return second.content.decode()


def test_a_reader_never_sees_a_lowered_or_withdrawn_material_from_the_cache(own_organisation):
    material = MaterialFactory(title="綦江红军标语拓片", origin_organisation=own_organisation)
    other = MaterialFactory(title="刘德惠烈士史料", origin_organisation=own_organisation)
    reader = Client()
    detail = f"/materials/{material.global_id}/"
    assert "綦江红军标语拓片" in _cached_get(reader, detail)
    assert "綦江红军标语拓片" in _cached_get(reader, "/materials/")

    material.access_level = "partners"
    material.save()
    assert reader.get(detail).status_code == 404
    listing = _cached_get(reader, "/materials/")
    assert "綦江红军标语拓片" not in listing and "刘德惠烈士史料" in listing

    assert "刘德惠烈士史料" in _cached_get(reader, f"/materials/{other.global_id}/")
    other.delete()
    assert reader.get(f"/materials/{other.global_id}/").status_code == 404
    assert "刘德惠烈士史料" not in reader.get("/materials/").content.decode()


def test_the_cache_answers_a_conditional_request_and_never_serves_signed_in_readers(own_organisation):
    from django.core.cache import cache

    from portal.page_cache import page_cache_generation

    MaterialFactory(title="綦江红军标语拓片", origin_organisation=own_organisation)
    reader = Client()
    etag = reader.get("/materials/")["ETag"]
    assert reader.get("/materials/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    redis = cache._cache.get_client()

    def stored():
        return redis.keys(cache.make_key(f"page-cache:{page_cache_generation()}:*"))

    keys = stored()
    assert len(keys) == 1

    from tests.factories import UserFactory

    staff = Client()
    staff.force_login(UserFactory())
    staff.get("/materials/")
    staff.get("/materials/feed/")
    assert stored() == keys


def _redis_page_keys():
    from django.core.cache import cache

    return cache._cache.get_client().keys(cache.make_key("page-cache:[0-9]*"))


def test_a_worker_answers_again_from_its_own_copy_until_the_entry_expires(
    own_organisation, django_assert_num_queries, fixed_clock
):
    from django.core.cache import cache

    MaterialFactory(title="綦江红军标语拓片", origin_organisation=own_organisation)
    reader = Client()
    reader.get("/materials/")  # a fresh site creates its site settings on its first page (a content change)
    first = reader.get("/materials/")
    cache._cache.get_client().delete(*_redis_page_keys())

    with django_assert_num_queries(0):  # nothing rebuilt, and nothing read out of Redis but the generation
        again = reader.get("/materials/")
    assert again.content == first.content and again["ETag"] == first["ETag"]

    fixed_clock.shift(301)  # past PORTAL_PAGE_CACHE_SECONDS: the copy is as dead as Redis's would be
    assert not _redis_page_keys()
    rebuilt = reader.get("/materials/")
    assert rebuilt.status_code == 200 and "綦江红军标语拓片" in rebuilt.content.decode()
    assert _redis_page_keys(), "a rebuilt page is stored again"


def test_a_workers_copies_stay_within_their_byte_limit():
    from portal.page_cache import _ProcessCopies

    copies = _ProcessCopies(limit=1000)
    until = time.time() + 60
    for number in range(5):
        copies.put(f"page-{number}", (200, [], b"x" * 240, until), until=until)
    copies.get("page-1")  # read lately: kept when the oldest go
    copies.put("page-5", (200, [], b"x" * 240, until), until=until)
    assert copies.size <= 1000
    assert copies.get("page-0") is None and copies.get("page-2") is None
    assert copies.get("page-1") is not None and copies.get("page-5") is not None
    copies.put("too-big", (200, [], b"x" * 251, until), until=until)
    assert copies.get("too-big") is None


@pytest.fixture
def redis_outage(settings, monkeypatch):
    """Redis as a closed port for the block given; this process's outage state is its own test's."""
    import contextlib
    import socket

    from portal import page_cache

    monkeypatch.setattr(page_cache, "_outage", page_cache._Outage())
    monkeypatch.setattr(page_cache, "RETRY_SECONDS", 0.05)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]

    @contextlib.contextmanager
    def outage():
        reachable = settings.CACHES
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{closed}/0",
            }
        }
        try:
            yield
        finally:
            settings.CACHES = reachable
            time.sleep(0.1)  # past RETRY_SECONDS: Redis is asked again

    return outage


def test_with_redis_unreachable_pages_are_built_fresh_and_a_change_made_meanwhile_is_never_served_stale(
    own_organisation, redis_outage
):
    from portal import page_cache
    from portal.page_cache import page_cache_generation

    material = MaterialFactory(title="綦江红军标语拓片", origin_organisation=own_organisation)
    reader = Client()
    detail = f"/materials/{material.global_id}/"
    assert "綦江红军标语拓片" in _cached_get(reader, detail)
    before = page_cache_generation()

    with redis_outage():
        copies = len(page_cache._process_copies.entries)
        for _ in range(3):
            assert "綦江红军标语拓片" in reader.get(detail).content.decode()
        assert len(page_cache._process_copies.entries) == copies, "no key of a made-up generation is kept"
        material.access_level = "partners"
        material.save()  # committed, though the generation cannot move now
        assert reader.get(detail).status_code == 404

    assert reader.get(detail).status_code == 404, "the copy made before the outage is not served again"
    assert page_cache_generation() != before
