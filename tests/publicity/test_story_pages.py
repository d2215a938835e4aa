"""The stories list pages by cursor (portal.pagination): ties on the date, the bulletin's order, access."""

import datetime as dt

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from publicity.models import Story
from tests.factories import OrganisationFactory
from tests.support.pages import explain_sorted_by_index, page_links, walk

from .factories import story_create

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_walking_the_stories_visits_each_visible_story_once_in_order(client, story_index):
    unit = OrganisationFactory(code="cq-yuzhong", region="chongqing")
    # Per day, pairs sharing a place in the bulletin, then stories outside any bulletin; page 1 ends
    # inside the second day's bulletin, so page 2 starts on a place with stories of no place after it.
    days = {
        dt.date(2020, 6, 9): [1, 1, 2, 2, 3, 3, 4, 4] + [None] * 8,
        dt.date(2020, 5, 1): [1, 1, 2, 2, 3, 3, None, None],
    }
    for day, orders in days.items():
        for n, order in enumerate(orders):
            story_create(
                index=story_index, title=f"渝中信息{day:%m%d}-{n:02d}", organisation=unit,
                publication_date=day, bulletin_order=order,
            )  # fmt: skip
    story_create(index=story_index, title="内部信息", organisation=unit, access_level="internal")
    visible = Story.objects.live().filter(access_level="public")
    # Newest first; within a day, the bulletin's order, stories outside a bulletin last; then newest id.
    def place(story):
        return (-story.publication_date.toordinal(), story.bulletin_order is None, story.bulletin_order or 0)

    expected = sorted(visible, key=lambda s: (*place(s), -s.pk))
    pages = walk(client, "/stories/", context_name="stories")
    assert [len(page) for page in pages] == [20, 4]
    assert [s.pk for page in pages for s in page] == [s.pk for s in expected]
    back = walk(client, "/stories/", context_name="stories", start=page_links(
        client.get("/stories/").content.decode())["next"], rel="prev")  # fmt: skip
    assert [s.pk for page in reversed(back) for s in page] == [s.pk for s in expected]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_deep_page_of_stories_is_read_off_the_listing_index_from_its_cursor(client, story_index):
    unit = OrganisationFactory(code="cq-yuzhong", region="chongqing")
    for n in range(25):
        order = n % 3 or None
        story_create(index=story_index, title=f"渝中信息{n:02d}", organisation=unit, bulletin_order=order)
    second = page_links(client.get("/stories/").content.decode())["next"]
    with CaptureQueriesContext(connection) as queries:
        client.get("/stories/" + second)
    listing = [q["sql"] for q in queries.captured_queries if 'FROM "publicity_story"' in q["sql"]]
    [sql] = [statement for statement in listing if "LIMIT" in statement]
    assert "OFFSET" not in sql and "LIMIT 21" in sql
    plan = explain_sorted_by_index(sql)
    assert "Index Scan using story_listing_order" in plan and "Sort" not in plan, plan
    cond = next(line for line in plan.splitlines() if "Index Cond" in line and "publication_date" in line)
    assert "publication_date <=" in cond, plan


def test_a_story_without_a_section_draws_no_empty_section_line(story_index):
    """A preview before the editor chose a section (the field is required on saving)."""
    story = story_create(index=story_index, title="綦江区开展红色故事宣讲")
    assert b'class="story__section"' in story.make_preview_request().content
    story.section = None
    preview = story.make_preview_request()
    assert preview.status_code == 200 and b'class="story__section"' not in preview.content
