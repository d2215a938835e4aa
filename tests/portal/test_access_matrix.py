"""Every URL the apps expose × every kind of reader × every access level, against the rule.

The URL patterns are enumerated from the resolver itself (matrix_urls.py): a URL registered
without an entry in matrix_cases.MATRIX (or SNIPPET_ACTIONS / CHOOSER_ACTIONS for an
organisation's admin views) fails test_every_url_is_in_the_matrix. Wagtail's own page admin and
page serving, which show our records too, are listed in matrix_cases.WAGTAIL_PATHS.

Each cell states one of two things: the reader sees the record (status 200, its title shown)
or the reader learns nothing of it (refused or absent). The expected answer comes from
world.allowed, the rule written out by hand, never from portal.access.
"""

import json

import pytest

from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from wagtail.models import APIToken

from .matrix_cases import MATRIX, Case
from .matrix_urls import CASES, enumerated_urls, matrix, project_viewset_namespaces
from .world import LEVELS, READERS, allowed, build_world

REFUSED = {302, 401, 403, 404}
# Readers who may open the admin (they hold a role), and those who administer the owner's records.
ADMIN_READERS = {"owner_role", "same_region", "partner", "superuser"}
OWNER_ADMINS = {"owner_role", "superuser"}
CELLS = {"run": 0}


def test_every_url_is_in_the_matrix():
    listed = set(matrix())
    unlisted = sorted(enumerated_urls() - listed)
    assert not unlisted, f"URLs without an entry in the access matrix: {unlisted}"
    stale = sorted(set(MATRIX) - enumerated_urls() - project_viewset_namespaces())
    assert not stale, f"matrix entries for URLs that no longer exist: {stale}"


# --- the world and its readers ------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    overrides = override_settings(
        ELASTICSEARCH_URL=None,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    with django_db_blocker.unblock(), overrides:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            _readers(built)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _readers(world):
    from events.services import calendar_token_reset
    from publicity.models import Section

    world.extra["clients"] = {}
    world.extra["tokens"] = {}
    world.extra["calendar"] = {}
    for reader in READERS:
        client = Client()
        user = world.users[reader]
        if user is not None:
            client.force_login(user)
            world.extra["tokens"][reader] = APIToken.create_token(user=user, name="matrix")[1]
            if reader not in ("no_profile",):
                world.extra["calendar"][reader] = calendar_token_reset(user=user).token
        world.extra["clients"][reader] = client
    event = world.records["event"]["public"]
    local = event.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    world.extra["month_url"] = reverse("events:event_month", args=[local.year, local.month])
    world.extra["section"] = Section.objects.order_by("order").first().slug
    vocabulary = {
        "portal_topic": None,
        "publicity_section": world.extra["section"],
        "publicity_bulletinissue": None,
    }
    del vocabulary

    def vocabulary_url(namespace, action):
        if action in ("list", "list_results", "add", "choose", "choose_results", "create", "chosen_multiple"):
            return reverse(namespace)
        model_key = namespace.split(":")[0].split("_", 1)[1]
        pk = {
            "portal_topic": _topic(),
            "publicity_section": Section.objects.order_by("order").first().pk,
            "publicity_bulletinissue": world.extra["issue"].pk,
        }[model_key]
        return reverse(namespace, args=[pk])

    world.extra["vocabulary_url"] = vocabulary_url


def _topic():
    from portal.models import Topic

    topic, _created = Topic.objects.get_or_create(
        kind="theme", slug="matrix-theme", defaults={"name": "矩阵主题"}
    )
    return topic.pk


# --- the cells -----------------------------------------------------------------------------


def _request(world, case: Case, reader: str, level: str | None):
    client = world.extra["clients"][reader]
    if case.auth == "calendar":
        token = world.extra["calendar"].get(reader, "no-such-token")
        return Client().get(reverse("events:feed_private", args=[token]))
    url = case.url(world, level)
    headers = {}
    if case.auth == "token":
        client = Client()
        if reader in world.extra["tokens"]:
            headers["Authorization"] = f"Bearer {world.extra['tokens'][reader]}"
    if case.method == "post" or (case.check == "write" and not _may_write(reader, level)):
        return client.post(url, {}, headers=headers)
    return client.get(url, headers=headers)


def _may_write(reader, level):
    # Writes are exercised by those who must be refused; the others only read (the world is shared).
    return level is None or allowed(reader, level) and reader != "anonymous"


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    text = response.content.decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        # JSON escapes Chinese (\\uXXXX): read it as the reader's program would.
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def _expect(case: Case, world, reader: str, level: str | None, response) -> str | None:
    status = response.status_code
    body = _body(response)
    marker = case.marker(world, level) if case.marker and level else None
    shows = marker is not None and marker in body
    if status >= 500:
        return f"server error {status}"
    may = allowed(reader, level) if level else True
    check = case.check
    if check == "public":
        return None if status in (200, 302, 404) else f"status {status}"
    if check == "signed":
        if status not in {400, 401, 403, 404, 405}:
            return f"unsigned request answered {status}"
        return "shows the record" if shows else None
    if check == "capability":
        return None if status == 200 else f"status {status}"
    if check == "private_feed":
        if reader in ("anonymous", "no_profile"):  # no private feed of their own
            return None if status == 404 and not shows else f"status {status}"
        check = "listing"
    if check == "public_feed":
        may = level == "public"
        check = "listing"
    if check in ("admin_listing", "org_listing"):
        may = reader in OWNER_ADMINS
        check = "listing"
    if check == "admin_record":
        may = reader in OWNER_ADMINS
        check = "record"
    if check == "superuser_only":
        may = reader == "superuser"
        check = "record"
    if check == "organiser":
        may = reader in OWNER_ADMINS
        check = "record"
    if check == "enrolled_or_organiser":
        may = reader in OWNER_ADMINS | {"owner_norole"}
        check = "record"
    if check == "member_only":
        may = reader == "owner_role"  # the project's lead; no one else is a member
        check = "record"
    if check == "chooser":
        may = may and reader in ADMIN_READERS
        if case.owner_scoped:
            may = reader in OWNER_ADMINS
        check = "listing"
    if check == "chooser_record":
        may = may and reader in ADMIN_READERS
        if case.owner_scoped:
            may = reader in OWNER_ADMINS
        check = "record"
    if check == "form":
        return None
    if check == "write":
        if _may_write(reader, level):
            return None
        if status not in REFUSED | {405}:
            return f"write by a reader who may not see it answered {status}"
        return "shows the record" if shows else None
    if check == "no_leak":
        return "shows what the reader may not see" if (not may and shows) else None
    if check == "no_leak_record":
        if not may and (status not in REFUSED or shows):
            return f"opened by a reader who may not see it ({status})"
        return None
    if check == "pdf_listing":
        return None if status in (200, 404) else f"status {status}"
    if check == "listing":
        if may and (status != 200 or (marker is not None and not shows)):
            return f"hides what the reader may see ({status})"
        if not may and shows:
            return "shows what the reader may not see"
        return None
    if check == "record":
        if may and status != 200:
            return f"refused to a reader who may see it ({status})"
        if not may and (status not in REFUSED or shows):
            return f"opened by a reader who may not see it ({status})"
        return None
    raise AssertionError(f"unknown check {check}")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_access_matrix(world, name):
    case = CASES[name]
    failures = []
    for reader in READERS:
        for level in LEVELS if case.leveled else (None,):
            response = _request(world, case, reader, level)
            problem = _expect(case, world, reader, level, response)
            CELLS["run"] += 1
            if problem:
                failures.append(f"{reader} × {level or '-'}: {problem}")
    assert not failures, f"{name}:\n" + "\n".join(failures)


def test_matrix_size_is_reported(request):
    cells = sum(len(READERS) * (len(LEVELS) if case.leveled else 1) for case in CASES.values())
    request.config._access_matrix_cells = cells  # noqa: SLF001
    print(f"\naccess matrix: {len(CASES)} URLs, {cells} cells")  # noqa: T201
    assert cells > 1000
