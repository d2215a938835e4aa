"""Who sees which project: the access matrix on the list, the detail page and the API."""

import pytest

from django.contrib.auth import get_user_model

from wagtail.models import APIToken

pytestmark = pytest.mark.django_db

# reader -> access levels of the projects they may see
MATRIX = {
    "anonymous": {"public"},
    "partner": {"public", "partners"},
    "own": {"public", "partners", "internal"},
}


@pytest.fixture
def api_headers(readers):
    """Bearer tokens for the same readers (the API ignores session cookies)."""
    headers = {"anonymous": {}}
    for reader, username in [("partner", "partner_staff"), ("own", "own_staff")]:
        user = get_user_model().objects.get(username=username)
        _token, plaintext = APIToken.create_token(user=user, name="test")
        headers[reader] = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    return headers


@pytest.mark.parametrize("reader", MATRIX)
def test_project_list_shows_exactly_what_the_reader_may_see(readers, projects, reader):
    html = readers[reader].get("/research/").content.decode()
    shown = {level for level, project in projects.items() if project.title in html}
    assert shown == MATRIX[reader]


@pytest.mark.parametrize("reader", MATRIX)
def test_project_detail_is_served_only_to_readers_who_may_see_it(readers, projects, reader):
    for level, project in projects.items():
        response = readers[reader].get(f"/research/{project.global_id}/")
        if level in MATRIX[reader]:
            assert response.status_code == 200, level
            assert project.title in response.content.decode()
        else:
            assert response.status_code == 404, level
            assert project.title not in response.content.decode()


def test_internal_project_is_hidden_from_another_office_of_the_same_region(organisations, projects):
    from django.test import Client

    from .conftest import staff

    client = Client()
    client.force_login(staff("neighbour", organisations["same_region"]))
    assert client.get(f"/research/{projects['internal'].global_id}/").status_code == 404
    assert projects["partners"].title in client.get("/research/").content.decode()


@pytest.mark.parametrize("reader", MATRIX)
def test_api_project_list_applies_the_same_rule(client, api_headers, projects, reader):
    response = client.get("/api/research/projects/", **api_headers[reader])
    assert response.status_code == 200
    body = response.json()
    assert {item["access_level"] for item in body["items"]} == MATRIX[reader]
    assert body["count"] == len(MATRIX[reader])
    item = body["items"][0]
    # What sync needs travels with every record.
    assert {"global_id", "origin_region", "origin_organisation", "version", "access_level"} <= item.keys()


@pytest.mark.parametrize("reader", MATRIX)
def test_api_project_detail_applies_the_same_rule(client, api_headers, projects, reader):
    for level, project in projects.items():
        response = client.get(f"/api/research/projects/{project.global_id}/", **api_headers[reader])
        if level in MATRIX[reader]:
            assert response.status_code == 200, level
            body = response.json()
            assert body["title"] == project.title
            assert {o["code"] for o in body["lead_organisations"]} == {"cq-test-own", "sc-test"}
        else:
            assert response.status_code == 404, level


def test_api_session_cookie_does_not_elevate_an_anonymous_request(readers, projects):
    # A signed-in browser without a token is anonymous to the API.
    body = readers["own"].get("/api/research/projects/").json()
    assert {item["access_level"] for item in body["items"]} == {"public"}


def test_api_is_described_in_the_openapi_schema(client, projects):
    schema = client.get("/api/openapi.json").json()
    assert "/api/research/projects/" in schema["paths"]
    assert "/api/research/experts/" in schema["paths"]


def test_project_list_filters_by_status_topic_organisation_and_region(client, organisations):
    from .factories import ProjectFactory, TopicFactory

    topic = TopicFactory(name="长征", slug="long-march-test")
    marching = ProjectFactory(
        title="长征史实课题",
        status="completed",
        origin_organisation=organisations["own"],
        lead_organisations=[organisations["own"]],
        topics=[topic],
    )
    other = ProjectFactory(
        title="资政研究课题",
        status="active",
        origin_organisation=organisations["partner"],
        lead_organisations=[organisations["partner"]],
    )

    def titles(query):
        html = client.get(f"/research/?{query}").content.decode()
        return {p.title for p in (marching, other) if p.title in html}

    assert titles("") == {marching.title, other.title}
    assert titles("status=completed") == {marching.title}
    assert titles("topic=long-march-test") == {marching.title}
    assert titles("organisation=sc-test") == {other.title}
    assert titles("region=chongqing") == {marching.title}
    assert titles("region=sichuan") == {other.title}
    api = client.get("/api/research/projects/?region=sichuan").json()
    assert [item["title"] for item in api["items"]] == [other.title]


def test_filters_offer_only_topics_of_projects_the_reader_may_see(client, readers, organisations):
    from .factories import ProjectFactory, TopicFactory

    secret = TopicFactory(name="内部专题", slug="internal-topic")
    ProjectFactory(
        title="内部专题课题",
        access_level="internal",
        origin_organisation=organisations["own"],
        topics=[secret],
    )
    assert "内部专题" not in client.get("/research/").content.decode()
    assert "内部专题" in readers["own"].get("/research/").content.decode()


def test_project_pages_are_translated_to_english(client, projects):
    html = client.get("/en/research/").content.decode()
    assert '<html lang="en">' in html
    assert "Joint research projects" in html and "1 project" in html
    detail = client.get(f"/en/research/{projects['public'].global_id}/").content.decode()
    assert "Lead organisations" in detail
