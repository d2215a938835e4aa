"""The site menu (grouped, at most seven top-level items, the current section marked) and the
breadcrumbs below home, on the seeded demo site."""

from collections import Counter

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def _nav(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.content, "html.parser")


def _top_level(soup):
    return soup.select("#site-nav-menu > li")


def _current_sections(soup):
    return [li.find("a").get_text(strip=True) for li in soup.select("#site-nav-menu > li.is-current")]


def test_the_menu_has_at_most_seven_sections_with_their_sub_menus(client, home_page):
    soup = _nav(client, "/")
    top = [li.find("a").get_text(strip=True) for li in _top_level(soup)]
    assert top == ["首页", "联席会议", "资料共享", "课题研究", "互推互展", "联合培训", "关于平台"]
    groups = {
        li.find("a").get_text(strip=True): [a.get_text(strip=True) for a in li.select(".site-nav__sub a")]
        for li in _top_level(soup)
    }
    assert groups["互推互展"] == ["宣传稿件", "红色景点", "工作简报"]
    assert groups["课题研究"] == ["研究课题", "专家库"]
    assert groups["联合培训"] == ["培训班次", "证书验证"]
    assert groups["关于平台"] == ["关于川渝党史协作", "成员单位"]
    # Every editors' menu page is reachable; only a group's landing page repeats as its first entry.
    hrefs = Counter(a["href"] for a in soup.select("#site-nav-menu a"))
    assert {"/about/", "/organisations/", "/red-sites/", "/bulletins/"} <= set(hrefs)
    assert {href for href, count in hrefs.items() if count > 1} == {
        "/stories/",
        "/research/",
        "/training/",
        "/about/",
    }

    _the_current_section_is_marked_on_its_pages(client)
    _english_menu_titles_are_english(client)
    _the_phone_menu_has_a_toggle_controlling_the_menu(client)


def _the_current_section_is_marked_on_its_pages(client):
    soup = _nav(client, "/research/experts/")
    current = _current_sections(soup)
    assert current == ["课题研究"]
    assert soup.select_one('.site-nav__sub a[aria-current="page"]').get_text(strip=True) == "专家库"

    soup = _nav(client, "/red-sites/")
    current = _current_sections(soup)
    assert current == ["互推互展"]
    home = _nav(client, "/")
    assert home.select_one('#site-nav-menu a[aria-current="page"]').get_text(strip=True) == "首页"


def test_breadcrumbs_below_home_lead_back_through_the_section(client, home_page):
    from publicity.models import Story

    assert _nav(client, "/").select(".breadcrumbs") == []

    story = Story.objects.live().first()
    soup = _nav(client, story.url)
    crumbs = [li.get_text(strip=True) for li in soup.select(".breadcrumbs li")]
    assert crumbs == ["首页", "互推互展", story.title]
    assert soup.select_one('.breadcrumbs [aria-current="page"]').get_text(strip=True) == story.title

    soup = _nav(client, "/research/experts/")
    trail = [li.get_text(strip=True) for li in soup.select(".breadcrumbs li")]
    assert trail == ["首页", "课题研究", "专家库"]
    assert soup.select_one(".breadcrumbs a[href='/research/']")
    assert soup.select_one('.breadcrumbs [aria-current="page"]').get_text(strip=True) == "专家库"

    # A module's own landing page is a section too: 首页 › the section, as the current page.
    for path, section in [("/events/", "联席会议"), ("/materials/", "资料共享"), ("/training/", "联合培训")]:
        crumbs = _nav(client, path).select(".breadcrumbs li")
        assert [li.get_text(strip=True) for li in crumbs] == ["首页", section], path
        assert crumbs[-1].select_one('[aria-current="page"]'), path


def test_a_record_shown_by_a_module_view_is_the_last_crumb_below_its_section(client, home_page):
    """首页 › section (a link) › the record, current and unlinked: one rule for every module's records."""
    from events.models import Event
    from materials.models import Material
    from research.models import Project
    from training.models import Session

    material = Material.objects.filter(access_level="public").first()
    project = Project.objects.filter(access_level="public").first()
    event = Event.objects.filter(access_level="public").first()
    session = Session.objects.filter(course__access_level="public").first()
    shown = [
        (material.get_absolute_url(), material.title, "资料共享", "/materials/"),
        (project.get_absolute_url(), project.title, "课题研究", "/research/"),
        (event.get_absolute_url(), event.title, "联席会议", "/events/"),
        (f"/training/sessions/{session.pk}/", session.title, "联合培训", "/training/"),
    ]
    for path, title, section, section_url in shown:
        soup = _nav(client, path)
        crumbs = soup.select(".breadcrumbs li")
        assert [li.get_text(strip=True) for li in crumbs] == ["首页", section, title], path
        assert crumbs[1].select_one(f"a[href='{section_url}']"), path
        current = soup.select('.breadcrumbs [aria-current="page"]')
        assert [c.get_text(strip=True) for c in current] == [title] and current[0].name != "a", path

    # In English the record's Chinese title is marked as Chinese.
    soup = _nav(client, f"/en{material.get_absolute_url()}")
    assert soup.select(".breadcrumbs li")[-1].get("lang") == "zh-Hans"


def _english_menu_titles_are_english(client):
    soup = _nav(client, "/en/")
    top = [li.find("a").get_text(strip=True) for li in _top_level(soup)[:6]]
    assert top == [
        "Home",
        "Joint meetings",
        "Shared materials",
        "Joint research",
        "Reciprocal publicity",
        "Joint training",
    ]


def _the_phone_menu_has_a_toggle_controlling_the_menu(client):
    soup = _nav(client, "/")
    toggle = soup.select_one("[data-site-nav-toggle]")
    assert toggle["aria-controls"] == "site-nav-menu" and toggle["aria-expanded"] == "false"


# Public pages that are neither a menu entry nor a record, in both languages: each names itself.
BELOW_HOME = [
    ("/search/", ["首页", "检索"]),
    ("/search/?q=%E5%85%9A%E5%8F%B2", ["首页", "检索"]),
    ("/en/search/", ["Home", "Search"]),
    ("/events/past/", ["首页", "联席会议", "往期活动"]),
    ("/events/month/2026/12/", ["首页", "联席会议", "2026年12月"]),
    ("/training/verify/", ["首页", "联合培训", "证书验证"]),
    ("/training/verify/NO-SUCH-CODE/", ["首页", "联合培训", "证书验证", "未找到该证书"]),
    ("/bulletins/", ["首页", "互推互展", "工作简报"]),
    ("/no-such-page/", ["首页", "页面不存在"]),
]


def _trail(client, path):
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    crumbs = soup.select(".breadcrumbs li")
    current = soup.select('.breadcrumbs [aria-current="page"]')
    return [li.get_text(strip=True) for li in crumbs], [c.get_text(strip=True) for c in current]


def test_every_page_below_home_has_a_trail_ending_in_itself(client, home_page):
    from django.contrib.auth import get_user_model

    for path, expected in BELOW_HOME:
        crumbs, current = _trail(client, path)
        assert (crumbs, current) == (expected, expected[-1:]), path

    client.force_login(get_user_model().objects.filter(is_superuser=False).first())
    assert _trail(client, "/training/my/") == (["首页", "联合培训", "我的培训记录"], ["我的培训记录"])
    assert _trail(client, "/en/training/my/") == (
        ["Home", "Joint training", "My training record"],
        ["My training record"],
    )


def test_a_bulletin_issue_is_named_in_the_reader_s_language_in_the_trail(client, home_page):
    """The number of an issue is the interface's (Issue 3, 2020); its masthead is content, marked."""
    import io

    from django.core.management import call_command

    from publicity.models import BulletinIssue
    from tests.portal.test_english_chrome import BULLETIN

    call_command("import_bulletin", str(BULLETIN), stdout=io.StringIO())
    issue = BulletinIssue.objects.get()
    soup = _nav(client, f"/en/bulletins/{issue.pk}/")
    last = soup.select(".breadcrumbs li")[-1]
    assert last.get("lang") is None
    assert last.get_text(" ", strip=True) == "重庆党史工作 Issue 3, 2020 (no. 198 overall)"
    assert [m.get_text() for m in last.select('[lang="zh-Hans"]')] == ["重庆党史工作"]
    assert soup.title.get_text(strip=True).startswith("重庆党史工作 Issue 3, 2020 (no. 198 overall)")
    assert _trail(client, f"/bulletins/{issue.pk}/")[0][-1] == "重庆党史工作 2020年第3期 (总第198期)"


def test_a_unit_page_is_named_by_the_unit_s_english_name(client, home_page):
    soup = _nav(client, "/en/organisations/sc-province/")
    last = soup.select(".breadcrumbs li")[-1]
    name = "Party History Research Office of the CPC Sichuan Provincial Committee"
    assert (last.get_text(strip=True), last.get("lang")) == (name, None)
    assert soup.title.get_text(strip=True).startswith(name)
