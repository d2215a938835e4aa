import xml.etree.ElementTree as ET

import pytest

from portal.models import StaffProfile, Topic
from tests.factories import OrganisationFactory, UserFactory
from tests.support.pages import page_links

from .factories import story_create

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture
def stories(story_index):
    qijiang = OrganisationFactory(code="cq-qijiang", name="綦江区委党史地方志研究室", region="chongqing")
    chengdu = OrganisationFactory(
        code="sc-chengdu", name="成都市委党史研究室", region="sichuan", level="city"
    )
    march = Topic.objects.create(kind="event", name="中央红军长征", slug="long-march")
    return {
        "qijiang": story_create(
            index=story_index,
            title="綦江推进长征文化资源保护利用",
            section_slug="experience",
            organisation=qijiang,
        ),
        "chengdu": story_create(index=story_index, title="成都召开党史工作会议", organisation=chengdu),
        "partners": story_create(
            index=story_index, title="联席会议内部纪要", organisation=chengdu, access_level="partners"
        ),
        "internal": story_create(
            index=story_index, title="綦江内部工作安排", organisation=qijiang, access_level="internal"
        ),
        "topic": march,
        "qijiang_unit": qijiang,
    }


def _rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.find(required) is not None and channel.find(required).text
    items = channel.findall("item")
    for item in items:
        assert item.find("title").text and item.find("link").text.startswith("http")
        assert item.find("guid").text.startswith("urn:uuid:")
        assert item.find("pubDate").text
    return {item.find("title").text: item for item in items}


def test_rss_feed_is_rss_2_and_names_the_contributing_unit(client, stories):
    items = _rss_items(client, "/feeds/stories.rss")

    assert set(items) == {"綦江推进长征文化资源保护利用", "成都召开党史工作会议"}
    qijiang = items["綦江推进长征文化资源保护利用"]
    assert qijiang.find(f"{DC}creator").text == "綦江区委党史地方志研究室"
    assert "供稿单位：綦江区委党史地方志研究室" in qijiang.find("description").text
    assert [c.text for c in qijiang.findall("category")] == ["经验交流", "重庆"]


def test_atom_feed_has_the_required_elements(client, stories):
    response = client.get("/feeds/stories.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}").text
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
        assert entry.find(f"{ATOM}author/{ATOM}name").text in {
            "綦江区委党史地方志研究室",
            "成都市委党史研究室",
        }


def test_region_and_section_feeds(client, stories):
    assert set(_rss_items(client, "/feeds/stories/region/sichuan.rss")) == {"成都召开党史工作会议"}
    assert set(_rss_items(client, "/feeds/stories/section/experience.rss")) == {
        "綦江推进长征文化资源保护利用"
    }
    atom = ET.fromstring(client.get("/feeds/stories/region/chongqing.atom").content)
    assert [e.find(f"{ATOM}title").text for e in atom.findall(f"{ATOM}entry")] == [
        "綦江推进长征文化资源保护利用"
    ]
    assert client.get("/feeds/stories/region/tibet.rss").status_code == 404
    assert client.get("/feeds/stories/section/no-such.rss").status_code == 404


def test_feeds_never_carry_partner_or_internal_stories_even_for_staff(client, stories):
    user = UserFactory(username="qj_editor")
    StaffProfile.objects.create(user=user, organisation=stories["qijiang_unit"])
    client.force_login(user)

    titles = set(_rss_items(client, "/feeds/stories.rss"))

    assert "联席会议内部纪要" not in titles and "綦江内部工作安排" not in titles


def test_story_list_filters_and_access(client, stories):
    def titles(query=""):
        response = client.get(f"/stories/{query}")
        assert response.status_code == 200
        html = response.content.decode()
        return {
            title
            for title in ("綦江推进长征", "成都召开", "联席会议内部纪要", "綦江内部工作安排")
            if title in html
        }

    stories["qijiang"].topics.add(stories["topic"])
    stories["qijiang"].save_revision().publish()

    assert titles() == {"綦江推进长征", "成都召开"}
    assert titles("?section=experience") == {"綦江推进长征"}
    assert titles("?region=sichuan") == {"成都召开"}
    assert titles("?organisation=cq-qijiang") == {"綦江推进长征"}
    assert titles("?topic=long-march") == {"綦江推进长征"}
    assert "綦江区委党史地方志研究室供稿" in client.get("/stories/").content.decode()

    user = UserFactory(username="qj_editor")
    StaffProfile.objects.create(user=user, organisation=stories["qijiang_unit"])
    client.force_login(user)
    assert titles() == {"綦江推进长征", "成都召开", "联席会议内部纪要", "綦江内部工作安排"}


def test_story_page_shows_its_unit_and_hides_what_the_reader_may_not_see(client, stories):
    page = client.get(stories["qijiang"].url)
    assert page.status_code == 200
    assert "綦江区委党史地方志研究室供稿" in page.content.decode()
    for hidden in ("partners", "internal"):
        response = client.get(stories[hidden].url)
        # Wagtail's view restriction sends anonymous readers to sign in.
        assert response.status_code == 302 and response["Location"].startswith("/_util/login/")
        assert stories[hidden].title not in response.content.decode()
    assert client.get("/en" + stories["qijiang"].url).status_code == 200


def test_public_page_api_lists_only_public_stories(client, stories):
    response = client.get("/api/pages/?type=publicity.Story")

    assert response.status_code == 200
    titles = {item["title"] for item in response.json()["items"]}
    assert titles == {"綦江推进长征文化资源保护利用", "成都召开党史工作会议"}


def test_internal_story_is_served_to_its_own_units_staff_only(client, stories):
    from portal.services import staff_user_create_or_update

    internal = stories["internal"]
    own = staff_user_create_or_update(
        username="qj_editor", organisation=stories["qijiang_unit"], roles=["editor"], password="pw-123456"
    )
    other = staff_user_create_or_update(
        username="cd_editor",
        organisation=OrganisationFactory(code="sc-chengdu"),
        roles=["editor"],
        password="pw-123456",
    )
    client.force_login(other)
    assert client.get(stories["partners"].url).status_code == 200
    refused = client.get(internal.url)
    # Signed in but not a member of the owning unit: not found, as if it did not exist.
    # (The address itself, slug included, is echoed in the language links.)
    assert refused.status_code == 404 and f"{internal.title}的正文" not in refused.content.decode()
    client.force_login(own)
    assert client.get(internal.url).status_code == 200


def test_story_list_is_paginated_and_keeps_the_filters(client, story_index):
    unit = OrganisationFactory(code="cq-yuzhong", region="chongqing")
    for number in range(23):
        story_create(index=story_index, title=f"渝中信息{number:02d}", organisation=unit)

    story_create(index=story_index, title="成都信息", organisation=OrganisationFactory(region="sichuan"))

    first = client.get("/stories/?region=chongqing").content.decode()
    assert first.count('class="story-list__item"') == 20
    assert 'href="?region=chongqing&amp;after=' in first and "第 1 页，共 2 页" in first
    second = client.get("/stories/" + page_links(first)["next"]).content.decode()
    assert second.count('class="story-list__item"') == 3 and "成都信息" not in first + second
    assert 'href="?region=chongqing&amp;before=' in second and "第 2 页，共 2 页" in second
    # A link of the offset paginator (bookmarked, indexed) still reads its page.
    old = client.get("/stories/?region=chongqing&page=2").content.decode()
    assert old.count('class="story-list__item"') == 3


def test_feed_descriptions_carry_the_summary_as_escaped_text(client, story_index):
    """A summary is plain text: readers taking a description as HTML must not get markup from it."""
    organisation = OrganisationFactory(
        code="cq-qijiang", name="綦江区委<b>党史</b>研究室", region="chongqing"
    )
    story_create(
        index=story_index,
        title="摘要里的标记",
        organisation=organisation,
        summary='<script>alert(1)</script><img src=x onerror="alert(2)">红岩',
    )
    [item] = _rss_items(client, "/feeds/stories.rss").values()
    description = item.find("description").text
    assert "<script" not in description and "<img" not in description and "<b>" not in description
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in description and description.startswith("<p>")
    atom = ET.fromstring(client.get("/feeds/stories.atom").content)
    summary = atom.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<script" not in summary.text and "&lt;img src=x" in summary.text


def test_a_story_with_several_tags_is_listed_once_and_without_distinct(stories):
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from portal.pagination import keyset_page
    from publicity.filters import StoryFilters
    from publicity.selectors import story_list

    story = stories["qijiang"]
    story.topics.set([stories["topic"], Topic.objects.create(kind="place", name="綦江", slug="qijiang")])
    story.save_revision().publish()
    filters = StoryFilters({"topic": "long-march", "region": "chongqing"}, user=AnonymousUser())
    request = RequestFactory().get("/stories/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        page = keyset_page(request, story_list(user=AnonymousUser(), filters=filters), page_size=20)
        titles = [s.title for s in page.object_list]
        assert page.count == 1
    assert titles == [story.title]
    assert not [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"].upper()]
