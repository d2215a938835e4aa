import io

import pytest
from bs4 import BeautifulSoup

from wagtail.images import get_image_model

from portal.models import Organisation
from publicity import demo
from publicity.demo_pictures import STORY_PICTURES
from publicity.models import RedHeritageSite, Story

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _demo(region):
    from portal import demo_content

    organisations = {}
    for code, name, short, _en, org_region, level, _parent in demo_content.ORGANISATIONS:
        organisations[code] = Organisation.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "region": org_region, "level": level}
        )[0]
    out = io.StringIO()
    demo.seed(region=region, organisations=organisations, stdout=out)
    return out.getvalue()


def test_demo_content_is_idempotent_and_served(client, site_home):
    _demo("chongqing")
    _demo("chongqing")

    assert Story.objects.filter(slug__startswith="demo-").count() == 4
    assert RedHeritageSite.objects.get().title == "红岩村 中共中央南方局暨八路军驻重庆办事处旧址"
    stories = client.get("/stories/").content.decode()
    assert "川渝两地党史部门在成都签署合作框架协议" in stories
    site = client.get("/red-sites/hongyan-village/")
    assert site.status_code == 200
    html = site.content.decode()
    assert "重庆市渝中区红岩村" in html and "市委党史研究室在红岩村开展读书分享活动" in html
    assert "红岩村" in client.get("/red-sites/").content.decode()


def test_sichuan_demo_has_its_own_stories_and_red_site(client, site_home):
    _demo("sichuan")

    assert set(Story.objects.values_list("origin_organisation__region", flat=True)) == {"sichuan"}
    assert set(RedHeritageSite.objects.values_list("title", flat=True)) == {"邓小平故里", "朱德故里"}
    assert "邓小平故里" in client.get("/red-sites/").content.decode()


def test_demo_stories_show_their_pictures_on_the_home_page(client, site_home):
    _demo("chongqing")
    images = get_image_model().objects.count()
    _demo("chongqing")

    # Drawn once, found by their titles on every later build.
    assert get_image_model().objects.count() == images
    photos = BeautifulSoup(client.get("/").content, "html.parser").select(".latest-stories li img")
    slugs = Story.objects.filter(slug__startswith="demo-").values_list("slug", flat=True)
    assert len(photos) == 4
    assert {img["alt"] for img in photos} == {STORY_PICTURES[slug][1] for slug in slugs}
    titles = set(get_image_model().objects.values_list("title", flat=True))
    assert {STORY_PICTURES[slug][0] for slug in slugs} <= titles
