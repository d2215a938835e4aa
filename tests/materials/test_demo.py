import io

import pytest

from django.core.management import call_command

from materials.demo import demo_global_id
from materials.models import Material
from tests.support.demo import partner_demo_seed

pytestmark = pytest.mark.django_db

AGREEMENT = "川渝党史部门合作框架协议签署暨第一次联席会议纪要"  # Sichuan's own, public
QIJIANG = "中央红军长征过綦江的群众路线"  # Chongqing's, public
ZHU_ZAIMING = "朱再明将军墓等遗址遗迹修缮保护工作记录"  # Chongqing's, internal
YAAN = "雅安市委党史研究室赴江津区调研记录"  # Sichuan's, internal


def test_demo_materials_of_both_regions_are_seeded_once_and_served(client, home_page):
    titles = set(Material.objects.values_list("title", flat=True))
    assert {AGREEMENT, YAAN} <= titles
    assert QIJIANG not in titles  # a region seeds only its own; the partner's come by sync
    partner_demo_seed(partner="chongqing", modules=("materials",))
    titles = set(Material.objects.values_list("title", flat=True))
    assert {AGREEMENT, QIJIANG, YAAN} <= titles
    assert ZHU_ZAIMING not in titles  # the partner's internal material never comes here
    assert all(m.current_file is not None for m in Material.objects.all())

    call_command("seed_demo", stdout=io.StringIO())
    assert Material.objects.count() == len(titles)

    listing = client.get("/materials/").content.decode()
    assert AGREEMENT in listing and QIJIANG in listing
    assert YAAN not in listing  # internal
    qijiang = Material.objects.get(title=QIJIANG)
    assert qijiang.is_replica and qijiang.origin_region == "chongqing"
    assert qijiang.global_id == demo_global_id("cq-qijiang", QIJIANG)  # the same id at both regions
    page = client.get(f"/materials/{qijiang.global_id}/").content.decode()
    assert "来自重庆站 · 供稿单位：綦江区委党史地方志研究室（本站为只读副本）" in page
    assert {t.name for t in qijiang.topics.all()} == {"綦江", "中央红军长征"}

    agreement = Material.objects.get(title=AGREEMENT)
    response = client.get(f"/materials/{agreement.global_id}/download/")
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    assert (
        client.get("/materials/", {"region": "chongqing"})
        .content.decode()
        .count('class="material-list__item')
        == Material.objects.filter(origin_region="chongqing", access_level="public").count()
    )


def test_the_listing_is_translated(client):
    html = client.get("/en/materials/").content.decode()
    assert "Materials repository" in html and "Historical period" in html
