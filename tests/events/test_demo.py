import io

import pytest

from django.core.management import call_command

from events.models import Event
from events.recurrence import event_occurrences
from tests.events.factories import shanghai
from tests.support.demo import partner_demo_seed

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_demo_calendar_has_the_bulletins_meetings_and_seeds_idempotently(client):
    # Only this module's demo runs, so other modules' demo data cannot break this test.
    call_command("seed_demo", module=["events"], stdout=io.StringIO())
    versions = dict(Event.objects.values_list("global_id", "version"))
    call_command("seed_demo", module=["events"], stdout=io.StringIO())
    assert dict(Event.objects.values_list("global_id", "version")) == versions
    # A region seeds only the meetings its own organisations host; the partner's come by sync.
    assert set(Event.objects.values_list("origin_region", flat=True)) == {"sichuan"}
    partner_demo_seed(partner="chongqing", modules=("events",))

    symposium = Event.objects.get(title="红岩精神与中国革命精神学术研讨会")
    assert symposium.origin_organisation.name == "重庆市委党史研究室"
    assert symposium.event_type == "symposium"
    assert symposium.city == "重庆"
    assert shanghai(2021, 1, 1) <= symposium.starts_at < shanghai(2021, 7, 1)
    assert "西南大学" in symposium.summary and "重庆红岩联线文化发展管理中心" in symposium.summary

    first = Event.objects.get(title="川渝党史部门第一次联席会议")
    assert first.starts_at.astimezone(shanghai(2020, 1, 1).tzinfo).date().isoformat() == "2020-05-19"
    assert first.city == "成都"
    assert first.action_items.count() == 3

    quarterly = Event.objects.get(title="川渝党史部门季度联席会议")
    assert (quarterly.frequency, quarterly.interval) == ("MONTHLY", 3)
    occurrences = event_occurrences(quarterly, start=shanghai(2020, 8, 1), end=shanghai(2021, 8, 1))
    assert [o.local_start.date().isoformat() for o in occurrences] == [
        "2020-08-18",
        "2020-11-25",
        "2021-02-18",
        "2021-05-18",
    ]
    assert [o.cancelled for o in occurrences] == [False, False, True, False]

    # The site menu leads to the calendar.
    assert '<a href="/events/">联席会议</a>' in client.get("/").content.decode()
    may_2020 = client.get("/events/month/2020/05/").content.decode()
    assert "川渝党史部门第一次联席会议" in may_2020
    # The consultation meeting is for partners' staff only.
    assert "专家咨询会议" not in may_2020
    assert "红岩精神与中国革命精神学术研讨会" in client.get(symposium.get_absolute_url()).content.decode()
