"""Government-site conventions: footer identity, crawler files, canonical and Open Graph tags."""

import re

import pytest

from django.contrib.auth import get_user_model

from wagtail.models import PageViewRestriction, Site

from portal.models import SiteIdentity, StandardPage

pytestmark = pytest.mark.django_db


def test_footer_shows_the_site_identity_from_site_settings(client, home_page):
    identity = SiteIdentity.for_site(Site.objects.get(is_default_site=True))
    identity.sponsor = "中共测试市委党史研究室"
    identity.icp_number = "蜀ICP备12345678号-2"
    identity.public_security_number = "川公网安备 51010402000123号"
    identity.site_code = "5101000042"
    identity.contact_phone = "028-8888 6666"
    identity.save()

    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]

    assert "主办单位" in footer and "中共测试市委党史研究室" in footer
    # The filing numbers are Chinese-only content, marked for the English site's readers only (the
    # Chinese page is lang="zh-Hans" already).
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener">蜀ICP备12345678号-2</a>' in footer
    english = client.get("/en/").content.decode().split('<footer class="site-footer">')[1]
    assert 'rel="noopener" lang="zh-Hans">蜀ICP备12345678号-2</a>' in english
    assert "code=51010402000123" in footer and "川公网安备 51010402000123号" in footer
    assert "网站标识码" in footer and "5101000042" in footer
    assert 'href="tel:028-88886666"' in footer


def test_footer_labels_are_english_under_en(client, home_page):
    footer = client.get("/en/").content.decode().split('<footer class="site-footer">')[1]
    assert "Sponsor" in footer and "ICP" in footer
    assert "主办单位" not in footer


def test_robots_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in text and "Disallow: /sync/" in text
    assert re.search(r"^Sitemap: http://testserver/sitemap\.xml$", text, re.M)


def test_sitemap_lists_public_pages_and_never_a_restricted_one(client, home_page):
    about = StandardPage.objects.get(slug="about")
    hidden = StandardPage(title="内部工作安排", slug="internal-plan")
    home_page.add_child(instance=hidden)
    hidden.save_revision().publish()
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    xml = client.get("/sitemap.xml").content.decode()

    assert "<urlset" in xml
    assert "/about/</loc>" in xml and about.url.endswith("/about/")
    assert "internal-plan" not in xml


def test_pages_carry_canonical_and_open_graph_tags(client, home_page):
    html = client.get("/about/?utm_source=wechat").content.decode()
    assert '<link rel="canonical" href="http://testserver/about/">' in html
    assert '<meta property="og:url" content="http://testserver/about/">' in html
    assert '<meta property="og:title" content="关于川渝党史协作">' in html
    assert '<meta property="og:locale" content="zh_CN">' in html


def test_home_title_names_the_site_once(client, home_page):
    title = re.search(r"<title>(.*?)</title>", client.get("/").content.decode(), re.S).group(1)
    assert title.count("川渝党史协作平台") == 1
    assert "四川站" in title


def test_the_public_site_shows_who_is_signed_in_and_a_sign_out_button(client, home_page):
    assert "退出" not in client.get("/about/").content.decode().split("<main")[0]
    staff = get_user_model().objects.get(username="sc_admin")
    client.force_login(staff)

    header = client.get("/about/").content.decode().split("<main")[0]

    assert "您好" in header
    assert re.search(r'<form class="site-account__logout" action="/admin/logout/" method="post">', header)
    assert ">退出</button>" in header


def test_the_reading_mode_toggle_and_its_script_are_on_every_page(client, home_page):
    html = client.get("/about/").content.decode()
    assert 'src="/static/portal/js/reading-mode.js"' in html
    assert 'data-reading-mode-toggle aria-pressed="false">长辈模式</button>' in html
