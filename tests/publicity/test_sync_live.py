"""Two live regions: a story published at Sichuan is shown at Chongqing, and goes when unpublished."""

import pytest
import requests

from tests.support.live import LiveRegions, redis_database
from tests.support.scripts import script
from tests.support.waiting import wait_until

pytestmark = pytest.mark.services

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
    origin_url, global_id = sichuan.shell(script("story_publish")).strip().splitlines()[-2:]

    def copy():
        return chongqing.query(
            "SELECT p.url_path FROM publicity_story s JOIN wagtailcore_page p ON p.id = s.page_ptr_id "
            "WHERE s.global_id = %s AND p.live",
            (global_id,),
        )

    rows = wait_until(copy, timeout=30, what="the story at Chongqing")
    path = "/" + rows[0][0].split("/", 2)[2]
    assert origin_url.startswith("http")

    # The origin records its public address just after publishing; that second change
    # may reach the partner a pull later than the first.
    def page_with_link():
        html = requests.get(f"{chongqing.url}{path}", timeout=10).text
        return html if f'href="{origin_url}"' in html else None

    html = wait_until(page_with_link, timeout=30, what="the copy linking back to the original")
    assert "成都市开展川渝党史联合宣讲" in html and "本文转载自四川站" in html

    sichuan.shell(script("story_unpublish", global_id=global_id))
    wait_until(lambda: not copy(), timeout=30, what="the copy gone from Chongqing")
