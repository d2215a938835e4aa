"""Publicity stories are searchable while live, and leave the index when unpublished or deleted."""

import datetime

import pytest

from wagtail.models import Page, Site

from portal.models import HomePage
from publicity.models import Section, Story
from publicity.services import story_index_ensure
from search.selectors import content_search

from .conftest import titles

pytestmark = [pytest.mark.django_db, pytest.mark.services]


@pytest.fixture
def story_index(db):
    root = Page.get_first_root_node()
    home = HomePage(title="川渝党史协作平台", slug="search-home")
    root.add_child(instance=home)
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
    return story_index_ensure(home=home)


def publish_story(index, title, organisation, **values):
    story = Story(
        title=title,
        section=Section.objects.order_by("order").first(),
        origin_organisation=organisation,
        publication_date=datetime.date(2021, 7, 1),
        summary=values.pop("summary", ""),
        **values,
    )
    index.add_child(instance=story)
    story.save_revision().publish()
    return story


def test_a_published_story_is_found_and_unpublishing_removes_it(story_index, qijiang):
    story = publish_story(story_index, "綦江区开展红岩精神宣讲活动", qijiang, summary="弘扬红岩精神。")
    hits = content_search(query="红岩精神", filters={"module": ["publicity"]}).hits
    assert [h["title"] for h in hits] == ["綦江区开展红岩精神宣讲活动"]
    assert hits[0]["url"] == story.url and hits[0]["url"].startswith("/stories/")

    story.unpublish()
    assert titles(content_search(query="宣讲活动")) == []


def test_a_draft_story_is_not_found_and_a_deleted_one_goes(story_index, qijiang):
    draft = Story(
        title="尚未发布的宣讲稿",
        section=Section.objects.order_by("order").first(),
        origin_organisation=qijiang,
        publication_date=datetime.date(2021, 7, 1),
        live=False,
    )
    story_index.add_child(instance=draft)
    assert titles(content_search(query="宣讲稿")) == []

    story = publish_story(story_index, "川渝联合宣讲团走进綦江", qijiang)
    assert titles(content_search(query="宣讲团")) == ["川渝联合宣讲团走进綦江"]
    story.delete()
    assert titles(content_search(query="宣讲团")) == []


def test_a_chongqing_story_stored_at_the_sichuan_site_is_labelled_chongqing(
    settings, backend, story_index, qijiang, chengdu
):
    # A bulletin imported at the Sichuan site: the stored copy's origin_region is the site's own.
    settings.PORTAL_REGION = "sichuan"
    story = publish_story(story_index, "綦江区举办长征文化宣讲报告会", qijiang)
    publish_story(story_index, "成都市举办长征文化宣讲报告会", chengdu)
    assert story.origin_region == "sichuan" and qijiang.region == "chongqing"

    results = content_search(query="宣讲报告会")
    assert results.backend == backend
    regions = {h["title"]: (h["region"], h["region_label"]) for h in results.hits}
    assert regions == {
        "綦江区举办长征文化宣讲报告会": ("chongqing", "重庆"),
        "成都市举办长征文化宣讲报告会": ("sichuan", "四川"),
    }
    facet = {b["value"]: (b["label"], b["count"]) for b in results.facets["region"]}
    assert facet == {"chongqing": ("重庆", 1), "sichuan": ("四川", 1)}
    only_chongqing = content_search(query="宣讲报告会", filters={"region": ["chongqing"]})
    assert titles(only_chongqing) == ["綦江区举办长征文化宣讲报告会"]
