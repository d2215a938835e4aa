"""axe-core, from npm and injected into each page, checks every public template and the editor's
main admin screens. Serious and critical violations fail; the counts of all four impacts are
printed and kept under test-results/."""

import json
import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS, admin_sign_in, demo_site

pytestmark = [pytest.mark.browser, pytest.mark.services]

IMPACTS = ("critical", "serious", "moderate", "minor")
FAILING = {"critical", "serious"}
BULLETIN = Path(__file__).resolve().parents[1] / "publicity" / "data" / "chongqing_bulletin_2020_03.txt"

# Every public template: the menu's pages are reached by crawling, these are not in the menu.
PUBLIC_PATHS = [
    "/",
    "/en/",
    "/search/?q=长征",
    "/search/?q=查无此词组合",
    "/events/?when=past",
    # A month holding the demo's first joint meeting: the calendar grid with an event in it.
    "/events/month/2020/05/",
    "/research/experts/",
    "/bulletins/",
    # A unit's page: its contact details and its records of every module.
    "/organisations/sc-province/",
    "/training/verify/",
    "/admin/login/",
    "/no-such-page/",
]
# A record below its index: a global id, a number, or a page's slug below a page index.
DETAIL = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}|(sessions/)?\d+")
PAGE_INDEXES = ("/stories/", "/red-sites/", "/organisations/")
FILE_SUFFIXES = (".ics", ".pdf", ".rss", ".atom", ".csv", ".xlsx")
# Listings whose first record (an address below the second path) is checked too. The demo's
# meetings are held before the suite's clock, so the past meetings list them.
INDEXES = [
    ("/materials/", "/materials/"),
    ("/stories/", "/stories/"),
    ("/events/past/", "/events/"),
    ("/research/", "/research/"),
    ("/training/", "/training/"),
    ("/bulletins/", "/bulletins/"),
    ("/red-sites/", "/red-sites/"),
    ("/organisations/", "/organisations/"),
]


def _axe_source() -> str:
    path = os.environ.get("AXE_CORE_JS", "")
    if not path or not Path(path).is_file():
        pytest.fail("AXE_CORE_JS is not set: scripts/browser_assets.sh fetches axe-core (make test runs it)")
    return Path(path).read_text(encoding="utf-8")


def _violations(page) -> list[dict]:
    # The site's CSP forbids inline scripts; the audit's pages are opened with bypass_csp.
    page.add_script_tag(content=_axe_source())
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(
            v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"""
    )


def _audit(page, paths, *, base: str) -> dict[str, list[dict]]:
    found = {}
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        found[path] = _violations(page)
    return found


def _report(name: str, found: dict[str, list[dict]]) -> str:
    lines = []
    for path, violations in found.items():
        counts = Counter(v["impact"] for v in violations)
        figures = " ".join(f"{impact}={counts.get(impact, 0)}" for impact in IMPACTS)
        lines.append(f"{figures}  {path}")
        lines.extend(f"    {v['impact']}: {v['id']} {v['nodes']}" for v in violations)
    text = "\n".join(lines) + "\n"
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"accessibility-{name}.txt").write_text(text, encoding="utf-8")
    return text


def _failing(found: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {
        path: [v for v in violations if v["impact"] in FAILING]
        for path, violations in found.items()
        if any(v["impact"] in FAILING for v in violations)
    }


def _first_detail_path(page, base: str, listing: str, index: str) -> str | None:
    """The first link below an index to one of its records (a path ending in an id or a slug
    under the index), not to a sub-listing such as a month view or a file."""
    page.goto(base + listing)
    for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)"):
        parts = urlsplit(href)
        rest = parts.path[len(index) :].strip("/")
        same_site = parts.netloc == urlsplit(base).netloc
        a_record = DETAIL.fullmatch(rest) or (index in PAGE_INDEXES and rest and "/" not in rest)
        a_file = parts.path.endswith(FILE_SUFFIXES) or "download" in parts.path
        if same_site and parts.path.startswith(index) and a_record and not a_file:
            return parts.path
    return None


def _screenshots(page, base: str, shots: dict[str, str]):
    SCREENSHOTS.mkdir(exist_ok=True)
    for viewport, size in (
        ("desktop", {"width": 1366, "height": 900}),
        ("phone", {"width": 390, "height": 844}),
    ):
        page.set_viewport_size(size)
        for name, path in shots.items():
            page.goto(base + path)
            page.wait_for_load_state("load")
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport}.png"), full_page=True)


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    with demo_site(
        tmp_path_factory, name="accessibility", after_seed=[("import_bulletin", str(BULLETIN))]
    ) as site:
        yield site


def test_axe_reports_what_it_is_asked_to_find(live_site, browser):
    """The harness itself: a planted image without alt text and an unlabelled field are caught."""
    page = browser.new_page(locale="zh-CN", bypass_csp=True)
    page.goto(live_site.url + "/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main') || document.body;
            main.insertAdjacentHTML('beforeend', '<img src="/static/missing.png"><input type="text">');
        }"""
    )
    found = {v["id"] for v in _violations(page) if v["impact"] in FAILING}
    assert {"image-alt", "label"} <= found
    page.close()


def test_public_pages_have_no_serious_or_critical_violations(live_site, browser, capsys):
    live_site = live_site.url
    page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page.goto(live_site + "/")
    menu = page.eval_on_selector_all("header nav a[href]", "links => links.map(a => a.href)")
    paths = list(PUBLIC_PATHS)
    for href in menu:
        if urlsplit(href).netloc == urlsplit(live_site).netloc and urlsplit(href).path not in paths:
            paths.append(urlsplit(href).path)
    details = {listing: _first_detail_path(page, live_site, listing, index) for listing, index in INDEXES}
    paths += [path for path in details.values() if path and path not in paths]
    # Every module's detail template is reached, not just the index pages.
    assert all(details.values()), details

    found = _audit(page, paths, base=live_site)
    # The month view is audited with an event in its grid, not as an empty month.
    page.goto(live_site + "/events/month/2020/05/")
    assert page.locator(".month-grid__event a").count() >= 1
    with capsys.disabled():
        print("\naxe-core, public pages (violations by impact):\n" + _report("public", found))
    assert len(found) >= 15
    assert not _failing(found), json.dumps(_failing(found), ensure_ascii=False, indent=1)

    _screenshots(
        page,
        live_site,
        {
            "home": "/",
            "search": "/search/?q=长征",
            "event": details["/events/past/"],
            "story": details["/stories/"],
            "organisation": "/organisations/sc-province/",
        },
    )
    page.close()


# The main admin forms, each opened by a user of the role that uses it.
ADMIN_SCREENS = {
    "cd_editor": [
        "/admin/",
        "/admin/pages/",
        "/admin/snippets/materials/material/",
        "/admin/snippets/materials/material/add/",
        "/admin/pages/add/publicity/story/{story_index}/",
        "/admin/snippets/events/event/",
        "/admin/snippets/events/event/add/",
    ],
    "sc_researcher": [
        "/admin/snippets/research/project/",
        "/admin/snippets/research/project/add/",
        "/admin/snippets/research/project/edit/{project}/",
    ],
    "cd_trainer": ["/admin/snippets/training/course/add/", "/admin/snippets/training/session/add/"],
    # The reviewer's dashboard lists the submitted item; its edit view holds the review form.
    "sc_reviewer": ["/admin/", "/admin/pages/{submitted}/edit/", "/admin/publicity/quarterly/"],
    "admin": ["/admin/users/", "/admin/staff_profiles/"],
}
# cd_editor submits a story to the province's review (信息报送), as the 报送 button does.
SUBMIT_STORY = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from portal.models import Organisation
from publicity.models import Section, Story, StoryIndexPage
editor = get_user_model().objects.get(username="cd_editor")
story = Story(
    title="成都市委党史研究室开展红色资源普查", slug="chengdu-red-resources-review",
    section=Section.objects.get(slug="news-briefs"),
    origin_organisation=Organisation.objects.get(code="sc-chengdu"),
    publication_date=timezone.localdate(), live=False, owner=editor,
    body=[{"type": "paragraph", "value": "<p>成都市委党史研究室组织开展全市红色资源普查。</p>"}],
)
StoryIndexPage.objects.get().add_child(instance=story)
story.save_revision(user=editor)
story.get_workflow().start(story, editor)
print(story.pk)
"""


def _review_form(page, base: str, story: str) -> list[dict]:
    """The form a reviewer decides in: 退回修改 opens it over the submitted item's edit view."""
    page.goto(f"{base}/admin/pages/{story}/edit/")
    page.locator('[data-workflow-action-name="reject"]').first.evaluate("button => button.click()")
    dialog = page.locator('.modal[role="dialog"]')
    dialog.locator("textarea").wait_for()
    # Audited once it has faded in (axe reads a half-transparent button as low contrast) and been named.
    shown = "d => d.hasAttribute('aria-label') && getComputedStyle(d).opacity === '1'"
    page.wait_for_function(shown, arg=dialog.element_handle())
    assert dialog.get_attribute("aria-label") == "退回修改"
    return _violations(page)


def test_editor_admin_screens_have_no_serious_or_critical_violations(live_site, browser, capsys):
    ids = {
        "story_index": "from publicity.models import StoryIndexPage as M; print(M.objects.get().pk)",
        "project": "from research.models import Project as M; "
        "print(M.objects.filter(origin_organisation__code='sc-province').order_by('pk')[0].pk)",
        "submitted": SUBMIT_STORY,
    }
    ids = {name: live_site.shell(code).strip().splitlines()[-1] for name, code in ids.items()}
    base = live_site.url
    found = {}
    for username, paths in ADMIN_SCREENS.items():
        context = browser.new_context(locale="zh-CN", bypass_csp=True)
        page = admin_sign_in(context.new_page(), base, username)
        audited = _audit(page, [path.format(**ids) for path in paths], base=base)
        found.update({f"{path} ({username})": violations for path, violations in audited.items()})
        if username == "sc_reviewer":
            found[f"/admin/pages/{ids['submitted']}/edit/ 退回修改 ({username})"] = _review_form(
                page, base, ids["submitted"]
            )
        if username == "cd_editor":
            _screenshots(page, base, {"editor-dashboard": "/admin/"})
        context.close()
    with capsys.disabled():
        print("\naxe-core, main admin screens (violations by impact):\n" + _report("admin", found))
    assert len(found) == sum(map(len, ADMIN_SCREENS.values())) + 1
    assert not _failing(found), json.dumps(_failing(found), ensure_ascii=False, indent=1)


# The public templates a signed-in role sees (the workspace's refusal included), each with the status
# it answers with, and the pages reached by a code rather than a link.
SIGNED_IN_PAGES = {
    "sc_researcher": [("/research/{project}/workspace/", 200)],  # the lead's project workspace
    "sc_reviewer": [("/research/{project}/workspace/", 403)],  # not in the project: research/forbidden.html
    "cd_editor": [("/training/my/", 200)],  # a trainee's record
    "sc_admin": [("/training/sessions/{session}/roster/", 200)],  # the organiser's roster
    "": [("/training/verify/{certificate}/", 200), ("/training/verify/NO-SUCH-CODE/", 404)],
}
SIGNED_IN_IDS = {
    "project": "from research.models import ProjectMember as M; print(M.objects.filter("
    "user__username='sc_researcher', role='lead').order_by('pk')[0].project.global_id)",
    "session": "from training.models import Certificate as M; "
    "print(M.objects.order_by('pk')[0].enrolment.session_id)",
    "certificate": "from training.models import Certificate as M; print(M.objects.order_by('pk')[0].code)",
}
# Error pages no link leads to, rendered by the site itself and served at an address of its own.
ERROR_PAGES = {
    "/__audit__/pdf-unavailable/": """
from django.test import Client, override_settings
from publicity.models import BulletinIssue
with override_settings(PDF_CJK_FONT_FILES=["/nonexistent.ttc"], ALLOWED_HOSTS=["*"]):
    response = Client().get(f"/bulletins/{BulletinIssue.objects.order_by('pk')[0].pk}.pdf")
assert response.status_code == 503, response.status_code
print(response.content.decode())
""",
    "/__audit__/500/": """
from django.test import RequestFactory
from django.views.defaults import server_error
print(server_error(RequestFactory().get("/")).content.decode())
""",
}


def _served(html: str):
    return lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")


def test_signed_in_and_error_pages_have_no_serious_or_critical_violations(live_site, browser, capsys):
    base = live_site.url
    ids = {name: live_site.shell(code).strip().splitlines()[-1] for name, code in SIGNED_IN_IDS.items()}
    found = {}
    for username, pages in SIGNED_IN_PAGES.items():
        context = browser.new_context(locale="zh-CN", bypass_csp=True)
        page = context.new_page()
        if username:
            admin_sign_in(page, base, username)
        for path, status in pages:
            path = path.format(**ids)
            assert page.goto(base + path).status == status, (username, path)
            page.wait_for_load_state("load")
            found[f"{path} ({username or 'public'})"] = _violations(page)
        context.close()

    page = browser.new_page(locale="zh-CN", bypass_csp=True)
    for path, code in ERROR_PAGES.items():
        html = live_site.shell(code)
        page.route(base + path, _served(html))
    found.update(_audit(page, list(ERROR_PAGES), base=base))
    assert "PDF" in page.goto(base + "/__audit__/pdf-unavailable/").text()
    page.close()
    with capsys.disabled():
        print("\naxe-core, signed-in and error pages (violations by impact):\n" + _report("signed-in", found))
    assert len(found) == sum(map(len, SIGNED_IN_PAGES.values())) + len(ERROR_PAGES)
    assert not _failing(found), json.dumps(_failing(found), ensure_ascii=False, indent=1)
