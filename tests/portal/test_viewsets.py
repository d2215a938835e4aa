"""In the admin, staff open only their own organisation's records, whatever view they ask for."""

import pytest

from materials.services import material_create
from portal.services import staff_user_create_or_update
from research.models import Project
from tests.events.factories import EventFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_organisations_records():
    other = OrganisationFactory(name="江津区委党史研究室V")
    return {
        "events/event": EventFactory(
            title="江津的内部会议", origin_organisation=other, access_level="internal"
        ),
        "materials/material": material_create(
            organisation=other, title="江津的内部资料", material_type="archive", access_level="internal"
        ),
        "research/project": Project.objects.create(
            title="江津的内部课题", origin_organisation=other, access_level="internal"
        ),
    }


@pytest.mark.parametrize("view", ["edit", "copy", "delete", "history", "usage"])
def test_an_editor_cannot_open_another_organisations_record_in_any_admin_view(
    client, other_organisations_records, view
):
    own = OrganisationFactory(name="璧山区委党史研究室V")
    editor = staff_user_create_or_update(
        username="bs_editor_v", organisation=own, roles=["editor", "researcher", "administrator"]
    )
    client.force_login(editor)
    for path, record in other_organisations_records.items():
        response = client.get(f"/admin/snippets/{path}/{view}/{record.pk}/")
        assert response.status_code in (302, 403), (path, view, response.status_code)
        assert record.title not in response.content.decode()


def test_the_research_admin_lists_only_the_own_organisations_projects(client, other_organisations_records):
    own = OrganisationFactory(name="璧山区委党史研究室W")
    Project.objects.create(title="璧山的课题", origin_organisation=own)
    researcher = staff_user_create_or_update(
        username="bs_researcher_w", organisation=own, roles=["researcher"]
    )
    client.force_login(researcher)
    listing = client.get("/admin/snippets/research/project/").content.decode()
    assert "璧山的课题" in listing and "江津的内部课题" not in listing
