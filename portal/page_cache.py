"""The anonymous page cache: HTML pages, feeds, calendars and API answers for readers without a session.

Every entry is keyed by a content generation; any committed change to content a page may show
(a record saved or deleted, published, unpublished, replicated by sync, its access changed, a link
between records) moves the generation on, so no reader is served a page built before it. Signed-in
readers (a session cookie), token-authenticated API calls and responses that set a cookie or use
a CSRF token are never cached, and while Redis is unreachable nothing is (``_Outage``).
"""

import hashlib
import secrets
import threading
import time
from collections import OrderedDict

from redis.exceptions import RedisError

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import get_conditional_response

from .access import reader_for
from .modules import module_get

GENERATION_KEY = "page-cache:generation"
# Only content apps move the generation: sessions, logs and search entries do not change a page.
CONTENT_APPS = {"portal", "wagtailcore", "taggit", "wagtailimages", "wagtaildocs"}
PER_RESPONSE_HEADERS = ("X-Request-ID", "Set-Cookie")
EXCLUDED_PREFIXES = ("/admin/", "/sync/", "/documents/", "/healthz", "/livez", "/readyz", "/i18n/")


def _first_generation() -> int:
    # A cleared or restarted Redis starts again from a random generation, never at 1: a process's own
    # copies (_ProcessCopies) of an earlier generation must not match again.
    return secrets.randbits(52)


# Redis unreachable (a connection refused or timed out): nothing is cached, and Redis is not asked again
# before RETRY_SECONDS. Without a generation all processes share, no process learns of another's write,
# so neither its own copies nor a per-process generation may answer: pages are built fresh meanwhile.
CACHE_DOWN = (RedisError, OSError)
RETRY_SECONDS = 5.0


class _Outage:
    def __init__(self):
        self.retry_at = 0.0
        self.seen = False
        self.retrying = False
        self.lock = threading.Lock()

    def down(self) -> bool:
        return time.monotonic() < self.retry_at

    def begin(self) -> None:
        self.retry_at, self.seen = time.monotonic() + RETRY_SECONDS, True

    def end(self) -> None:
        """Back from an outage: writes made meanwhile moved no generation, so this process moves it."""
        if self.seen:
            self.seen = False
            _generation_move()

    def bump_missed(self) -> None:
        """A committed change could not move the generation: moved as soon as Redis answers, even in a
        process that serves no pages (a worker applying sync)."""
        self.begin()
        with self.lock:
            if self.retrying:
                return
            self.retrying = True
        threading.Thread(target=self._retry, daemon=True, name="page-cache-generation-retry").start()

    def _retry(self) -> None:
        while True:
            time.sleep(RETRY_SECONDS)
            try:
                self.seen = True
                self.end()
            except CACHE_DOWN:
                continue
            with self.lock:
                self.retrying = False
            return


_outage = _Outage()


def _generation_move() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _first_generation(), timeout=None)


def page_cache_generation() -> int | None:
    """The content generation all processes share, or None while Redis is unreachable (cache nothing)."""
    if _outage.down():
        return None
    try:
        _outage.end()
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, _first_generation(), timeout=None)
            generation = cache.get(GENERATION_KEY)
    except CACHE_DOWN:
        _outage.begin()
        return None
    return generation  # None: evicted as soon as added; this request is not cached


class _GenerationBump:
    """An on_commit callback moving the generation on; those of one transaction share ``done``, so
    the first to run moves it and the rest do nothing: one cache write per commit, not per save.

    Each change still registers its own callback: a savepoint rolled back drops only the callbacks
    registered inside it, and a later change's callback still moves the generation on commit.
    """

    def __init__(self, done: list[bool]):
        self.done = done

    def __call__(self) -> None:
        if self.done[0]:
            return
        self.done[0] = True
        if _outage.down():
            _outage.bump_missed()
            return
        try:
            _generation_move()
        except CACHE_DOWN:
            _outage.bump_missed()


def page_cache_invalidate() -> None:
    """Move the generation on once the change is committed (a page built before then is never served)."""
    connection = transaction.get_connection()
    pending = connection.run_on_commit if connection.in_atomic_block else []
    waiting = (hook for _sids, hook, _robust in pending if isinstance(hook, _GenerationBump))
    done = next((hook.done for hook in waiting if not hook.done[0]), [False])
    transaction.on_commit(_GenerationBump(done))


def content_cached(key: str, build, *, timeout: int):
    """``build()``, kept under ``key`` until content changes (the generation moves on) or ``timeout``.

    For parts of pages that every reader of a kind shares (a list's filter menus); ``key`` names
    everything else the value depends on (the kind of reader, the language).
    """
    generation = page_cache_generation() if timeout else None
    if generation is None:
        return build()
    full_key = f"content-cache:{generation}:{key}"
    value = _cache_call(cache.get, full_key)
    if value is None:
        value = build()
        _cache_call(cache.set, full_key, value, timeout)
    return value


def _cache_call(method, *args):
    """A read or write of an entry; None (nothing cached) if Redis went away since the generation was read."""
    try:
        return method(*args)
    except CACHE_DOWN:
        _outage.begin()
        return None


def reader_kind_cached(name: str, key: str, build, *, user, timeout: int):
    """``content_cached`` for what every reader of a kind shares (portal.access ``Reader.scope``):
    the kind is part of the key, so no reader is served what another kind of reader may see."""
    return content_cached(f"{name}:{reader_for(user).scope}:{key}", build, timeout=timeout)


def _is_content(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return False
    return meta.app_label in CONTENT_APPS or module_get(meta.app_label) is not None


def _content_changed(sender, **kwargs):
    if _is_content(sender):
        page_cache_invalidate()


def register_page_cache_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_content_changed, dispatch_uid=f"page_cache_{id(signal)}")
    # Wagtail's publish and unpublish save the page (post_save above); these are for revisions' side paths.
    from wagtail.signals import page_published, page_unpublished

    page_published.connect(_content_changed, dispatch_uid="page_cache_published")
    page_unpublished.connect(_content_changed, dispatch_uid="page_cache_unpublished")


class _ProcessCopies:
    """The entries this process served lately, kept in its memory in front of Redis, least recently used
    dropped first beyond ``limit`` bytes. A key names its generation, so a copy is never served after the
    content changed, nor after the moment its Redis copy expires (``until``, in the entry). It spares a large
    answer (a year's calendar) the trip out of Redis on every request."""

    def __init__(self, *, limit: int):
        self.limit = limit
        self.size = 0
        self.entries: OrderedDict[str, tuple[int, tuple]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            size, entry = found
            if entry[3] <= time.time():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple, *, until: float) -> None:
        size = len(entry[2])
        if size > self.limit // 4 or until <= time.time():
            return
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = (size, entry)
            self.size += size
            while self.size > self.limit:
                self._drop(next(iter(self.entries)))

    def _drop(self, key: str) -> None:
        size, _entry = self.entries.pop(key)
        self.size -= size


_process_copies = _ProcessCopies(limit=32 * 1024 * 1024)


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.path.startswith(EXCLUDED_PREFIXES):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0) or not _cacheable_request(request):
            return self.get_response(request)
        generation = page_cache_generation()
        if generation is None:
            return self.get_response(request)
        path = request.get_full_path()
        digest = hashlib.sha256(f"{request.get_host()}|{path}".encode()).hexdigest()
        key = f"page-cache:{generation}:{getattr(request, 'LANGUAGE_CODE', '')}:{digest}"
        cached = _process_copies.get(key)
        if cached is None:
            cached = _cache_call(cache.get, key)
            if cached is not None and len(cached) != 4:  # written by the release before (no expiry)
                cached = None
            if cached is not None:
                _process_copies.put(key, cached, until=cached[3])
        if cached is not None:
            status, headers, content, _until = cached
            etag = dict(headers).get("ETag")
            not_modified = get_conditional_response(request, etag=etag) if etag else None
            if not_modified is not None:
                return not_modified
            return _rebuild(status, headers, content, request)
        response = self.get_response(request)
        if self._storable(request, response):
            if not response.has_header("ETag"):
                response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            headers = [(name, value) for name, value in response.items() if name not in PER_RESPONSE_HEADERS]
            until = time.time() + settings.PORTAL_PAGE_CACHE_SECONDS
            entry = (response.status_code, headers, response.content, until)
            _cache_call(cache.set, key, entry, settings.PORTAL_PAGE_CACHE_SECONDS)
            if not _outage.down():  # Redis went away meanwhile: no copy of a generation that may be stale
                _process_copies.put(key, entry, until=until)
        return response

    @staticmethod
    def _storable(request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
            return False
        control = response.get("Cache-Control", "")
        return not any(word in control for word in ("private", "no-store", "no-cache"))


def _rebuild(status, headers, content, request):
    from django.http import HttpResponse

    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    if request.method == "HEAD":
        response.content = b""
    return response
