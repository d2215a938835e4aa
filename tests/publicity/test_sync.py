"""互推互展 through sync: the partner's offered, live stories appear here; nothing else does."""

import datetime
from decimal import Decimal

import pytest

from django.test import override_settings

from portal.services import topic_get_or_create
from publicity.models import RedHeritageSite, Story
from publicity.selectors import submission_quarterly_report
from publicity.services import red_heritage_index_ensure
from sync.context import apply_context
from sync.errors import ChangeRefused
from sync.models import ChangeLog
from sync.selectors import change_entry, changes_page
from sync.services.apply import change_apply
from tests.factories import OrganisationFactory

from .factories import story_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sichuan(settings):
    """This process is Sichuan; records built "at Chongqing" are served, then removed here."""
    settings.PORTAL_REGION = "sichuan"


@pytest.fixture
def chongqing_org(db):
    return OrganisationFactory(code="cq-qijiang", name="綦江区委党史地方志研究室", region="chongqing")


def served_from_chongqing(build, *steps):
    """Build a page as Chongqing and take its feed entry after the build and after each step.

    The original is then deleted without a trace, so this database receives it as a stranger.
    """
    entries = []
    with override_settings(PORTAL_REGION="chongqing"):
        page = build()
        entries.append(change_entry(ChangeLog.objects.filter(global_id=page.global_id).last()))
        for step in steps:
            step(type(page).objects.get(pk=page.pk))
            entries.append(change_entry(ChangeLog.objects.filter(global_id=page.global_id).last()))
    with apply_context():
        type(page).objects.get(pk=page.pk).delete()
    ChangeLog.objects.all().delete()
    return entries


def chongqing_story(story_index, chongqing_org, **values):
    def build():
        story = story_create(
            index=story_index,
            title=values.pop("title", "綦江区开展红色故事宣讲"),
            section_slug=values.pop("section_slug", "work-news"),
            organisation=chongqing_org,
            slug=values.pop("slug", "qijiang-red-stories"),
            contributing_department="宣教科",
            author="李明",
            publication_date=datetime.date(2030, 2, 10),
            **values,
        )
        story.topics.set([topic_get_or_create(kind="place", name="綦江")])
        story.save_revision().publish()
        return Story.objects.get(pk=story.pk)

    return build


def test_an_offered_live_story_arrives_live_under_the_story_index(client, story_index, chongqing_org):
    (change,) = served_from_chongqing(chongqing_story(story_index, chongqing_org))
    assert change["op"] == "upsert"
    assert change["payload"]["fields"]["syndication"]["url"].endswith("/qijiang-red-stories/")

    assert change_apply(change=change, partner_region="chongqing").applied == 1

    copy = Story.objects.get(global_id=change["global_id"])
    assert copy.live and copy.get_parent().specific == story_index
    assert copy.origin_region == "chongqing" and copy.origin_organisation == chongqing_org
    assert copy.section.slug == "work-news" and copy.contributing_department == "宣教科"
    assert [t.name for t in copy.topics.all()] == ["綦江"]
    assert copy.version == change["version"]
    html = client.get(copy.url).content.decode()
    assert "綦江区开展红色故事宣讲" in html and "綦江区开展红色故事宣讲的正文" in html
    assert "本文转载自重庆站" in html
    assert f'href="{change["payload"]["fields"]["syndication"]["url"]}"' in html
    assert "綦江区开展红色故事宣讲" in client.get(story_index.url).content.decode()


def test_applying_the_same_story_twice_changes_nothing(story_index, chongqing_org):
    (change,) = served_from_chongqing(chongqing_story(story_index, chongqing_org))
    change_apply(change=change, partner_region="chongqing")
    before = Story.objects.get(global_id=change["global_id"])

    again = change_apply(change=change, partner_region="chongqing")

    assert again.applied == 0 and again.conflicts == 0 and again.ignored == 1
    after = Story.objects.get(global_id=change["global_id"])
    assert (after.pk, after.version, after.slug, after.latest_revision_id) == (
        before.pk,
        before.version,
        before.slug,
        before.latest_revision_id,
    )
    assert Story.objects.filter(global_id=change["global_id"]).count() == 1


def test_a_slug_taken_here_gets_the_origin_region_added(story_index, chongqing_org):
    (change,) = served_from_chongqing(chongqing_story(story_index, chongqing_org, slug="red-stories"))
    story_create(index=story_index, title="本地同名稿件", slug="red-stories")

    change_apply(change=change, partner_region="chongqing")

    copy = Story.objects.get(global_id=change["global_id"])
    assert copy.slug == "red-stories-chongqing" and copy.url_path.endswith("/red-stories-chongqing/")


def test_unpublishing_at_the_origin_removes_the_copy(story_index, chongqing_org):
    upsert, withdraw = served_from_chongqing(
        chongqing_story(story_index, chongqing_org), lambda story: story.unpublish()
    )
    change_apply(change=upsert, partner_region="chongqing")
    assert Story.objects.live().filter(global_id=upsert["global_id"]).exists()

    assert withdraw["op"] == "withdraw" and "payload" not in withdraw
    change_apply(change=withdraw, partner_region="chongqing")

    assert not Story.objects.filter(global_id=upsert["global_id"]).exists()
    # The withdrawn story does not come back with an older upsert.
    change_apply(change=upsert, partner_region="chongqing")
    assert not Story.objects.filter(global_id=upsert["global_id"]).exists()


def test_an_internal_story_never_reaches_the_feed(story_index):
    story = story_create(index=story_index, title="内部工作稿件", access_level="internal")

    changes = changes_page(after=0)["changes"]

    mine = [c for c in changes if c["global_id"] == str(story.global_id)]
    assert mine and all(c["op"] != "upsert" and "payload" not in c for c in mine)


def test_a_story_not_offered_to_the_partner_does_not_travel(story_index, chongqing_org):
    local = story_create(index=story_index, title="不推送的稿件", offered_to_partner=False)
    mine = [c for c in changes_page(after=0)["changes"] if c["global_id"] == str(local.global_id)]
    assert mine and all(c["op"] in ("withdraw", "superseded") and "payload" not in c for c in mine)

    (change,) = served_from_chongqing(chongqing_story(story_index, chongqing_org, offered_to_partner=False))
    assert change["op"] == "withdraw"
    change_apply(change=change, partner_region="chongqing")
    assert not Story.objects.filter(global_id=change["global_id"]).exists()


def test_a_partner_red_heritage_site_arrives_read_only(client, site_home, chongqing_org):
    index = red_heritage_index_ensure(home=site_home)

    def build():
        site = RedHeritageSite(
            title="綦江红军桥",
            slug="hongjun-bridge",
            place="綦江区",
            origin_organisation=chongqing_org,
            address="重庆市綦江区古南街道",
            # 100 travels as "1E+2" (a normalised Decimal): still a number on arrival.
            latitude=Decimal("29.028000"),
            longitude=Decimal("100.000000"),
        )
        index.add_child(instance=site)
        site.save_revision().publish()
        return RedHeritageSite.objects.get(pk=site.pk)

    (change,) = served_from_chongqing(build)
    change_apply(change=change, partner_region="chongqing")

    copy = RedHeritageSite.objects.get(global_id=change["global_id"])
    assert copy.live and copy.get_parent().specific == index and copy.place == "綦江区"
    assert change["payload"]["fields"]["longitude"] == "1E+2"
    assert (copy.address, copy.coordinates) == ("重庆市綦江区古南街道", (29.028, 100.0))
    html = client.get(copy.url).content.decode()
    assert "本文转载自重庆站" in html and f'href="{copy.origin_url}"' in html

    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get(f"/admin/pages/{copy.pk}/edit/", follow=True)
    assert "只能在来源地区修改" in response.content.decode()


def site_published(index, organisation, **fields) -> RedHeritageSite:
    """A red-heritage site of ``organisation`` published under ``index``, read back as stored."""
    site = RedHeritageSite(place="綦江区", origin_organisation=organisation, **fields)
    index.add_child(instance=site)
    site.save_revision().publish()
    return RedHeritageSite.objects.get(pk=site.pk)


def test_a_site_featured_at_the_origin_is_featured_at_the_partner(site_home, chongqing_org):
    """The origin's editors feature a site on both home pages; anything but true or false is refused."""
    index = red_heritage_index_ensure(home=site_home)

    (change,) = served_from_chongqing(
        lambda: site_published(
            index, chongqing_org, title="綦江红军桥", slug="hongjun-bridge", featured_on_home=True
        )
    )
    assert change["payload"]["fields"]["featured_on_home"] is True
    forged = {**change, "payload": {**change["payload"], "fields": {**change["payload"]["fields"]}}}
    forged["payload"]["fields"]["featured_on_home"] = "yes"
    with pytest.raises(ChangeRefused):
        change_apply(change=forged, partner_region="chongqing")
    assert not RedHeritageSite.objects.filter(global_id=change["global_id"]).exists()

    change_apply(change=change, partner_region="chongqing")
    assert RedHeritageSite.objects.get(global_id=change["global_id"]).featured_on_home


def test_the_quarterly_report_counts_stories_cross_posted_to_the_partner(story_index):
    unit = OrganisationFactory(code="sc-guangan", name="广安市委党史研究室", region="sichuan")
    spring = {"organisation": unit, "publication_date": datetime.date(2030, 2, 1)}
    story_create(index=story_index, title="推送的稿件一", **spring)
    story_create(index=story_index, title="推送的稿件二", **spring)
    story_create(index=story_index, title="不推送的稿件", offered_to_partner=False, **spring)
    story_create(index=story_index, title="内部稿件", access_level="internal", **spring)
    story_create(index=story_index, title="撤下的稿件", **spring).unpublish()

    (row,) = [r for r in submission_quarterly_report(year=2030, quarter=1) if r.organisation == unit]

    assert row.published == 4 and row.cross_posted == 2


def png_bytes(colour) -> bytes:
    import io

    from PIL import Image as PillowImage

    buffer = io.BytesIO()
    PillowImage.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def chongqing_stub(settings):
    from portal.settings.environment import Partner
    from tests.sync.conftest import PartnerStub

    stub = PartnerStub()
    settings.PORTAL_PARTNERS = [Partner(region="chongqing", base_url=stub.url, key_id="k", secret="s")]
    yield stub
    stub.close()


def story_with_image(story_index, chongqing_org, data):
    import io

    from django.core.files.images import ImageFile

    from wagtail.images import get_image_model

    def build():
        image = get_image_model()(title="綦江红军桥旧照")
        image.file = ImageFile(io.BytesIO(data), name="hongjun-bridge.png")
        image.save()
        story = chongqing_story(story_index, chongqing_org)()
        story.body = [
            {"type": "paragraph", "value": "<p>红军桥。</p>"},
            {
                "type": "image",
                "value": {"image": {"image": image.pk, "decorative": False, "alt_text": "红军桥"}},
            },
        ]
        story.save_revision().publish()
        return Story.objects.get(pk=story.pk)

    return build


def test_an_image_in_a_story_travels_by_its_content_and_is_checked(
    client, story_index, chongqing_org, chongqing_stub
):
    import hashlib

    from wagtail.images import get_image_model

    data = png_bytes("red")
    build = story_with_image(story_index, chongqing_org, data)
    (change,) = served_from_chongqing(build)
    get_image_model().objects.all().delete()  # this database receives the image as a stranger too
    [image_block] = [b for b in change["payload"]["fields"]["body"] if b["type"] == "image"]
    reference = image_block["value"]["image"]["image"]["_image"]
    assert reference["sha256"] == hashlib.sha256(data).hexdigest() and reference["title"] == "綦江红军桥旧照"

    chongqing_stub.answer("GET", f"/sync/images/{reference['hash']}", (200, data))
    assert change_apply(change=change, partner_region="chongqing").applied == 1

    copy = Story.objects.get(global_id=change["global_id"])
    local = get_image_model().objects.get(file_hash=reference["hash"])
    assert copy.body[1].value["image"].pk == local.pk
    assert local.title == "綦江红军桥旧照" and (local.width, local.height) == (40, 30)
    assert 'alt="红军桥"' in client.get(copy.url).content.decode()
    # The next version of the story reuses the image fetched once.
    newer = {
        **change,
        "version": change["version"] + 1,
        "payload": {**change["payload"], "version": change["version"] + 1},
    }
    change_apply(change=newer, partner_region="chongqing")
    assert get_image_model().objects.filter(file_hash=reference["hash"]).count() == 1
    assert len([r for r in chongqing_stub.requests if r["path"].startswith("/sync/images/")]) == 1


def test_an_image_that_fails_its_check_is_never_kept(story_index, chongqing_org, chongqing_stub):
    from wagtail.images import get_image_model

    from sync.errors import FileCheckFailed

    (change,) = served_from_chongqing(story_with_image(story_index, chongqing_org, png_bytes("red")))
    get_image_model().objects.all().delete()
    # Damaged in transit: the same size, another sha256.
    damaged = bytearray(png_bytes("red"))
    damaged[-6] ^= 0xFF
    chongqing_stub.answer("GET", "/sync/images/", (200, bytes(damaged)))
    with pytest.raises(FileCheckFailed):
        change_apply(change=change, partner_region="chongqing")
    assert not Story.objects.filter(global_id=change["global_id"]).exists()
    assert not get_image_model().objects.exists()
    assert len(chongqing_stub.requests) == 3  # fetched again before giving up


def test_a_sites_rich_text_keeps_its_image_and_links_back_to_the_origins_pages(
    client, site_home, chongqing_org, chongqing_stub
):
    import io
    import re

    from django.core.files.images import ImageFile

    from wagtail.images import get_image_model

    index = red_heritage_index_ensure(home=site_home)
    data = png_bytes("green")

    def build():
        image = get_image_model()(title="纪念碑")
        image.file = ImageFile(io.BytesIO(data), name="monument.png")
        image.save()
        history = (
            f'<p>始建于1935年。</p><embed alt="纪念碑" embedtype="image" format="fullwidth" id="{image.pk}"/>'
            f'<p><a linktype="page" id="{index.pk}">更多红色地标</a></p>'
        )
        return site_published(index, chongqing_org, title="綦江纪念碑", slug="monument", history=history)

    (change,) = served_from_chongqing(build)
    get_image_model().objects.all().delete()
    history = change["payload"]["fields"]["history"]
    assert f'<a href="{index.full_url}">' in history and "linktype" not in history
    assert ' id="' not in history and "sync-image=" in history

    chongqing_stub.answer("GET", "/sync/images/", (200, data))
    change_apply(change=change, partner_region="chongqing")

    copy = RedHeritageSite.objects.get(global_id=change["global_id"])
    local = get_image_model().objects.get()
    assert re.search(rf'embedtype="image"[^>]* id="{local.pk}"', copy.history)
    html = client.get(copy.url).content.decode()
    assert 'alt="纪念碑"' in html and "更多红色地标" in html


def test_every_publication_of_a_site_reaches_the_feed_with_a_newer_version(site_home):
    index = red_heritage_index_ensure(home=site_home)
    site = RedHeritageSite(
        title="红军桥", slug="bridge", place="綦江区", origin_organisation=OrganisationFactory()
    )
    index.add_child(instance=site)
    # A draft saved first, then published: the revision holds the version from before publishing.
    site.save_revision().publish()

    def fed_version():
        return ChangeLog.objects.filter(global_id=site.global_id).last().version

    first = fed_version()
    for title in ("红军桥（修订）", "红军桥（再修订）"):
        draft = RedHeritageSite.objects.get(pk=site.pk).get_latest_revision_as_object()
        draft.title = title
        draft.save_revision().publish()
        assert fed_version() > first
        first = fed_version()
