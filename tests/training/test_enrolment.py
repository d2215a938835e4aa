import datetime

import pytest

from django.core import mail
from django.utils import timezone

from training import services
from training.models import Eligibility, Enrolment

from .factories import SessionFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

State = Enrolment.State


def enrol_page(client, session):
    return client.get(f"/training/sessions/{session.pk}/").content.decode()


def test_a_full_session_puts_the_next_staff_member_on_the_waitlist(client, organisations, session):
    for n in range(3):
        services.enrolment_create(session_id=session.pk, user=staff(f"early{n}", organisations["sichuan"]))
    late = staff("late", organisations["sichuan"])
    client.force_login(late)

    response = client.post(f"/training/sessions/{session.pk}/enrol/", follow=True)

    html = response.content.decode()
    assert "名额已满，您已进入候补名单，排第 1 位。" in html
    assert "您在候补名单第 1 位。" in html
    assert "已报名 3/3，候补 1 人" in html
    assert Enrolment.objects.get(user=late).state == State.WAITLISTED


def test_cancelling_promotes_the_first_on_the_waitlist_and_emails_them(
    client, organisations, session, django_capture_on_commit_callbacks
):
    enrolled = [staff(f"enrolled{n}", organisations["sichuan"]) for n in range(3)]
    for user in enrolled:
        services.enrolment_create(session_id=session.pk, user=user)
    first = staff("first_waiting", organisations["sichuan"])
    second = staff("second_waiting", organisations["chongqing"])  # decided by us below
    services.enrolment_create(session_id=session.pk, user=first)
    request = services.enrolment_create(session_id=session.pk, user=second)
    services.enrolment_decide(
        enrolment_id=request.pk, approve=True, decided_by=staff("boss", session.organiser, roles=["trainer"])
    )
    assert list(
        session.enrolments.filter(state=State.WAITLISTED)
        .order_by("queued_at")
        .values_list("user__username", flat=True)
    ) == ["first_waiting", "second_waiting"]

    client.force_login(enrolled[0])
    mine = Enrolment.objects.get(user=enrolled[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/training/enrolments/{mine.pk}/cancel/", follow=True)

    assert "已取消报名。" in response.content.decode()
    assert Enrolment.objects.get(pk=mine.pk).state == State.CANCELLED
    assert Enrolment.objects.get(user=first).state == State.ENROLLED
    assert Enrolment.objects.get(user=second).state == State.WAITLISTED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["first_waiting@example.org"]
    assert session.course.title in message.subject
    assert "您已从候补名单转为正式学员" in message.body

    client.force_login(first)
    assert "您已报名本班次。" in enrol_page(client, session)
    client.force_login(second)
    assert "您在候补名单第 1 位。" in enrol_page(client, session)


def test_no_email_is_sent_when_the_cancelling_transaction_rolls_back(organisations, session):
    users = [staff(f"u{n}", organisations["sichuan"]) for n in range(4)]
    enrolments = [services.enrolment_create(session_id=session.pk, user=u) for u in users]
    # Without a commit, on_commit callbacks never run (the test transaction is rolled back).
    services.enrolment_cancel(enrolment_id=enrolments[0].pk, user=users[0])
    assert Enrolment.objects.get(pk=enrolments[3].pk).state == State.ENROLLED
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (datetime.timedelta(days=2), datetime.timedelta(days=9), "报名尚未开始"),
        (datetime.timedelta(days=-9), datetime.timedelta(days=-2), "报名已于"),
    ],
)
def test_enrolment_outside_its_window_is_refused(client, organisations, opens, closes, message):
    now = timezone.now()
    session = SessionFactory(
        course__origin_organisation=organisations["organiser"],
        enrolment_opens=now + opens,
        enrolment_closes=now + closes,
    )
    user = staff("too_early_or_late", organisations["sichuan"])
    client.force_login(user)

    page = enrol_page(client, session)
    assert "当前不在报名时间内。" in page and "/enrol/" not in page
    response = client.post(f"/training/sessions/{session.pk}/enrol/", follow=True)

    assert message in response.content.decode()
    assert not Enrolment.objects.filter(user=user).exists()


def test_host_region_session_refuses_the_partner_region(client, organisations):
    session = SessionFactory(
        course__origin_organisation=organisations["organiser"], eligibility=Eligibility.HOST_REGION
    )
    client.force_login(staff("chongqing_staff", organisations["chongqing"]))
    page = enrol_page(client, session)
    assert "本班次只接受主办地区工作人员报名。" in page and "/enrol/" not in page

    response = client.post(f"/training/sessions/{session.pk}/enrol/", follow=True)

    assert "本班次只接受主办地区工作人员报名。" in response.content.decode()
    assert not session.enrolments.exists()


def test_invitation_only_session_admits_invited_organisations_only(client, organisations):
    session = SessionFactory(
        course__origin_organisation=organisations["organiser"], eligibility=Eligibility.INVITATION
    )
    session.invited_organisations.add(organisations["sichuan"])
    outsider = staff("not_invited", organisations["chongqing"])
    with pytest.raises(services.NotEligible):
        services.enrolment_create(session_id=session.pk, user=outsider)

    client.force_login(staff("invited", organisations["sichuan"]))
    response = client.post(f"/training/sessions/{session.pk}/enrol/", follow=True)
    assert "报名成功。" in response.content.decode()
    assert session.enrolments.get().state == State.ENROLLED


def test_a_signed_in_user_without_an_organisation_cannot_enrol(client, django_user_model, session):
    client.force_login(django_user_model.objects.create_user("visitor", password="x-pass-word-1"))
    page = enrol_page(client, session)
    assert "只有川渝党史部门的工作人员可以报名。" in page
    response = client.post(f"/training/sessions/{session.pk}/enrol/", follow=True)
    assert "只有川渝党史部门的工作人员可以报名。" in response.content.decode()
    assert not session.enrolments.exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, session):
    assert "工作人员登录后报名" in enrol_page(client, session)
    response = client.post(f"/training/sessions/{session.pk}/enrol/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_enrolling_twice_is_refused(client, organisations, session):
    client.force_login(staff("eager", organisations["sichuan"]))
    client.post(f"/training/sessions/{session.pk}/enrol/")
    response = client.post(f"/training/sessions/{session.pk}/enrol/", follow=True)
    assert "您已报名本班次。" in response.content.decode()
    assert session.enrolments.count() == 1


def test_partner_region_staff_file_a_request_the_owner_decides(
    client, organisations, session, trainer, settings
):
    assert settings.PORTAL_REGION == session.region == "sichuan"
    applicant = staff("cq_applicant", organisations["chongqing"])
    client.force_login(applicant)
    page = enrol_page(client, session)
    assert "本班次由另一地区主办" in page

    response = client.post(f"/training/sessions/{session.pk}/enrol/", follow=True)

    assert "报名申请已提交，等待主办地区确认。" in response.content.decode()
    enrolment = session.enrolments.get()
    assert (enrolment.state, enrolment.owner_region, enrolment.requested_from_region) == (
        State.REQUESTED,
        "sichuan",
        "chongqing",
    )
    # A request holds no place until the owner decides.
    assert "已报名 0/3" in enrol_page(client, session)
    with pytest.raises(services.NotPermitted):
        services.enrolment_decide(enrolment_id=enrolment.pk, approve=True, decided_by=applicant)

    organiser = client.__class__()
    organiser.force_login(trainer)
    roster = organiser.get(f"/training/sessions/{session.pk}/roster/").content.decode()
    assert "cq_applicant（测试区委党史研究室）申请报名" in roster
    organiser.post(f"/training/enrolments/{enrolment.pk}/decide/", {"decision": "approve"})

    enrolment.refresh_from_db()
    assert enrolment.state == State.ENROLLED and enrolment.decided_by == trainer
    assert enrolment.version == 2
    assert "您已报名本班次。" in enrol_page(client, session)


def test_the_owner_region_alone_decides(organisations, session, trainer, settings):
    request = services.enrolment_create(session_id=session.pk, user=staff("cq", organisations["chongqing"]))
    settings.PORTAL_REGION = "chongqing"  # as if this were the requester's deployment
    with pytest.raises(services.NotPermitted):
        services.enrolment_decide(enrolment_id=request.pk, approve=True, decided_by=trainer)


def test_declined_request_is_told_to_the_applicant(
    client, organisations, session, trainer, django_capture_on_commit_callbacks
):
    applicant = staff("declined_applicant", organisations["chongqing"])
    request = services.enrolment_create(session_id=session.pk, user=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_decide(enrolment_id=request.pk, approve=False, decided_by=trainer)
    client.force_login(applicant)
    assert "上次报名状态：未获批准" in enrol_page(client, session)
    assert [m.to for m in mail.outbox] == [["declined_applicant@example.org"]]
    assert "未获批准" in mail.outbox[0].body


def test_raising_capacity_promotes_the_waitlist(organisations, session, django_capture_on_commit_callbacks):
    users = [staff(f"cap{n}", organisations["sichuan"]) for n in range(5)]
    for user in users:
        services.enrolment_create(session_id=session.pk, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.session_capacity_set(session_id=session.pk, capacity=4)
    assert [e.user.username for e in promoted] == ["cap3"]
    assert [m.to for m in mail.outbox] == [["cap3@example.org"]]
