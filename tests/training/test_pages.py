import datetime

import pytest

from django.test import Client

from tests.factories import OrganisationFactory

from .factories import SessionFactory, SittingFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_course_list_follows_the_access_rule(organisations, client):
    organiser = organisations["organiser"]
    public = SessionFactory(course__title="公开培训班", course__origin_organisation=organiser)
    SessionFactory(
        course__title="协作单位培训班", course__origin_organisation=organiser, course__access_level="partners"
    )
    SessionFactory(
        course__title="内部培训班", course__origin_organisation=organiser, course__access_level="internal"
    )

    anonymous = client.get("/training/").content.decode()
    assert "公开培训班" in anonymous and "协作单位培训班" not in anonymous and "内部培训班" not in anonymous
    assert public.title in anonymous

    partner = Client()
    partner.force_login(staff("cq_reader", organisations["chongqing"]))
    html = partner.get("/training/").content.decode()
    assert "协作单位培训班" in html and "内部培训班" not in html

    own = Client()
    own.force_login(staff("own_reader", organiser))
    assert "内部培训班" in own.get("/training/").content.decode()


def test_a_session_hidden_from_the_reader_is_not_found(organisations, client):
    hidden = SessionFactory(
        course__origin_organisation=organisations["organiser"], course__access_level="partners"
    )
    assert client.get(f"/training/sessions/{hidden.pk}/").status_code == 404
    reader = Client()
    reader.force_login(
        staff("other", OrganisationFactory(code="cq-x", name="某区党史研究室", region="chongqing"))
    )
    assert reader.post(f"/training/sessions/{hidden.pk}/enrol/").status_code == 302


def test_session_page_shows_sittings_in_beijing_time(client, session):
    SittingFactory(
        session=session,
        title="党史资料征集与整理方法",
        starts_at=datetime.datetime(2030, 5, 6, 1, 0, tzinfo=datetime.UTC),
    )
    html = client.get(f"/training/sessions/{session.pk}/").content.decode()
    assert "2030年5月6日 09:00" in html and "党史资料征集与整理方法" in html
    assert "时间均为北京时间。" in html


def test_session_page_in_english(client, session):
    html = client.get(f"/en/training/sessions/{session.pk}/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in as staff to enrol" in html and "报名" not in html.split("<main")[1]
