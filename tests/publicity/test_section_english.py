"""A section's English name: seeded for the three bulletin sections, shown to English readers, and
carried to the partner region with the stories filed under it."""

import pytest

from publicity.models import Section, Story
from sync.services.apply import change_apply

from .test_sync import chongqing_org, chongqing_story, served_from_chongqing, sichuan  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_seeded_sections_have_english_names():
    names = dict(Section.objects.values_list("slug", "name_en"))
    assert names["work-news"] == "Work news" and names["experience"] and names["news-briefs"]


def test_a_section_new_to_the_partner_arrives_with_its_english_name(client, story_index, chongqing_org):  # noqa: F811
    Section.objects.create(slug="theory", name="理论研究", name_en="Theory and research", order=40)
    (change,) = served_from_chongqing(chongqing_story(story_index, chongqing_org, section_slug="theory"))
    assert change["payload"]["fields"]["syndication"]["section_name_en"] == "Theory and research"
    Section.objects.filter(slug="theory").delete()  # this region has never heard of it

    assert change_apply(change=change, partner_region="chongqing").applied == 1

    section = Story.objects.get(global_id=change["global_id"]).section
    assert (section.slug, section.name, section.name_en) == ("theory", "理论研究", "Theory and research")
    chinese_url = story_index.url  # reversed before an English request makes English the active language
    english = client.get("/en" + chinese_url).content.decode()
    assert "Theory and research" in english and "理论研究" not in english
    assert "理论研究" in client.get(chinese_url).content.decode()
