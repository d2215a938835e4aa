"""The expert pool: staff find experts by field or name."""

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
    return {"hongyan": hongyan, "long_march": long_march}


def names(response):
    html = response.content.decode()
    return {n for n in ("潘洵", "李研究", "内部专家") if f"<h2>{n}</h2>" in html}


def test_expert_pool_is_for_signed_in_staff(client, readers, pool):
    response = client.get("/research/experts/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    outsider = Client()
    outsider.force_login(get_user_model().objects.create_user("reader", password="x"))
    assert outsider.get("/research/experts/").status_code == 403
    assert names(readers["partner"].get("/research/experts/")) == {"潘洵", "李研究"}
    assert names(readers["own"].get("/research/experts/")) == {"潘洵", "李研究", "内部专家"}


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


def test_api_lists_experts_to_staff_with_a_token_only(client, readers, pool):
    assert client.get("/api/research/experts/").status_code == 403
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
