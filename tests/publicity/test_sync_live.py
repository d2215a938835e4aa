"""Two live regions: a story published at Sichuan is shown at Chongqing, and goes when unpublished."""

import pytest
import requests

from sync.live import LiveRegions, redis_database, wait_until

pytestmark = pytest.mark.services

PUBLISH = """
import datetime
from portal.models import Organisation
from publicity.models import Section, Story, StoryIndexPage
index = StoryIndexPage.objects.get()
story = Story(title="成都市开展川渝党史联合宣讲", slug="joint-lectures-live",
    section=Section.objects.get(slug="work-news"),
    origin_organisation=Organisation.objects.get(code="sc-chengdu"),
    publication_date=datetime.date(2030, 3, 1), body=[{"type": "paragraph", "value": "<p>联合宣讲。</p>"}])
index.add_child(instance=story)
story.save_revision().publish()
print(Story.objects.get(pk=story.pk).get_full_url())
print(story.global_id)
"""


@pytest.fixture(scope="module")
def live(database_url, redis_url, tmp_path_factory):
    with LiveRegions(
        database_url=database_url,
        redis_url=redis_database(redis_url, 3),
        var_dir=tmp_path_factory.mktemp("pubsync"),
        db_prefix="portal_pubsync_live_",
    ) as regions:
        yield regions


def test_a_story_published_at_sichuan_is_shown_at_chongqing_until_unpublished(live):
    sichuan, chongqing = live["sichuan"], live["chongqing"]
    origin_url, global_id = sichuan.shell(PUBLISH).strip().splitlines()[-2:]

    def copy():
        return chongqing.query(
            "SELECT p.url_path FROM publicity_story s JOIN wagtailcore_page p ON p.id = s.page_ptr_id "
            "WHERE s.global_id = %s AND p.live",
            (global_id,),
        )

    rows = wait_until(copy, timeout=30)
    assert rows, "the story did not arrive at Chongqing"
    path = "/" + rows[0][0].split("/", 2)[2]
    assert origin_url.startswith("http")

    # The origin records its public address just after publishing; that second change
    # may reach the partner a pull later than the first.
    def page_with_link():
        html = requests.get(f"{chongqing.url}{path}", timeout=10).text
        return html if f'href="{origin_url}"' in html else None

    html = wait_until(page_with_link, timeout=30)
    assert html, "the copy never linked back to the original"
    assert "成都市开展川渝党史联合宣讲" in html and "本文转载自四川站" in html

    sichuan.shell(
        f"from publicity.models import Story\nStory.objects.get(global_id='{global_id}').unpublish()\n"
    )
    assert wait_until(lambda: not copy(), timeout=30)
