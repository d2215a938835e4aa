"""Readers browse by type, period, place, person, organisation and region, page by page."""

import pytest

from portal.services import topic_get_or_create
from tests.support.pages import page_links

from .factories import MaterialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(own_organisation, partner_organisation):
    qijiang = topic_get_or_create(kind="place", name="綦江")
    liu = topic_get_or_create(kind="person", name="刘德惠")
    paper = MaterialFactory(
        title="中央红军长征过綦江的群众路线", material_type="paper", origin_organisation=own_organisation
    )
    paper.topics.add(qijiang)
    archive = MaterialFactory(
        title="刘德惠烈士史料", material_type="archive", origin_organisation=own_organisation
    )
    archive.topics.add(liu)
    MaterialFactory(
        title="成渝地区党史资源互补性研究",
        material_type="report",
        period="new_era",
        origin_organisation=partner_organisation,
        origin_region="chongqing",
    )
    return {"qijiang": qijiang, "liu": liu}


def titles(response) -> set[str]:
    html = response.content.decode()
    return {
        t
        for t in ("中央红军长征过綦江的群众路线", "刘德惠烈士史料", "成渝地区党史资源互补性研究")
        if t in html
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"type": "paper"}, {"中央红军长征过綦江的群众路线"}),
        ({"period": "new_era"}, {"成渝地区党史资源互补性研究"}),
        ({"place": "place-綦江"}, {"中央红军长征过綦江的群众路线"}),
        ({"person": "person-刘德惠"}, {"刘德惠烈士史料"}),
        ({"organisation": "sc-chengdu"}, {"成渝地区党史资源互补性研究"}),
        ({"region": "chongqing"}, {"成渝地区党史资源互补性研究"}),
        ({"region": "sichuan", "type": "archive"}, {"刘德惠烈士史料"}),
        ({}, {"中央红军长征过綦江的群众路线", "刘德惠烈士史料", "成渝地区党史资源互补性研究"}),
    ],
)
def test_filters_on_the_page_and_in_the_api(client, catalogue, query, expected):
    assert titles(client.get("/materials/", query)) == expected
    items = client.get("/api/materials/", query).json()["items"]
    assert {item["title"] for item in items} == expected


def test_filter_menus_offer_the_places_and_people_in_use(client, catalogue):
    html = client.get("/materials/").content.decode()
    assert '<option value="place-綦江">綦江</option>' in html
    assert '<option value="person-刘德惠">刘德惠</option>' in html


def test_listing_and_api_are_paginated(client, own_organisation):
    for number in range(25):
        MaterialFactory(title=f"綦江党史资料第{number:02d}号", origin_organisation=own_organisation)
    first = client.get("/materials/").content.decode()
    assert first.count('class="material-list__item') == 20 and "第 1 页，共 2 页" in first
    second = client.get("/materials/" + page_links(first)["next"]).content.decode()
    assert second.count('class="material-list__item') == 5 and "第 2 页，共 2 页" in second
    old_link = client.get("/materials/", {"page": 2}).content.decode()
    assert old_link.count('class="material-list__item') == 5
    api = client.get("/api/materials/", {"limit": 10, "offset": 20}).json()
    assert api["count"] == 25 and len(api["items"]) == 5
