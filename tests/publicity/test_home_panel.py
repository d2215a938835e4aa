"""The home page's publicity panel: the newest stories with their photos, and a few red-heritage
sites the reader may see, each with its photo, read in a fixed number of queries however many there are."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup

from django.db import connection
from django.test.utils import CaptureQueriesContext

from publicity.models import RedHeritageSite
from publicity.services import red_heritage_index_ensure
from tests.events.factories import staff_member
from tests.factories import OrganisationFactory
from tests.publicity.factories import story_create

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def unit(db):
    return OrganisationFactory(code="sc-guangan", name="广安市委党史研究室", region="sichuan")


def image_blocks(alt: str) -> list[dict]:
    """A body or gallery opening with a photo of its own (one per record, as editors upload them)."""
    from PIL import Image

    from django.core.files.images import ImageFile

    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), "#b3121b").save(buffer, "JPEG")
    photo = get_image_model().objects.create(title=alt, file=ImageFile(buffer, name="photo.jpg"))
    chosen = {"image": photo.pk, "decorative": False, "alt_text": alt}
    return [{"type": "image", "value": {"image": chosen, "caption": "", "attribution": ""}}]


@pytest.fixture
def add_story(story_index, unit):
    def add(n: int, *, with_photo: bool = True):
        body = image_blocks(f"稿件{n}的照片") if with_photo else []
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
        return story_create(
            index=story_index, title=f"稿件{n}", organisation=unit, publication_date=day, body=body
        )

    return add


@pytest.fixture
def add_site(site_home, unit):
    index = red_heritage_index_ensure(home=site_home)

    def add(n: int, **values):
        site = RedHeritageSite(
            title=f"景点{n}",
            slug=f"site-{n}",
            place=f"广安{n}",
            origin_organisation=unit,
            images=image_blocks(f"景点{n}的照片"),
            **values,
        )
        index.add_child(instance=site)
        site.save_revision().publish()
        return site

    return add


def home(client, path: str = "/") -> BeautifulSoup:
    return BeautifulSoup(client.get(path).content, "html.parser")


def test_stories_show_their_first_photo_with_its_alt_text(client, add_story):
    add_story(1)
    add_story(2, with_photo=False)
    items = home(client).select(".latest-stories li")
    assert [li.a.get_text(strip=True) for li in items] == ["稿件2", "稿件1"]
    assert items[0].img is None
    photo = items[1].img
    assert photo["alt"] == "稿件1的照片" and photo["src"].startswith("/media/images/")
    assert photo["width"] == "160" and photo["height"] == "100"


def test_heritage_highlights_are_the_newest_sites_the_reader_may_see(client, unit, add_site):
    for n in range(4):
        add_site(n)
    add_site(9, access_level="internal")

    soup = home(client)
    headings = [h.get_text(strip=True) for h in soup.select(".home-panels h2")]
    assert headings[-2:] == ["红色景点", "正在报名的培训"]
    items = soup.select(".heritage-highlights li")
    assert [li.a.get_text(strip=True) for li in items] == ["景点3", "景点2", "景点1"]
    first = items[0]
    assert first.a["href"] == "/red-sites/site-3/"
    assert first.img["alt"] == "景点3的照片"
    assert "广安3" in first.select_one(".home-panel__meta").get_text()
    more = soup.select_one(".heritage-highlights .home-panel__more a")
    assert more["href"] == "/red-sites/" and more.get_text().startswith("更多")

    # The internal site is its unit's own: shown to its members, never to the public.
    client.force_login(staff_member(unit))
    titles = [a.get_text(strip=True) for a in home(client).select(".heritage-highlights li > a")]
    assert titles[0] == "景点9"


def test_english_readers_see_the_chinese_names_marked_as_chinese(client, add_story, add_site):
    add_story(1)
    add_site(1)
    soup = home(client, "/en/")
    assert soup.select_one("#heritage-highlights-heading").get_text(strip=True) == "Red-heritage sites"
    site = soup.select_one(".heritage-highlights li")
    assert site.a["lang"] == "zh-Hans" and site.a.get_text(strip=True) == "景点1"
    assert site.select_one(".home-panel__meta [lang=zh-Hans]").get_text() == "广安1"
    assert soup.select_one(".latest-stories li a")["lang"] == "zh-Hans"
    more = soup.select_one(".heritage-highlights .home-panel__more")
    assert more.get_text(strip=True) == "All red-heritage sites"


def test_the_panel_reads_every_photo_at_once(client, add_story, add_site):
    from django.core.cache import cache

    def queries() -> int:
        client.get("/")  # renditions made on the first view
        cache.clear()  # Wagtail's cache of renditions would hide a query for each photo
        with CaptureQueriesContext(connection) as captured:
            soup = home(client)
        photos = soup.select(".latest-stories img, .heritage-highlights img")
        assert len(photos) == min(len(stories), 6) + min(len(sites), 3)
        return len(captured)

    stories = [add_story(1)]
    sites = [add_site(1)]
    few = queries()
    stories += [add_story(n) for n in range(2, 9)]
    sites += [add_site(n) for n in range(2, 6)]
    assert queries() == few


def test_a_featured_site_comes_before_newer_ones_but_stays_within_the_access_rule(client, unit, add_site):
    add_site(1, featured_on_home=True)
    for n in range(2, 5):
        add_site(n)
    add_site(9, access_level="internal", featured_on_home=True)

    titles = [a.get_text(strip=True) for a in home(client).select(".heritage-highlights li > a")]
    assert titles == ["景点1", "景点4", "景点3"]

    # Featured or not, the internal site is its unit's own: first for its members only.
    client.force_login(staff_member(unit))
    titles = [a.get_text(strip=True) for a in home(client).select(".heritage-highlights li > a")]
    assert titles == ["景点9", "景点1", "景点4"]


def test_a_signed_in_home_page_reads_the_readers_unit_once(client, unit, add_story, add_site):
    """Every panel filters by the reader's unit; the staff profile is read once for all of them."""
    add_story(1)
    add_site(1)
    client.force_login(staff_member(unit))
    home(client)
    with CaptureQueriesContext(connection) as captured:
        home(client)
    profile_reads = [q for q in captured if 'FROM "portal_staffprofile"' in q["sql"]]
    assert len(profile_reads) == 1, "\n".join(q["sql"] for q in profile_reads)


def test_stories_of_both_regions_show_their_own_region(client, story_index, add_story):
    add_story(1)
    chongqing = OrganisationFactory(code="cq-wanzhou", name="万州区委党史研究室", region="chongqing")
    day = datetime.date(2026, 1, 5)
    story_create(index=story_index, title="重庆稿件", organisation=chongqing, publication_date=day)
    for path, labels in (("/", ("重庆", "四川")), ("/en/", ("Chongqing", "Sichuan"))):
        items = home(client, path).select(".latest-stories li")
        assert [li.a.get_text(strip=True) for li in items] == ["重庆稿件", "稿件1"], path
        assert [li["data-region"] for li in items] == ["chongqing", "sichuan"], path
        metas = [li.select_one(".story-list__meta").get_text(" ", strip=True) for li in items]
        for meta, label, other in zip(metas, labels, reversed(labels), strict=True):
            assert f"· {label} ·" in meta and other not in meta, (path, meta)


def test_only_sessions_open_for_enrolment_are_listed(client, site_home):
    from django.utils import timezone

    from tests.training.factories import SessionFactory

    now = timezone.now()
    SessionFactory(title="报名中的一期")
    SessionFactory(
        title="已截止的一期",
        enrolment_opens=now - datetime.timedelta(days=10),
        enrolment_closes=now - datetime.timedelta(days=1),
    )
    SessionFactory(
        title="尚未开始报名的一期",
        enrolment_opens=now + datetime.timedelta(days=1),
        enrolment_closes=now + datetime.timedelta(days=10),
    )
    panel = home(client).select_one('section[aria-labelledby="open-sessions-heading"]')
    assert panel.h2.get_text(strip=True) == "正在报名的培训"
    listed = [li.a.get_text(" ", strip=True) for li in panel.select("li") if li.a]
    assert len(listed) == 1 and listed[0].endswith("报名中的一期"), listed
