"""The expert pool: readers find experts by field or name; each record's access level decides who sees it."""

import pytest

from django.contrib.auth import get_user_model
from django.test import Client

from wagtail.models import APIToken

from .factories import ExpertFactory, ProjectFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(organisations):
    hongyan = TopicFactory(name="红岩精神", slug="hongyan-spirit-test")
    long_march = TopicFactory(name="长征", slug="long-march-test")
    internal_project = ProjectFactory(
        title="内部工作课题", access_level="internal", origin_organisation=organisations["own"]
    )
    public_project = ProjectFactory(
        title="红岩精神与中国革命精神研究", origin_organisation=organisations["own"]
    )
    pan = ExpertFactory(
        name="潘洵",
        organisation=None,
        affiliation="西南大学",
        origin_organisation=organisations["own"],
        title="教授",
        fields=[hongyan],
    )
    pan.projects.set([public_project, internal_project])
    ExpertFactory(name="李研究", organisation=organisations["partner"], fields=[long_march])
    ExpertFactory(
        name="内部专家", organisation=organisations["own"], access_level="internal", fields=[hongyan]
    )
    ExpertFactory(name="公开专家", affiliation="四川大学", access_level="public")
    return {"hongyan": hongyan, "long_march": long_march}


def names(response):
    html = response.content.decode()
    return {n for n in ("潘洵", "李研究", "内部专家", "公开专家") if f"<h2>{n}</h2>" in html}


def test_new_experts_default_to_partners():
    from research.models import Expert

    assert Expert().access_level == "partners"


def test_the_record_decides_who_sees_an_expert(client, readers, pool):
    # Public experts for everyone, signed in or not; partners-level ones for staff of either region.
    assert client.get("/research/experts/").status_code == 200
    assert names(client.get("/research/experts/")) == {"公开专家"}
    outsider = Client()
    outsider.force_login(get_user_model().objects.create_user("reader", password="x"))
    assert names(outsider.get("/research/experts/")) == {"公开专家"}
    assert names(readers["partner"].get("/research/experts/")) == {"潘洵", "李研究", "公开专家"}
    assert names(readers["own"].get("/research/experts/")) == {"潘洵", "李研究", "内部专家", "公开专家"}


def test_staff_search_experts_by_field_and_by_name(readers, pool):
    partner = readers["partner"]
    assert names(partner.get("/research/experts/?field=hongyan-spirit-test")) == {"潘洵"}
    assert names(partner.get("/research/experts/?field=long-march-test")) == {"李研究"}
    assert names(partner.get("/research/experts/?q=潘")) == {"潘洵"}
    assert names(partner.get("/research/experts/?q=西南大学")) == {"潘洵"}
    html = partner.get("/research/experts/?field=hongyan-spirit-test").content.decode()
    assert "西南大学 · 教授" in html
    # An expert's internal projects are not disclosed to other organisations' staff.
    assert "红岩精神与中国革命精神研究" in html and "内部工作课题" not in html


def test_api_lists_experts_by_their_access_level(client, readers, pool):
    anonymous = client.get("/api/research/experts/")
    assert anonymous.status_code == 200 and [e["name"] for e in anonymous.json()["items"]] == ["公开专家"]
    user = get_user_model().objects.get(username="partner_staff")
    _token, plaintext = APIToken.create_token(user=user, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    body = client.get("/api/research/experts/?field=hongyan-spirit-test", **auth).json()
    assert [item["name"] for item in body["items"]] == ["潘洵"]
    expert = body["items"][0]
    assert expert["affiliation"] == "西南大学"
    assert [p["title"] for p in expert["projects"]] == ["红岩精神与中国革命精神研究"]
    detail = client.get(f"/api/research/experts/{expert['global_id']}/", **auth)
    assert detail.status_code == 200 and detail.json()["fields"][0]["name"] == "红岩精神"
