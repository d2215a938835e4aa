import json
from datetime import UTC, datetime, timedelta

import pytest

from django.db import connection
from django.http import Http404

from events.services import event_cancel, event_exception_set
from tests.events.factories import EventFactory, days_ahead, shanghai, staff_member
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _json_ld(html: str) -> dict:
    return json.loads(html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])


def test_nine_oclock_in_shanghai_is_stored_as_one_utc_and_shown_as_nine(client):
    event = EventFactory(title="川渝党史部门联席会议", starts_at=shanghai(2030, 3, 18, 9, 0))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
            "FROM events_event WHERE id = %s",
            [event.pk],
        )
        assert cursor.fetchone()[0] == "2030-03-18 01:00"

    html = client.get(event.get_absolute_url()).content.decode()
    assert "2030年3月18日 09:00" in html
    assert "（北京时间）" in html
    assert _json_ld(html)["startDate"] == "2030-03-18T09:00:00+08:00"

    english = client.get(f"/en/events/{event.global_id}/").content.decode()
    assert "18 Mar 2030, 09:00" in english
    assert "(Beijing time)" in english


def test_event_page_carries_schema_org_event_data(client):
    host = OrganisationFactory(name="重庆市委党史研究室X", region="chongqing")
    co_host = OrganisationFactory(name="四川省委党史研究室X", region="sichuan")
    event = EventFactory(
        title="红岩精神与中国革命精神学术研讨会",
        event_type="symposium",
        origin_organisation=host,
        co_hosts=[co_host],
        city="重庆",
        venue="西南大学",
        online_url="https://meeting.example.org/hongyan",
        agenda="<ol><li>开幕式</li><li>分组研讨</li></ol>",
    )
    html = client.get(event.get_absolute_url()).content.decode()
    data = _json_ld(html)
    assert data["@type"] == "Event"
    assert data["name"] == "红岩精神与中国革命精神学术研讨会"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [o["name"] for o in data["organizer"]] == ["重庆市委党史研究室X", "四川省委党史研究室X"]
    assert data["location"][0]["name"] == "西南大学"
    assert data["location"][1] == {"@type": "VirtualLocation", "url": "https://meeting.example.org/hongyan"}
    assert data["url"] == f"http://testserver/events/{event.global_id}/"
    assert "分组研讨" in html

    event_cancel(event=event)
    html = client.get(event.get_absolute_url()).content.decode()
    assert _json_ld(html)["eventStatus"] == "https://schema.org/EventCancelled"
    assert "本活动已取消。" in html
    english = client.get(f"/en/events/{event.global_id}/").content.decode()
    assert "This event has been cancelled." in english and "Symposium" in english


def test_recurring_event_page_lists_cancelled_and_moved_occurrences(client):
    first = days_ahead(5)
    event = EventFactory(title="季度联席会议", starts_at=first, frequency="WEEKLY", count=3)
    event_exception_set(
        event=event, original_date=(first + timedelta(days=7)).date(), kind="cancelled", note="因故取消"
    )
    event_exception_set(
        event=event,
        original_date=(first + timedelta(days=14)).date(),
        kind="moved",
        new_starts_at=first + timedelta(days=15),
        new_ends_at=first + timedelta(days=15, hours=2),
    )
    html = client.get(event.get_absolute_url()).content.decode()
    data = _json_ld(html)
    assert data["eventSchedule"]["repeatFrequency"] == "P1W"
    assert data["eventSchedule"]["repeatCount"] == 3
    assert data["eventSchedule"]["scheduleTimezone"] == "Asia/Shanghai"
    occurrences = html.split("近期场次", 1)[1].split("</section>", 1)[0]
    assert occurrences.count("<li") == 3
    assert "因故取消" in occurrences and "已取消" in occurrences
    original = (first + timedelta(days=14)).strftime("%Y年%-m月%-d日")
    assert f"由 {original} 改期" in occurrences


def test_month_view_places_events_on_their_days_with_a_subscribe_link(client):
    chengdu = OrganisationFactory(code="sc-chengdu-m", region="sichuan", level="city")
    EventFactory(title="第一次联席会议", origin_organisation=chengdu, starts_at=shanghai(2030, 5, 19, 9, 30))
    EventFactory(title="渝东南论坛", event_type="forum", starts_at=shanghai(2030, 5, 28, 14, 0))
    # Late evening UTC is already the next day in Shanghai.
    EventFactory(title="跨日活动", starts_at=datetime(2030, 5, 20, 23, 30, tzinfo=UTC))

    response = client.get("/events/month/2030/05/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2030年5月" in html
    day_19 = html.split('datetime="2030-05-19"', 1)[1].split("</td>", 1)[0]
    assert "09:30 第一次联席会议" in day_19
    day_21 = html.split('datetime="2030-05-21"', 1)[1].split("</td>", 1)[0]
    assert "07:30 跨日活动" in day_21
    assert 'href="/events/month/2030/04/"' in html and 'href="/events/month/2030/06/"' in html
    assert 'href="webcal://testserver/events/calendar.ics"' in html

    forum_only = client.get("/events/month/2030/05/?type=forum").content.decode()
    assert "渝东南论坛" in forum_only and "第一次联席会议" not in forum_only
    assert 'href="webcal://testserver/events/calendar/type/forum.ics"' in forum_only
    assert 'href="/events/month/2030/06/?type=forum"' in forum_only

    sichuan = client.get("/events/month/2030/05/?region=sichuan").content.decode()
    assert "第一次联席会议" in sichuan and "渝东南论坛" not in sichuan
    assert "webcal://testserver/events/calendar/sichuan.ics" in sichuan

    by_organisation = client.get("/events/month/2030/05/?organisation=sc-chengdu-m").content.decode()
    assert "第一次联席会议" in by_organisation and "渝东南论坛" not in by_organisation
    assert "webcal://testserver/events/calendar/organisation/sc-chengdu-m.ics" in by_organisation

    assert client.get("/events/month/2030/13/").status_code == 404


def test_list_view_shows_upcoming_then_past_occurrences(client):
    EventFactory(title="即将召开的联席会议", starts_at=days_ahead(40))
    EventFactory(title="川渝党史部门第一次联席会议", starts_at=shanghai(2020, 5, 19, 9, 30))
    upcoming = client.get("/events/").content.decode()
    past = client.get("/events/past/").content.decode()
    assert "即将召开的联席会议" in upcoming and "第一次联席会议" not in upcoming
    assert "第一次联席会议" in past and "即将召开的联席会议" not in past
    english = client.get("/en/events/").content.decode()
    assert "Joint meetings calendar" in english and "Subscribe to all public events" in english


def test_readers_see_only_what_the_access_rule_allows(client):
    own = OrganisationFactory()
    other = OrganisationFactory(region="sichuan")
    when = days_ahead(10)
    month = f"/events/month/{when.year}/{when.month:02d}/"
    public = EventFactory(title="公开的研讨会", origin_organisation=own, starts_at=when)
    partners = EventFactory(
        title="协作单位的咨询会", access_level="partners", origin_organisation=own, starts_at=when
    )
    internal = EventFactory(
        title="本单位的内部会", access_level="internal", origin_organisation=own, starts_at=when
    )

    def visible(url):
        html = client.get(url).content.decode()
        return {title for title in (public.title, partners.title, internal.title) if title in html}

    assert visible("/events/") == {public.title}
    assert visible(month) == {public.title}
    assert client.get(partners.get_absolute_url()).status_code == 404
    assert client.get(internal.get_absolute_url()).status_code == 404

    client.force_login(staff_member(other))
    assert visible("/events/") == {public.title, partners.title}
    assert client.get(partners.get_absolute_url()).status_code == 200
    assert client.get(internal.get_absolute_url()).status_code == 404

    client.force_login(staff_member(own))
    assert visible(month) == {public.title, partners.title, internal.title}
    assert client.get(internal.get_absolute_url()).status_code == 200


def test_minutes_decisions_and_action_items_after_the_meeting(client):
    from events.models import ActionItem, EventMaterialLink

    host = OrganisationFactory(name="四川省委党史研究室Y")
    event = EventFactory(origin_organisation=host, minutes="<p>会议商定建立联席会议制度。</p>")
    EventMaterialLink.objects.create(event=event, kind="decision", title="合作框架协议要点", url="/about/")
    ActionItem.objects.create(
        event=event,
        text="制定联合培养行动计划",
        owner_organisation=host,
        due_date=shanghai(2030, 12, 31).date(),
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert "会议商定建立联席会议制度" in html
    assert 'href="/about/">合作框架协议要点' in html
    # Follow-up tasks and their owners are for staff only.
    assert "制定联合培养行动计划" not in html
    client.force_login(staff_member(OrganisationFactory()))
    html = client.get(event.get_absolute_url()).content.decode()
    assert "制定联合培养行动计划" in html and "2030年12月31日" in html


def test_an_action_items_owner_is_named_family_name_first(client):
    from events.models import ActionItem

    host = OrganisationFactory(name="四川省委党史研究室Z")
    owner = staff_member(host)
    owner.last_name, owner.first_name = "张", "明"
    owner.save()
    event = EventFactory(origin_organisation=host)
    ActionItem.objects.create(event=event, text="整理会议纪要", owner_organisation=host, owner_user=owner)
    client.force_login(owner)
    assert "<td>张明</td>" in client.get(event.get_absolute_url()).content.decode()


def test_the_calendar_page_hands_over_to_the_calendar_views_wherever_it_sits(rf):
    from django.urls import reverse

    from events.models import EventCalendarPage

    page = EventCalendarPage(title="联席会议日历", slug="calendar-elsewhere")
    view, args, kwargs = page.resolve_subpage("/")
    response = view(rf.get("/calendar-elsewhere/", {"region": "sichuan"}), *args, **kwargs)
    assert response.status_code == 302
    assert response["Location"] == reverse("events:event_list") + "?region=sichuan"
    view, args, kwargs = page.resolve_subpage("/month/2030/3/")
    response = view(rf.get("/calendar-elsewhere/month/2030/3/"), *args, **kwargs)
    assert response["Location"] == reverse("events:event_month", kwargs={"year": 2030, "month": 3})
    view, args, kwargs = page.resolve_subpage("/past/2025/")
    response = view(rf.get("/calendar-elsewhere/past/2025/", {"type": "forum"}), *args, **kwargs)
    assert response["Location"] == reverse("events:event_past_year", kwargs={"year": 2025}) + "?type=forum"
    view, args, kwargs = page.resolve_subpage("/past/")
    response = view(rf.get("/calendar-elsewhere/past/"), *args, **kwargs)
    assert response["Location"] == reverse("events:event_past")
    view, args, kwargs = page.resolve_subpage("/past/99999/")
    with pytest.raises(Http404):
        view(rf.get("/calendar-elsewhere/past/99999/"), *args, **kwargs)
