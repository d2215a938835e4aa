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
    from portal.modules import modules

    html = client.get("/").content.decode()

    assert [m.home_panel for m in modules() if m.home_panel] == ["publicity/includes/home_panel.html"]
    assert 'class="latest-stories"' in html
