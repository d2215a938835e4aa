import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_chinese_first(client, home_page):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "川渝党史协作平台 · 四川站" in html
    assert "重庆市委党史研究室" in html and "成都市委党史研究室" in html
    assert 'href="/en/"' in html


def test_home_page_in_english(client, home_page):
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Sichuan–Chongqing Party History Portal" in html
    assert "Search" in html and "检索" not in html.split("<main")[0]


def test_menu_pages_and_organisation_section_are_served(client, home_page):
    about = client.get("/about/")
    assert about.status_code == 200
    assert "联席会议制度" in about.content.decode()
    organisations = client.get("/organisations/")
    assert "綦江区委党史地方志研究室" in organisations.content.decode()
    assert client.get("/organisations/sc-chengdu/").status_code == 200


def test_unknown_page_is_a_404_with_the_site_shell(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_home_page_shows_each_modules_panel_without_naming_the_module(client, home_page):
    from bs4 import BeautifulSoup

    from materials.models import Material
    from portal.models import Organisation
    from portal.modules import modules
    from publicity.models import Story
    from tests.events.factories import EventFactory, days_ahead

    organisation = Organisation.objects.get(code="sc-chengdu")
    EventFactory(title="川渝党史研究座谈会", origin_organisation=organisation, starts_at=days_ahead(10))
    EventFactory(
        title="成都市内部工作会",
        origin_organisation=organisation,
        starts_at=days_ahead(5),
        access_level="internal",
    )
    assert [m.home_panel for m in modules() if m.home_panel] == [
        "materials/includes/home_panel.html",
        "events/includes/home_panel.html",
        "training/includes/home_panel.html",
        "publicity/includes/home_panel.html",
    ]
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    headings = [h.get_text(strip=True) for h in soup.select(".home-panels h2")]
    assert headings == ["近期会议", "最新资料", "互推互展", "红色景点", "正在报名的培训"]

    stories = soup.select(".latest-stories li")
    newest = Story.objects.live().order_by("-publication_date").first()
    assert newest.title in stories[0].get_text() and stories[0].select_one("time").get_text().endswith("日")
    assert soup.select_one(".latest-stories .home-panel__more a")["href"] == "/stories/"
    # The region's demo red-heritage sites (the partner's arrive by sync), each with its photo, and 更多.
    sites = soup.select(".heritage-highlights li")
    assert 2 <= len(sites) <= 3
    assert all(li.img["alt"] and li.a["href"].startswith("/red-sites/") for li in sites)
    assert soup.select_one(".heritage-highlights .home-panel__more a")["href"] == "/red-sites/"

    # Only what the anonymous reader may see: public materials, never internal ones.
    material_titles = {a.get_text(strip=True) for a in soup.select("#newest-materials-heading ~ ul a")}
    public = set(Material.objects.filter(access_level="public").values_list("title", flat=True))
    assert material_titles and material_titles <= public
    meetings = [a.get_text(strip=True) for a in soup.select("#upcoming-meetings-heading ~ ul a")]
    assert "川渝党史研究座谈会" in meetings and "成都市内部工作会" not in meetings

    cards = {a.get_text(strip=True): a["href"] for a in soup.select(".modules .card h3 a")}
    assert cards == {
        "联席会议": "/events/",
        "资料共享": "/materials/",
        "课题研究": "/research/",
        "互推互展": "/stories/",
        "联合培训": "/training/",
    }
    assert (
        soup.select_one(".org-list").find("a", string=organisation.name)["href"]
        == "/organisations/sc-chengdu/"
    )
