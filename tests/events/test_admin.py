import pytest

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from events.models import Event
from portal.services import staff_user_create_or_update
from tests.events.factories import EventFactory
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_an_editor_schedules_a_quarterly_meeting_for_their_own_organisation(client):
    # Records here are owned by organisations of this region (sichuan in the test bed).
    own = OrganisationFactory(name="璧山区委党史研究室A", region="sichuan")
    other = OrganisationFactory(name="江津区委党史研究室A", region="sichuan")
    EventFactory(title="别家单位的活动", origin_organisation=other)
    editor = staff_user_create_or_update(username="bs_editor_t", organisation=own, roles=["editor"])
    client.force_login(editor)

    listing = client.get("/admin/snippets/events/event/").content.decode()
    assert "别家单位的活动" not in listing
    form = client.get("/admin/snippets/events/event/add/").content.decode()
    assert "璧山区委党史研究室A" in form and "江津区委党史研究室A" not in form.split('name="co_hosts"')[0]

    data = nested_form_data(
        {
            "title": "璧山区季度党史工作联席会议",
            "event_type": "joint_meeting",
            "status": "scheduled",
            "access_level": "partners",
            "origin_organisation": own.pk,
            "starts_at": "2030-01-15 09:00",
            "ends_at": "2030-01-15 11:00",
            "frequency": "MONTHLY",
            "interval": 3,
            "count": 4,
            "venue": "璧山区委党史研究室",
            "agenda": rich_text("<p>通报季度工作</p>"),
            "exceptions": inline_formset(
                [{"original_date": "2030-04-15", "kind": "cancelled", "note": "清明前后调整"}]
            ),
            "material_links": inline_formset([]),
            "action_items": inline_formset([]),
        }
    )
    response = client.post("/admin/snippets/events/event/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]

    event = Event.objects.get(title="璧山区季度党史工作联席会议")
    assert event.origin_organisation == own
    assert event.starts_at.isoformat() == "2030-01-15T01:00:00+00:00"
    exceptions = [(e.original_date.isoformat(), e.kind) for e in event.exceptions.all()]
    assert exceptions == [("2030-04-15", "cancelled")]
