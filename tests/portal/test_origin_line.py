import pytest

from portal.settings.environment import Partner
from tests.factories import OrganisationFactory
from tests.materials.factories import MaterialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_chongqing(settings):
    settings.PORTAL_PARTNERS = [
        Partner(region="chongqing", base_url="https://cq.example.org", key_id="k", secret="s" * 40)
    ]


def test_a_replicated_record_names_its_source_and_links_to_the_original(client, home_page, partner_chongqing):
    qijiang = OrganisationFactory(code="cq-qijiang-x", name="綦江区委党史地方志研究室X", region="chongqing")
    replica = MaterialFactory(
        title="中央红军长征过綦江", origin_organisation=qijiang, origin_region="chongqing"
    )

    html = client.get(replica.get_absolute_url()).content.decode()

    assert "来自重庆站 · 供稿单位：綦江区委党史地方志研究室X（本站为只读副本）" in html
    assert f'href="https://cq.example.org{replica.get_absolute_url()}"' in html


def test_a_local_record_has_no_source_line(client, home_page, partner_chongqing):
    chengdu = OrganisationFactory(code="sc-chengdu-x", name="成都市委党史研究室X", region="sichuan")
    local = MaterialFactory(title="成都党史资料", origin_organisation=chengdu)

    html = client.get(local.get_absolute_url()).content.decode()

    assert "origin-line" not in html
