import pytest

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from wagtail.models import Page

from tests.factories import OrganisationFactory, UserFactory

from .factories import story_create
from .test_sync import chongqing_story, served_from_chongqing

pytestmark = pytest.mark.django_db


def test_cross_posted_story_shows_its_origin_and_is_not_edited_locally(client, story_index, settings):
    partner = "chongqing" if settings.PORTAL_REGION == "sichuan" else "sichuan"
    story = story_create(
        index=story_index,
        title="对方地区转来的稿件",
        organisation=OrganisationFactory(region=partner),
        source_url="https://partner.example.org/stories/1/",
    )
    type(story).objects.filter(pk=story.pk).update(origin_region=partner)

    html = client.get(story.url).content.decode()
    assert "本文转载自" in html and 'href="https://partner.example.org/stories/1/"' in html

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(f"/admin/pages/{story.pk}/edit/", follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0] == f"/admin/pages/{story_index.pk}/"
    assert "只能在来源地区修改" in response.content.decode()


def test_local_story_is_editable(client, story_index):
    story = story_create(index=story_index, title="本地稿件")
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get(f"/admin/pages/{story.pk}/edit/").status_code == 200


def test_latest_stories_tag_lists_both_regions(story_index):
    story_create(index=story_index, title="四川的稿件", organisation=OrganisationFactory(region="sichuan"))
    story_create(index=story_index, title="重庆的稿件", organisation=OrganisationFactory(region="chongqing"))
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = Template("{% load publicity_tags %}{% latest_stories %}").render(
        Context({"request": request, "page": Page.objects.first()})
    )
    assert "四川的稿件" in html and "重庆的稿件" in html


def test_a_copied_story_is_a_new_shared_record(story_index):
    story = story_create(index=story_index, title="原稿")

    copy = story.copy(update_attrs={"slug": "copy-of-story", "title": "复制稿"})

    assert copy.global_id != story.global_id
    assert copy.specific.origin_organisation == story.origin_organisation


def test_a_replicated_storys_kept_digest_is_what_reading_it_back_gives(story_index, settings):
    """Taken from what the apply wrote (topics: a ParentalManyToManyField), equal to reading it back."""
    from portal.services import topic_get_or_create
    from publicity.models import Story
    from sync import registry
    from sync.models import SyncedCopy
    from sync.services.apply import change_apply

    settings.PORTAL_REGION = "sichuan"
    chongqing_org = OrganisationFactory(code="cq-qijiang", name="綦江区委党史研究室", region="chongqing")

    def more_topics(story):
        story.topics.set([topic_get_or_create(kind="place", name=name) for name in ("綦江", "重庆")])
        story.save_revision().publish()

    for change in served_from_chongqing(chongqing_story(story_index, chongqing_org), more_topics):
        assert change_apply(change=change, partner_region="chongqing").applied == 1
        copy = Story.objects.get(global_id=change["global_id"])
        kept = SyncedCopy.objects.get(global_id=change["global_id"]).digest
        assert kept == registry.local_digest(registry.spec_for_model(Story), copy)
    assert sorted(t.name for t in copy.topics.all()) == ["綦江", "重庆"]
