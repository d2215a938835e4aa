"""The access matrix's cases (tests/portal/test_access_matrix.py): per URL, what is checked and how.

``MATRIX`` lists the URLs of the apps by name, ``WAGTAIL_PATHS`` Wagtail's own views that show
our pages. Each ``Case`` says how to build the URL for a record of an access level and what text
would reveal the record.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from .world import LABEL


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


def past_event_title(world, level):
    # The world's events are still to come; past listings show the ones held a month ago.
    return world.extra["past_event"][level].title


def owner_page_url(world, level):
    return world.extra["owner_page"].url


def page_url(kind):
    return lambda world, level: world.records[kind][level].url


MATRIX: dict[str, Case] = {
    # portal
    "healthz": Case("public", path("healthz"), leveled=False),
    "livez": Case("public", path("livez"), leveled=False),
    "robots_txt": Case("public", path("robots_txt"), leveled=False),
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
    "events:event_past": Case("listing", path("events:event_past"), past_event_title),
    "events:event_past_year": Case(
        "listing", path("events:event_past_year", lambda w, lv: w.extra["past_year"]), past_event_title
    ),
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
    "events:event_ical": Case("record", path("events:event_ical", rec("event", "global_id")), title("event")),
    "events:event_rsvp": Case("write", path("events:event_rsvp", rec("event", "global_id")), title("event")),
    # training
    "training:course_list": Case("listing", path("training:course_list"), title("course")),
    "training:my_training": Case("no_leak", path("training:my_training"), title("course")),
    "training:session_detail": Case(
        "record", path("training:session_detail", rec("session")), title("course")
    ),
    "training:session_enrol": Case("write", path("training:session_enrol", rec("session")), title("course")),
    "training:session_roster": Case(
        "organiser", path("training:session_roster", rec("session")), const("出勤率")
    ),
    "training:roster_csv": Case("organiser", path("training:roster_csv", rec("session")), const("出勤率")),
    "training:roster_xlsx": Case("organiser", path("training:roster_xlsx", rec("session")), const("出勤率")),
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
    # A certificate's code is printed on it: whoever holds the paper verifies it.
    "training:certificate_verify_form": Case(
        "public", path("training:certificate_verify_form"), leveled=False
    ),
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
    # Only the reviewer who finished a task is sent on to its item; the matrix's readers finished none.
    "publicity_review_done": Case(
        "no_leak", lambda w, lv: reverse("publicity_review_done", args=[1, "approve"]), title("story")
    ),
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
    # The sitemap is the public view for every reader: no page that needs a login is listed.
    "sitemap": Case("no_leak", path("sitemap"), page_url("story")),
    "page:story": Case("record", page_url("story"), title("story")),
    "page:red_heritage_site": Case("record", page_url("site"), title("site")),
    "page:story_index": Case("listing", lambda w, lv: w.extra["story_index"].url, title("story")),
    "page:red_heritage_index": Case("listing", lambda w, lv: w.extra["site_index"].url, title("site")),
    # The owner's page lists its newest records of each module (events still to come; the world's
    # pending stories are its newest).
    "page:organisation_materials": Case("listing", owner_page_url, title("material")),
    "page:organisation_events": Case("listing", owner_page_url, title("event")),
    "page:organisation_projects": Case("listing", owner_page_url, title("project")),
    "page:organisation_stories": Case("listing", owner_page_url, title("pending_story")),
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
