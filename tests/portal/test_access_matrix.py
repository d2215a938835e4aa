"""Every URL the apps expose × every kind of reader × every access level, against the rule.

The URL patterns are enumerated from the resolver itself: a URL registered without an entry
in MATRIX (or SNIPPET_ACTIONS / CHOOSER_ACTIONS for an organisation's admin views) fails
test_every_url_is_in_the_matrix. Wagtail's own page admin and page serving, which show our
records too, are listed in WAGTAIL_PATHS.

Each cell states one of two things: the reader sees the record (status 200, its title shown)
or the reader learns nothing of it (refused or absent). The expected answer comes from
world.allowed, the rule written out by hand, never from portal.access.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse

from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.models import APIToken

from .world import LABEL, LEVELS, READERS, allowed, build_world

PROJECT_APPS = ("portal", "materials", "research", "events", "training", "publicity", "search", "sync")
REFUSED = {302, 401, 403, 404}
# Readers who may open the admin (they hold a role), and those who administer the owner's records.
ADMIN_READERS = {"owner_role", "same_region", "partner", "superuser"}
OWNER_ADMINS = {"owner_role", "superuser"}
CELLS = {"run": 0}


@dataclass(frozen=True)
class Case:
    check: str
    url: Callable  # (world, level) -> path
    marker: Callable | None = None  # (world, level) -> text that would reveal the record
    leveled: bool = True
    method: str = "get"
    auth: str = "session"  # or "token": the API reads a Bearer token, never the session
    # Milestones, outputs, members and sessions have no access level of their own:
    # only the owning organisation's admins (and superusers) see them in the admin.
    owner_scoped: bool = False


def title(kind):
    def marker(world, level):
        record = world.records[kind][level]
        return getattr(record, "title", None) or getattr(record, "name", None) or record.full_name

    return marker


def const(text):
    return lambda world, level: text


def rec(kind, attr="pk"):
    return lambda world, level: getattr(world.records[kind][level], attr)


def path(name, *args):
    """A reverse() whose arguments are read from the world for the level."""

    def build(world, level):
        return reverse(name, args=[arg(world, level) if callable(arg) else arg for arg in args])

    return build


def with_query(build, query):
    return lambda world, level: build(world, level) + query


def page_url(kind):
    return lambda world, level: world.records[kind][level].url


MATRIX: dict[str, Case] = {
    # portal
    "healthz": Case("public", path("healthz"), leveled=False),
    "livez": Case("public", path("livez"), leveled=False),
    "robots_txt": Case("public", path("robots_txt"), leveled=False),
    # The sitemap is the public view for every reader: no page that needs a login is listed.
    "sitemap": Case("no_leak", path("sitemap"), page_url("story")),
    # Details of the services, for internal addresses only; nothing of any record.
    "readyz": Case("no_leak", path("readyz"), title("material"), leveled=False),
    # materials
    "materials:index": Case("listing", path("materials:index"), title("material")),
    "materials:feed": Case("listing", path("materials:feed"), title("material")),
    "materials:detail": Case(
        "record", path("materials:detail", rec("material", "global_id")), title("material")
    ),
    "materials:download_current": Case(
        "record", path("materials:download_current", rec("material", "global_id"))
    ),
    "materials:download": Case("record", path("materials:download", rec("material", "global_id"), 1)),
    # research
    "research:project_index": Case("listing", path("research:project_index"), title("project")),
    "research:expert_index": Case("listing", path("research:expert_index"), title("expert")),
    "research:project_detail": Case(
        "record", path("research:project_detail", rec("project", "global_id")), title("project")
    ),
    "research:project_workspace": Case(
        "member_only", path("research:project_workspace", rec("project", "global_id")), title("milestone")
    ),
    "research:milestone_complete": Case(
        "write",
        path("research:milestone_complete", rec("project", "global_id"), rec("milestone")),
        title("milestone"),
    ),
    # events
    "events:event_list": Case("listing", path("events:event_list"), title("event")),
    "events:event_month": Case("listing", lambda w, lv: w.extra["month_url"], title("event")),
    "events:feed_public": Case("public_feed", path("events:feed_public"), title("event")),
    "events:feed_type": Case("public_feed", path("events:feed_type", "joint_meeting"), title("event")),
    "events:feed_organisation": Case(
        "public_feed", path("events:feed_organisation", "sc-matrix-owner"), title("event")
    ),
    "events:feed_region": Case("public_feed", path("events:feed_region", "sichuan"), title("event")),
    "events:feed_private": Case("private_feed", lambda w, lv: "calendar", title("event"), auth="calendar"),
    "events:private_feed_reset": Case("write", path("events:private_feed_reset"), leveled=False),
    "events:event_detail": Case(
        "record", path("events:event_detail", rec("event", "global_id")), title("event")
    ),
    "events:event_rsvp": Case("write", path("events:event_rsvp", rec("event", "global_id")), title("event")),
    # training
    "training:course_list": Case("listing", path("training:course_list"), title("course")),
    "training:my_training": Case("no_leak", path("training:my_training"), title("course")),
    "training:session_detail": Case(
        "record", path("training:session_detail", rec("session")), title("course")
    ),
    "training:session_enrol": Case("write", path("training:session_enrol", rec("session")), title("course")),
    "training:session_roster": Case(
        "organiser", path("training:session_roster", rec("session")), const("成成员")
    ),
    "training:roster_csv": Case("organiser", path("training:roster_csv", rec("session")), const("成成员")),
    "training:roster_xlsx": Case("organiser", path("training:roster_xlsx", rec("session")), const("成成员")),
    "training:enrolment_cancel": Case(
        "write", lambda w, lv: reverse("training:enrolment_cancel", args=[w.extra[f"enrolment:{lv}"].pk])
    ),
    "training:enrolment_decide": Case(
        "write", lambda w, lv: reverse("training:enrolment_decide", args=[w.extra[f"enrolment:{lv}"].pk])
    ),
    "training:certificate_pdf": Case(
        "enrolled_or_organiser",
        lambda w, lv: reverse("training:certificate_pdf", args=[w.extra[f"certificate:{lv}"].code]),
    ),
    "training:certificate_verify_form": Case(
        "public", path("training:certificate_verify_form"), leveled=False
    ),
    # A certificate's code is printed on it: whoever holds the paper verifies it.
    "training:certificate_verify": Case(
        "capability",
        lambda w, lv: reverse("training:certificate_verify", args=[w.extra[f"certificate:{lv}"].code]),
    ),
    # publicity
    "publicity:feed_rss": Case("public_feed", path("publicity:feed_rss"), title("story")),
    "publicity:feed_atom": Case("public_feed", path("publicity:feed_atom"), title("story")),
    "publicity:feed_region_rss": Case(
        "public_feed", path("publicity:feed_region_rss", "sichuan"), title("story")
    ),
    "publicity:feed_region_atom": Case(
        "public_feed", path("publicity:feed_region_atom", "sichuan"), title("story")
    ),
    "publicity:feed_section_rss": Case(
        "public_feed",
        lambda w, lv: reverse("publicity:feed_section_rss", args=[w.extra["section"]]),
        title("story"),
    ),
    "publicity:feed_section_atom": Case(
        "public_feed",
        lambda w, lv: reverse("publicity:feed_section_atom", args=[w.extra["section"]]),
        title("story"),
    ),
    # Issue mastheads only; an issue none of whose items the reader may see is left out.
    "publicity:bulletin_archive": Case("no_leak", path("publicity:bulletin_archive"), title("story")),
    "publicity:bulletin_issue": Case(
        "listing",
        lambda w, lv: reverse("publicity:bulletin_issue", args=[w.extra["issue"].pk]),
        title("story"),
    ),
    "publicity:bulletin_issue_pdf": Case(
        "pdf_listing",
        lambda w, lv: reverse("publicity:bulletin_issue_pdf", args=[w.extra["issue"].pk]),
        title("story"),
    ),
    "publicity_quarterly_report": Case("no_leak", path("publicity_quarterly_report"), title("story")),
    "publicity_bulletin_compile": Case(
        "no_leak",
        lambda w, lv: reverse("publicity_bulletin_compile", args=[w.extra["issue"].pk]),
        title("pending_story"),
    ),
    # search (on the database fallback here; tests/search drive Elasticsearch)
    "search": Case("listing", with_query(path("search"), "?q=矩阵&format=json"), title("material")),
    "search_suggest": Case(
        "listing", lambda w, lv: reverse("search_suggest") + f"?q=矩阵{LABEL[lv]}专", title("expert")
    ),
    # the public API: a token is the only way to be someone there
    "portal_api:api-root": Case("public", path("portal_api:api-root"), leveled=False),
    "portal_api:openapi-json": Case("public", path("portal_api:openapi-json"), leveled=False),
    "portal_api:openapi-view": Case("public", path("portal_api:openapi-view"), leveled=False),
    "portal_api:list_pages": Case(
        "listing",
        with_query(path("portal_api:list_pages"), "?type=publicity.Story&limit=20"),
        title("story"),
        auth="token",
    ),
    "portal_api:find_page": Case(
        "record",
        lambda w, lv: reverse("portal_api:find_page") + f"?id={w.records['story'][lv].pk}",
        title("story"),
        auth="token",
    ),
    "portal_api:get_page": Case(
        "record", path("portal_api:get_page", rec("story")), title("story"), auth="token"
    ),
    "portal_api:materials_list": Case(
        "listing", path("portal_api:materials_list"), title("material"), auth="token"
    ),
    "portal_api:materials_detail": Case(
        "record",
        path("portal_api:materials_detail", rec("material", "global_id")),
        title("material"),
        auth="token",
    ),
    "portal_api:research_projects_list": Case(
        "listing", path("portal_api:research_projects_list"), title("project"), auth="token"
    ),
    "portal_api:research_projects_detail": Case(
        "record",
        path("portal_api:research_projects_detail", rec("project", "global_id")),
        title("project"),
        auth="token",
    ),
    "portal_api:research_experts_list": Case(
        "listing", path("portal_api:research_experts_list"), title("expert"), auth="token"
    ),
    "portal_api:research_experts_detail": Case(
        "record",
        path("portal_api:research_experts_detail", rec("expert", "global_id")),
        title("expert"),
        auth="token",
    ),
    # sync: region-to-region, signed; no reader gets anything without the partner's key
    "sync:changes": Case("signed", with_query(path("sync:changes"), "?after=0"), title("material")),
    "sync:manifest": Case("signed", path("sync:manifest"), title("material")),
    "sync:record": Case(
        "signed", path("sync:record", "materials.material", rec("material", "global_id")), title("material")
    ),
    "sync:file": Case(
        "signed",
        path("sync:file", "materials.material", rec("material", "global_id"), "files", "1"),
    ),
    "sync:image": Case("signed", path("sync:image", "0" * 64), leveled=False),
    "sync:nudge": Case("signed", path("sync:nudge"), leveled=False, method="post"),
    "sync:commands": Case("signed", path("sync:commands"), leveled=False, method="post"),
    # sync's admin pages: operators' tools, nothing of a record's content
    "sync_status": Case("no_leak", path("sync_status"), title("material")),
    "sync_repull": Case("write", path("sync_repull", "chongqing"), leveled=False),
    "sync_conflict_resolve": Case("write", path("sync_conflict_resolve", 999999), leveled=False),
    "sync_quarantine_retry": Case("write", path("sync_quarantine_retry", 999999), leveled=False),
    # A file's extracted text is the file itself: only those who may see the material open it.
    "wagtailsnippets_materials_material:file_text": Case(
        "no_leak_record",
        lambda w, lv: reverse(
            "wagtailsnippets_materials_material:file_text", args=[w.records["material"][lv].files.first().pk]
        ),
        title("material"),
    ),
    "wagtailsnippets_materials_material:import": Case(
        "no_leak", path("wagtailsnippets_materials_material:import"), title("material")
    ),
    # admin viewsets of the portal core
    "staff_profiles": Case("no_leak", path("staff_profiles:index"), title("material"), leveled=False),
    "material_download_logs": Case("no_leak", path("material_download_logs:index"), title("material")),
}

# Wagtail's own views that show the portal's pages: serving, explorer, search, choosers,
# the admin API, revisions and previews. Not enumerated (they are Wagtail's), listed here.
WAGTAIL_PATHS: dict[str, Case] = {
    "page:story": Case("record", page_url("story"), title("story")),
    "page:red_heritage_site": Case("record", page_url("site"), title("site")),
    "page:story_index": Case("listing", lambda w, lv: w.extra["story_index"].url, title("story")),
    "page:red_heritage_index": Case("listing", lambda w, lv: w.extra["site_index"].url, title("site")),
    "admin:explorer": Case(
        "no_leak",
        lambda w, lv: reverse("wagtailadmin_explore", args=[w.extra["story_index"].pk]),
        title("story"),
    ),
    "admin:page_search": Case(
        "no_leak", lambda w, lv: reverse("wagtailadmin_pages:search") + "?q=矩阵", title("story")
    ),
    "admin:page_chooser": Case(
        "no_leak",
        lambda w, lv: reverse("wagtailadmin_choose_page_child", args=[w.extra["story_index"].pk]),
        title("story"),
    ),
    "admin:page_chooser_search": Case(
        "no_leak", lambda w, lv: reverse("wagtailadmin_choose_page_search") + "?q=矩阵", title("story")
    ),
    "admin:api_pages": Case(
        "no_leak",
        lambda w, lv: f"/admin/api/main/pages/?child_of={w.extra['story_index'].pk}&for_explorer=1&limit=50",
        title("story"),
    ),
    "admin:page_edit": Case("no_leak_record", path("wagtailadmin_pages:edit", rec("story")), title("story")),
    "admin:page_history": Case(
        "no_leak_record", path("wagtailadmin_pages:history", rec("story")), title("story")
    ),
    "admin:page_revisions_view": Case(
        "no_leak_record",
        lambda w, lv: reverse(
            "wagtailadmin_pages:revisions_view", args=[w.records["story"][lv].pk, w.extra[f"draft:{lv}"].pk]
        ),
        title("story"),
    ),
    "admin:page_view_draft": Case(
        "no_leak_record", path("wagtailadmin_pages:view_draft", rec("story")), title("story")
    ),
}

# An organisation's admin views, per snippet model: what the records are, and how each action behaves.
SNIPPETS = {
    "materials_material": "material",
    "research_project": "project",
    "research_expert": "expert",
    "events_event": "event",
    "training_course": "course",
    "research_milestone": "milestone",
    "research_projectoutput": "output",
    "research_projectmember": "member",
    "training_session": "session",
}
# Shared vocabularies and registers that belong to no organisation's access level.
VOCABULARIES = {"portal_topic", "publicity_section", "publicity_bulletinissue"}
SNIPPET_ACTIONS = {
    "list": "admin_listing",
    "list_results": "admin_listing",
    "add": "form",
    "edit": "admin_record",
    "delete": "admin_record",
    "usage": "admin_record",
    "history": "admin_record",
    "history_results": "admin_record",
    "copy": "admin_record",
}
CHOOSER_ACTIONS = {
    "choose": "chooser",
    "choose_results": "chooser",
    "chosen": "chooser_record",
    "chosen_multiple": "chooser",
    "create": "form",
}


def snippet_case(model_key: str, action: str, *, chooser: bool) -> Case:
    namespace = f"wagtailsnippet{'choosers' if chooser else 's'}_{model_key}:{action}"
    kind = SNIPPETS.get(model_key)
    check = (CHOOSER_ACTIONS if chooser else SNIPPET_ACTIONS)[action]
    if model_key in VOCABULARIES:
        return Case("form", lambda w, lv: w.extra["vocabulary_url"](namespace, action), leveled=False)
    if model_key == "portal_organisation":
        org = lambda w, lv: w.owner.pk  # noqa: E731
        marker = const("矩阵成都市委党史研究室")
        if action in ("list", "list_results", "choose", "choose_results"):
            return Case("form" if chooser else "org_listing", path(namespace), marker, leveled=False)
        if action in ("add", "create", "chosen_multiple"):
            return Case("form", path(namespace), leveled=False)
        if action == "chosen":
            return Case("form", path(namespace, org), leveled=False)
        # Adding, copying or deleting an organisation is for superusers; its administrator edits it.
        check = "admin_record" if action not in ("copy", "delete") else "superuser_only"
        return Case(check, path(namespace, org), marker, leveled=False)
    marker = title(kind)
    scoped = kind in ("milestone", "output", "member", "session")
    if action in ("add", "create"):
        return Case("form", path(namespace), leveled=False)
    if action in ("list", "list_results"):
        return Case(check, with_query(path(namespace), "?q=矩阵"), marker, owner_scoped=scoped)
    if action in ("choose", "choose_results"):
        return Case(check, path(namespace), marker, owner_scoped=scoped)
    if action == "chosen_multiple":
        chosen = lambda w, lv: reverse(namespace) + f"?id={w.records[kind][lv].pk}"  # noqa: E731
        return Case(check, chosen, marker, owner_scoped=scoped)
    return Case(check, path(namespace, rec(kind)), marker, owner_scoped=scoped)


# --- enumeration -----------------------------------------------------------------------


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            view_class = getattr(pattern.callback, "view_class", None)
            module = (view_class or pattern.callback).__module__ or ""
            yield name or str(pattern.pattern), namespace, module


def project_viewset_namespaces() -> set[str]:
    return {
        viewset.name
        for viewset in admin_viewsets.viewsets
        if getattr(getattr(viewset, "model", None), "_meta", None) is not None
        and viewset.model._meta.app_label in PROJECT_APPS
    }


def enumerated_urls() -> set[str]:
    """Every URL name the apps expose: their own views, their API and their admin viewsets."""
    own_viewsets = project_viewset_namespaces()
    names = set()
    for name, namespace, module in _walk(get_resolver().url_patterns):
        root = (namespace or "").split(":")[0]
        if (
            module.split(".")[0] in PROJECT_APPS
            or root == "portal_api"
            or root in own_viewsets
            or any(
                root.startswith(f"wagtailsnippet{kind}_{app}_")
                for kind in ("s", "choosers")
                for app in PROJECT_APPS
            )
        ):
            names.add(name)
    return names


def matrix() -> dict[str, Case]:
    cases = dict(MATRIX)
    for name in enumerated_urls():
        namespace, _sep, action = name.partition(":")
        for kind, chooser in (("wagtailsnippets_", False), ("wagtailsnippetchoosers_", True)):
            if namespace.startswith(kind) and name not in cases:
                model_key = namespace.removeprefix(kind)
                actions = CHOOSER_ACTIONS if chooser else SNIPPET_ACTIONS
                if (
                    model_key in SNIPPETS or model_key in VOCABULARIES or model_key == "portal_organisation"
                ) and (action in actions):
                    cases[name] = snippet_case(model_key, action, chooser=chooser)
    # Admin viewsets are listed by namespace: each of their URLs is covered by the entry.
    for name in enumerated_urls():
        root = name.split(":")[0]
        if root in MATRIX and name not in cases:
            cases[name] = MATRIX[root]
    return cases


CASES = {**matrix(), **WAGTAIL_PATHS}


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
