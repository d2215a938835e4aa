"""An organisation's page: its contact details and, from each module's declared panel, the unit's
own newest records as far as the reader may see them, each panel's 更多 leading to the module's
list filtered by the unit."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup

from django.test import Client

from events.models import Event
from materials.models import Material
from portal.models import HomePage, OrganisationIndexPage, OrganisationPage
from portal.modules import module_panels, modules
from portal.services import organisation_page_ensure, singleton_page_ensure
from publicity.services import story_index_ensure
from tests.events.factories import EventFactory, days_ahead, staff_member
from tests.factories import OrganisationFactory
from tests.materials.factories import MaterialFactory
from tests.publicity.factories import story_create
from tests.research.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
PANELS = {
    "materials": "#organisation-materials-heading",
    "events": "#organisation-events-heading",
    "research": "#organisation-projects-heading",
    "publicity": "#organisation-stories-heading",
}


@pytest.fixture
def units(site_home):
    """A site with two member units' pages (成都 and 雅安), each unit with one record of every module."""
    home = site_home
    index = singleton_page_ensure(
        model=OrganisationIndexPage, parent=home, title="成员单位", slug="organisations"
    )
    stories = story_index_ensure(home=home)
    found = {}
    for code, name, place in (
        ("sc-op-chengdu", "成都市委党史研究室", "成都"),
        ("sc-op-yaan", "雅安市委党史研究室", "雅安"),
    ):
        organisation = OrganisationFactory(
            code=code, name=name, short_name=name, region="sichuan", level="city"
        )
        found[place] = {
            "organisation": organisation,
            "page": organisation_page_ensure(organisation=organisation, parent=index),
            "material": MaterialFactory(title=f"{place}红军长征史料", origin_organisation=organisation),
            "story": story_create(
                index=stories, title=f"{place}举办党史学习教育报告会", organisation=organisation
            ),
            "event": EventFactory(
                title=f"{place}党史工作座谈会", origin_organisation=organisation, starts_at=days_ahead(10)
            ),
            "project": ProjectFactory(title=f"{place}地方党史专题研究", origin_organisation=organisation),
        }
    return found


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _panel(soup, module: str):
    return soup.select_one(PANELS[module]).find_parent("section")


def _titles(soup, module: str) -> list[str]:
    return [a.get_text(strip=True) for a in _panel(soup, module).select("li a")]


def test_each_module_declares_its_organisation_panel_and_the_page_shows_them_in_menu_order(units):
    assert module_panels("organisation_panel") == [
        "events/includes/organisation_panel.html",
        "materials/includes/organisation_panel.html",
        "research/includes/organisation_panel.html",
        "publicity/includes/organisation_panel.html",
    ]
    assert {m.label for m in modules() if m.organisation_panel} == set(PANELS)
    soup = _soup(Client().get(units["成都"]["page"].url))
    headings = [h.get_text(strip=True) for h in soup.select(".organisation-panels h2")]
    assert headings == ["近期活动", "共享资料", "牵头课题", "宣传稿件"]


def test_the_page_lists_the_units_own_records_with_their_dates_and_not_another_units(units):
    EventFactory(
        title="成都往期座谈会", origin_organisation=units["成都"]["organisation"], starts_at=days_ahead(-30)
    )
    soup = _soup(Client().get(units["成都"]["page"].url))

    assert _titles(soup, "materials") == ["成都红军长征史料"]
    assert _titles(soup, "publicity") == ["成都举办党史学习教育报告会"]
    # Only the meetings still to come.
    assert _titles(soup, "events") == ["成都党史工作座谈会"]
    assert _titles(soup, "research") == ["成都地方党史专题研究"]
    for module in PANELS:
        time = _panel(soup, module).select_one("li time")
        assert time["datetime"] and DATE.match(time.get_text()), module
    text = soup.select_one(".organisation-panels").get_text()
    assert "雅安" not in text


def test_the_panels_show_at_most_five_of_the_newest(units):
    chengdu = units["成都"]["organisation"]
    for n in range(1, 7):
        material = MaterialFactory(title=f"成都新入库资料{n}", origin_organisation=chengdu)
        Material.objects.filter(pk=material.pk).update(
            deposited_at=material.deposited_at + datetime.timedelta(minutes=n)
        )
    soup = _soup(Client().get(units["成都"]["page"].url))
    assert _titles(soup, "materials") == [f"成都新入库资料{n}" for n in (6, 5, 4, 3, 2)]


def test_a_co_hosted_meeting_is_listed_on_the_co_hosts_page_too(units):
    EventFactory(
        title="川渝联合座谈会",
        origin_organisation=units["雅安"]["organisation"],
        starts_at=days_ahead(20),
        co_hosts=[units["成都"]["organisation"]],
    )
    soup = _soup(Client().get(units["成都"]["page"].url))
    assert _titles(soup, "events") == ["成都党史工作座谈会", "川渝联合座谈会"]


def test_a_restricted_material_is_hidden_from_the_public_and_shown_to_staff_allowed_to_see_it(units):
    chengdu, yaan = units["成都"]["organisation"], units["雅安"]["organisation"]
    MaterialFactory(title="成都内部整理稿", origin_organisation=chengdu, access_level="internal")
    MaterialFactory(title="成都协作单位参考资料", origin_organisation=chengdu, access_level="partners")
    url = units["成都"]["page"].url

    anonymous = _titles(_soup(Client().get(url)), "materials")
    assert "成都内部整理稿" not in anonymous and "成都协作单位参考资料" not in anonymous
    assert "成都红军长征史料" in anonymous

    own_staff = Client()
    own_staff.force_login(staff_member(chengdu, "op_chengdu_staff"))
    seen = _titles(_soup(own_staff.get(url)), "materials")
    assert "成都内部整理稿" in seen and "成都协作单位参考资料" in seen

    other_staff = Client()
    other_staff.force_login(staff_member(yaan, "op_yaan_staff"))
    seen = _titles(_soup(other_staff.get(url)), "materials")
    assert "成都协作单位参考资料" in seen and "成都内部整理稿" not in seen


def test_restricted_records_of_every_module_stay_hidden_from_the_public(units):
    chengdu = units["成都"]["organisation"]
    EventFactory(
        title="成都内部工作会", origin_organisation=chengdu, starts_at=days_ahead(5), access_level="internal"
    )
    ProjectFactory(title="成都内部课题", origin_organisation=chengdu, access_level="internal")
    story_create(
        index=story_index_ensure(home=HomePage.objects.get()),
        title="成都内部通报",
        organisation=chengdu,
        access_level="internal",
        publication_date=datetime.date(2020, 7, 1),
    )
    html = Client().get(units["成都"]["page"].url).content.decode()
    assert "成都党史工作座谈会" in html
    for title in ("成都内部工作会", "成都内部课题", "成都内部通报"):
        assert title not in html
    assert Event.objects.filter(title="成都内部工作会").exists()


def test_each_more_link_leads_to_the_modules_list_filtered_by_the_unit(units):
    client = Client()
    soup = _soup(client.get(units["成都"]["page"].url))
    expected = {
        "materials": "/materials/?organisation=sc-op-chengdu",
        "events": "/events/?organisation=sc-op-chengdu",
        "research": "/research/?organisation=sc-op-chengdu",
        "publicity": "/stories/?organisation=sc-op-chengdu",
    }
    kinds = {"materials": "material", "events": "event", "research": "project", "publicity": "story"}
    for module, url in expected.items():
        more = _panel(soup, module).select_one(".home-panel__more a")
        assert more["href"] == url and more.get_text(strip=True).startswith("更多"), module
        listing = client.get(url).content.decode()
        assert units["成都"][kinds[module]].title in listing, module
        assert units["雅安"][kinds[module]].title not in listing, module


def test_the_contact_details_render_as_a_definition_list(units):
    page = units["成都"]["page"]
    page.address = "四川省成都市青羊区少城路1号"
    page.postcode = "610015"
    page.phone = "028-8660 0000"
    page.fax = "028-86600001"
    page.email = "dsyjs@chengdu.example.org"
    page.office_hours = "工作日 9:00—12:00，13:30—17:30"
    page.save_revision().publish()

    soup = _soup(Client().get(page.url))
    contact = soup.select_one("dl.organisation-contact")
    pairs = {div.dt.get_text(strip=True): div.dd for div in contact.find_all("div")}
    assert {name: dd.get_text(strip=True) for name, dd in pairs.items()} == {
        "地址": "四川省成都市青羊区少城路1号",
        "邮政编码": "610015",
        "联系电话": "028-8660 0000",
        "传真": "028-86600001",
        "电子邮箱": "dsyjs@chengdu.example.org",
        "办公时间": "工作日 9:00—12:00，13:30—17:30",
    }
    assert pairs["联系电话"].a["href"] == "tel:028-86600000"
    assert pairs["电子邮箱"].a["href"] == "mailto:dsyjs@chengdu.example.org"

    english = _soup(Client().get("/en" + page.url))
    terms = [dt.get_text(strip=True) for dt in english.select("dl.organisation-contact dt")]
    assert terms == ["Address", "Postcode", "Telephone", "Fax", "Email", "Office hours"]
    # Text only in Chinese is marked as such on the English page.
    assert english.select_one("dl.organisation-contact dd[lang=zh-Hans]").get_text() == page.address

    # A unit that has published no contact details shows no empty heading.
    assert _soup(Client().get(units["雅安"]["page"].url)).select_one(".organisation__contact") is None


def test_the_contact_details_are_edited_in_the_wagtail_admin(units):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("op_admin", password="pass-word-123")
    client = Client()
    client.force_login(admin)
    page = units["成都"]["page"]
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    for field in ("address", "postcode", "phone", "fax", "email", "office_hours"):
        assert f'name="{field}"' in html, field
    assert "联系方式" in html

    page.postcode = "61001"
    with pytest.raises(Exception, match="邮政编码为 6 位数字"):
        page.full_clean()
    assert OrganisationPage.objects.get(pk=page.pk).postcode == ""


def test_the_demo_province_office_page_shows_its_contact_details_and_records(client, home_page):
    soup = _soup(client.get("/organisations/sc-province/"))
    terms = [dt.get_text(strip=True) for dt in soup.select("dl.organisation-contact dt")]
    assert terms == ["地址", "邮政编码", "联系电话", "电子邮箱", "办公时间"]
    for module in ("materials", "research", "publicity"):
        assert _titles(soup, module), module
