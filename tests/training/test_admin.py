import pytest

from django.test import Client

from wagtail.test.utils.form_data import inline_formset, nested_form_data

from training.models import Enrolment, Session

from .factories import CourseFactory, SessionFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def admin_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_trainer_manages_their_own_organisations_courses_only(organisations, trainer):
    own = CourseFactory(title="本单位培训班", origin_organisation=organisations["organiser"])
    other = CourseFactory(title="外单位培训班", origin_organisation=organisations["sichuan"])
    client = admin_client(trainer)

    listing = client.get("/admin/snippets/training/course/").content.decode()

    assert "本单位培训班" in listing and "外单位培训班" not in listing
    assert client.get(f"/admin/snippets/training/course/edit/{own.pk}/").status_code == 200
    assert client.get(f"/admin/snippets/training/course/edit/{other.pk}/").status_code in (302, 403)


def test_trainer_adds_a_session_with_its_sittings(organisations, trainer):
    course = CourseFactory(origin_organisation=organisations["organiser"])
    client = admin_client(trainer)

    response = client.post(
        "/admin/snippets/training/session/add/",
        nested_form_data(
            {
                "course": course.pk,
                "title": "第三期（成都）",
                "starts_on": "2030-05-06",
                "ends_on": "2030-05-08",
                "venue": "四川省委党校",
                "trainer_names": "党史专家",
                "capacity": 20,
                "enrolment_opens": "2030-04-01 09:00",
                "enrolment_closes": "2030-04-30 17:00",
                "eligibility": "both_regions",
                "sittings": inline_formset(
                    [
                        {"title": "开班式", "starts_at": "2030-05-06 09:00", "ends_at": "2030-05-06 12:00"},
                        {"title": "专题课", "starts_at": "2030-05-07 09:00", "ends_at": "2030-05-07 12:00"},
                    ]
                ),
            }
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    session = Session.objects.get(title="第三期（成都）")
    assert [s.title for s in session.sittings.all()] == ["开班式", "专题课"]
    # Entered in Beijing time, stored in UTC.
    assert session.sittings.first().starts_at.isoformat() == "2030-05-06T01:00:00+00:00"


def test_a_session_ending_before_it_starts_is_refused_with_a_reason(organisations, trainer):
    course = CourseFactory(origin_organisation=organisations["organiser"])
    response = admin_client(trainer).post(
        "/admin/snippets/training/session/add/",
        nested_form_data(
            {
                "course": course.pk,
                "title": "日期有误的班次",
                "starts_on": "2030-05-08",
                "ends_on": "2030-05-06",
                "venue": "四川省委党校",
                "capacity": 20,
                "enrolment_opens": "2030-04-01 09:00",
                "enrolment_closes": "2030-04-30 17:00",
                "eligibility": "both_regions",
                "sittings": inline_formset([]),
            }
        ),
    )
    assert response.status_code == 200
    assert "结业日期不能早于开班日期。" in response.content.decode()
    assert not Session.objects.filter(title="日期有误的班次").exists()


def test_raising_capacity_in_the_admin_promotes_the_waitlist(
    organisations, trainer, django_capture_on_commit_callbacks
):
    from training import services

    session = SessionFactory(course__origin_organisation=organisations["organiser"], capacity=1)
    users = [staff(f"queue{n}", organisations["sichuan"]) for n in range(2)]
    for user in users:
        services.enrolment_create(session_id=session.pk, user=user)
    client = admin_client(trainer)
    edit = client.get(f"/admin/snippets/training/session/edit/{session.pk}/")
    assert edit.status_code == 200
    form = edit.context["form"]
    data = {name: form[name].value() for name in ("course", "title", "venue", "trainer_names", "eligibility")}
    data.update(
        starts_on=session.starts_on.isoformat(),
        ends_on=session.ends_on.isoformat(),
        enrolment_opens="2020-01-01 09:00",
        enrolment_closes="2040-01-01 09:00",
        capacity=2,
        sittings=inline_formset([]),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/snippets/training/session/edit/{session.pk}/", nested_form_data(data))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Enrolment.objects.get(user=users[1]).state == Enrolment.State.ENROLLED
