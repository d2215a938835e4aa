"""One rule for content English readers meet (portal.content_language): a record's English where an
editor wrote it, else its Chinese marked lang="zh-Hans"; readers of Chinese see no marks."""

import pytest
from bs4 import BeautifulSoup

from django.utils import translation

from wagtail.rich_text import RichText

from portal.content_language import content_lang, organisation_name
from portal.models import Organisation

pytestmark = pytest.mark.django_db


def test_chinese_is_marked_for_english_readers_only():
    with translation.override("en"):
        assert content_lang("川渝党史") == "zh-Hans"
        assert content_lang(RichText("<p>会议纪要</p>")) == "zh-Hans"
        assert content_lang("Joint meeting") == content_lang("") == content_lang(None) == ""
    with translation.override("zh-hans"):
        assert content_lang("川渝党史") == ""


def test_an_organisation_is_named_in_english_where_it_has_an_english_name():
    named = Organisation(name="四川省委党史研究室", name_en="Sichuan Party History Office")
    unnamed = Organisation(name="雅安市委党史研究室")
    with translation.override("en"):
        assert [organisation_name(named), organisation_name(unnamed)] == [named.name_en, unnamed.name]
    with translation.override("zh-hans"):
        assert organisation_name(named) == named.name


def _soup(client, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.content, "html.parser")


def test_the_chinese_site_marks_nothing(client, home_page):
    for path in ("/", "/stories/", "/materials/", "/research/", "/organisations/sc-province/"):
        # The language switch names each language in itself (hreflang), on either site.
        marked = [str(e)[:80] for e in _soup(client, path).select("body [lang]:not([hreflang])")]
        assert marked == [], path


def test_english_filter_menus_name_units_in_english_and_mark_chinese_options(client, home_page):
    unit = Organisation.objects.get(code="sc-province")
    page = _soup(client, "/en/stories/")
    sections = {o.get_text(): o.get("lang") for o in page.select("select[name=section] option")}
    assert sections["Work news"] is None
    units = {o["value"]: (o.get_text(), o.get("lang")) for o in page.select("[name=organisation] option")}
    assert units["sc-province"] == (unit.name_en, None)
    topics = [o for o in page.select("select[name=topic] option") if o["value"]]
    assert topics and all(o.get("lang") == "zh-Hans" for o in topics)

    chosen = _soup(client, f"/en/stories/?section=work-news&topic={topics[0]['value']}")
    chips = {a["data-remove"]: a for a in chosen.select(".filter-bar__active a")}
    assert "Work news" in chips["section"].get_text() and chips["section"].select("[lang]") == []
    assert chips["topic"].select_one("[lang=zh-Hans]").get_text() == topics[0].get_text()


def test_english_pages_name_the_unit_in_english(client, home_page):
    unit = Organisation.objects.get(code="sc-province")
    page = _soup(client, "/en/organisations/sc-province/")
    assert (page.h1.get_text(strip=True), page.h1.get("lang")) == (unit.name_en, None)
    assert unit.name_en in page.title.get_text()
    materials = _soup(client, "/en/materials/")
    assert unit.name_en in materials.select_one(".material-list").get_text()


def test_units_are_named_by_code_in_the_readers_language_for_search_hits_and_facets():
    from portal.selectors import organisation_names
    from tests.factories import OrganisationFactory

    named = OrganisationFactory(code="t-named", name="四川省委党史研究室测试", name_en="Test Office")
    plain = OrganisationFactory(code="t-plain", name="雅安市委党史研究室测试", name_en="")
    with translation.override("en"):
        names = organisation_names(codes={named.code, plain.code, "t-none"})
    assert names == {named.code: "Test Office", plain.code: plain.name}
    with translation.override("zh-hans"):
        assert organisation_names(codes=[named.code]) == {named.code: named.name}
