"""Every module's list shows its filters in the one filter bar (portal/includes/filter_bar.html):
the same structure, the chosen values selected (a topic chosen by its link too), and a tag per
filter in use that removes just that filter."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from bs4 import BeautifulSoup

from portal.models import Topic
from portal.text import CJK
from publicity.services import story_index_ensure
from tests.events.factories import EventFactory, days_ahead, staff_member
from tests.factories import OrganisationFactory
from tests.materials.factories import MaterialFactory
from tests.publicity.factories import story_create
from tests.research.factories import ExpertFactory, ProjectFactory
from tests.training.factories import CourseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

OLD_CLASSES = ("material-filters", "course-filters", "research-filter", "expert-search", "events-filters")


@pytest.fixture
def records(site_home, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    chengdu = OrganisationFactory(
        code="sc-chengdu", name="成都市委党史研究室", region="sichuan", level="city"
    )
    qijiang = OrganisationFactory(code="cq-qijiang", name="綦江区委党史地方志研究室", region="chongqing")
    theme = Topic.objects.create(kind="theme", name="长征精神", slug="theme-long-march")
    place = Topic.objects.create(kind="place", name="綦江", slug="place-綦江")
    material = MaterialFactory(title="红军过綦江史料", material_type="paper", origin_organisation=qijiang)
    material.topics.set([theme, place])
    story_create(
        index=story_index_ensure(home=site_home), title="綦江长征文化", organisation=qijiang, topics=[theme]
    )
    project = ProjectFactory(title="长征精神研究", origin_organisation=chengdu, topics=[theme])
    ExpertFactory(name="张研究", organisation=chengdu, access_level="public", fields=[theme])
    CourseFactory(title="党史培训班", origin_organisation=chengdu)
    EventFactory(title="联席会议", origin_organisation=chengdu, starts_at=days_ahead(10))
    return {"project": project, "reader": staff_member(chengdu, username="cd_reader")}


# Each list: its address, the bar's name, the keyword field if any, and values to choose.
LISTS = {
    "materials": ("/materials/", "筛选资料", "q", {"type": "paper", "topic": "theme-long-march"}),
    "stories": ("/stories/", "筛选稿件", None, {"region": "chongqing", "topic": "theme-long-march"}),
    "events": ("/events/", "筛选活动", None, {"type": "joint_meeting", "region": "sichuan"}),
    "event month": ("/events/month/2026/06/", "筛选活动", None, {"organisation": "sc-chengdu"}),
    "projects": ("/research/", "筛选课题", None, {"status": "active", "topic": "theme-long-march"}),
    "experts": ("/research/experts/", "检索专家", "q", {"q": "张", "field": "theme-long-march"}),
    "courses": ("/training/", "筛选课程", None, {"region": "sichuan", "organisation": "sc-chengdu"}),
}


def bar_of(client, path: str, query: dict | None = None):
    response = client.get(path, query or {})
    assert response.status_code == 200, path
    soup = BeautifulSoup(response.content, "html.parser")
    bars = soup.select("form.filter-bar")
    assert len(bars) == 1, path
    for old in OLD_CLASSES:
        assert not soup.select("." + old), (path, old)
    return bars[0]


def chosen(bar) -> dict[str, str]:
    """What the bar shows as chosen: each select's selected option, each text box's value."""
    values = {}
    for select in bar.select("select"):
        selected = select.select("option[selected]")
        assert len(selected) <= 1
        if selected and selected[0]["value"]:
            values[select["name"]] = selected[0]["value"]
    for box in bar.select("input[type=search], input[type=text]"):
        if box.get("value"):
            values[box["name"]] = box["value"]
    return values


def assert_structure(bar, *, name: str, keyword: str | None):
    assert bar["role"] == "search" and bar["method"] == "get" and bar["aria-label"] == name
    panel = bar.select_one("details.filter-bar__panel")
    assert panel.has_attr("open") and panel.select_one("summary.filter-bar__toggle").get_text(strip=True)
    fields = panel.select(".filter-bar__fields > .filter-bar__field")
    assert fields, name
    for field in fields:
        label = field.select_one("label")
        control = field.select_one(f"#{label['for']}")
        assert control is not None and control.name in ("input", "select"), label
    if keyword:
        assert fields[0]["data-field"] == keyword and "filter-bar__field--keyword" in fields[0]["class"]
        assert fields[0].select_one("input")["type"] == "search"
    else:
        assert not bar.select(".filter-bar__field--keyword")
    buttons = panel.select(".filter-bar__actions button[type=submit]")
    assert [button.get_text(strip=True) for button in buttons] == ["筛选"]


@pytest.mark.parametrize("signed_in", [False, True], ids=["public", "staff"])
@pytest.mark.parametrize("module", list(LISTS))
def test_every_list_has_the_same_bar_and_shows_what_is_chosen(client, records, module, signed_in):
    if signed_in:
        client.force_login(records["reader"])
    path, name, keyword, query = LISTS[module]
    empty = bar_of(client, path)
    assert_structure(empty, name=name, keyword=keyword)
    assert chosen(empty) == {} and not empty.select(".filter-bar__tag, .filter-bar__clear")

    bar = bar_of(client, path, query)
    assert_structure(bar, name=name, keyword=keyword)
    assert chosen(bar) == query
    assert bar.select_one(".filter-bar__clear")["href"] == "?"
    tags = bar.select(".filter-bar__active a.filter-bar__tag")
    assert sorted(tag["data-remove"] for tag in tags) == sorted(query)
    for tag in tags:
        kept = dict(parse_qsl(urlsplit(tag["href"]).query))
        assert kept == {k: v for k, v in query.items() if k != tag["data-remove"]}


def test_a_topic_link_is_chosen_in_the_topic_menu(client, records):
    """A topic's link under a material or on a project's page shows that topic chosen in the menu."""
    listing = BeautifulSoup(client.get("/materials/").content, "html.parser")
    link = listing.select_one('.material-list a.tag[href="/materials/?topic=theme-long-march"]')
    bar = bar_of(client, link["href"])
    assert chosen(bar) == {"topic": "theme-long-march"}
    assert bar.select_one("select[name=topic] option[selected]").get_text() == "长征精神"

    detail = BeautifulSoup(client.get(f"/research/{records['project'].global_id}/").content, "html.parser")
    href = detail.select_one('a[href$="?topic=theme-long-march"]')["href"]
    assert chosen(bar_of(client, href)) == {"topic": "theme-long-march"}


def test_removing_a_tag_drops_only_its_filter(client, records):
    bar = bar_of(client, "/materials/", {"type": "paper", "place": "place-綦江", "topic": "theme-long-march"})
    assert [tag.get_text(" ", strip=True) for tag in bar.select(".filter-bar__tag")] == [
        "移除条件 类型：论文 ×",
        "移除条件 地点：綦江 ×",
        "移除条件 主题词：长征精神 ×",
    ]
    place_tag = bar.select_one('.filter-bar__tag[data-remove="place"]')
    after = bar_of(client, "/materials/" + place_tag["href"])
    assert chosen(after) == {"type": "paper", "topic": "theme-long-march"}
    assert [tag["data-remove"] for tag in after.select(".filter-bar__tag")] == ["type", "topic"]


@pytest.mark.parametrize("module", list(LISTS))
def test_the_english_bar_is_in_english(client, records, module):
    path, _name, _keyword, query = LISTS[module]
    bar = bar_of(client, "/en" + path, query)
    words = [bar["aria-label"], bar.select_one("summary").get_text(" ", strip=True)]
    words += [label.get_text(strip=True) for label in bar.select("label")]
    words += [
        part.get_text(strip=True)
        for part in bar.select("button, .filter-bar__clear, .filter-bar__active-label")
    ]
    # Each menu's first entry (全部…); the others are content: organisations' and topics' names.
    words += [select.select_one("option").get_text(strip=True) for select in bar.select("select")]
    words += [
        tag.select_one(".visually-hidden").get_text(strip=True) for tag in bar.select(".filter-bar__tag")
    ]
    assert [word for word in words if CJK.search(word)] == []
