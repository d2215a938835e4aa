"""A staff member enrols in a session the partner region hosts: the owner decides, the decision comes back.

This process plays both regions in turn (as tests/sync/test_modules.py does): the
owner's side is Sichuan, the requester is Chongqing; feed entries are made by the
owner's own serialiser and applied by the requester's change_apply.
"""

import datetime
import uuid

import pytest

from django.utils import timezone

from sync.context import apply_context
from sync.models import ChangeLog, OutgoingCommand
from sync.registry import command
from sync.selectors import change_entry
from sync.services.apply import change_apply
from training import services
from training.models import Course, Enrolment, Session

from .factories import SessionFactory, SittingFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

State = Enrolment.State


@pytest.fixture
def owner_is_sichuan(settings):
    settings.PORTAL_REGION = "sichuan"
    settings.PORTAL_PARTNERS = []


def request_payload(session, organisation, *, username="cq_xiaoli", enrolment=None):
    """The command Chongqing's task sends for one of its staff members."""
    return {
        "enrolment": str(enrolment or Enrolment._meta.get_field("global_id").default()),
        "session": str(session.global_id),
        "username": username,
        "name": "李小丽",
        "email": f"{username}@example.org",
        "organisation": organisation.code,
        "region": "chongqing",
    }


def handle(payload):
    return command("training.enrolment_request").handle(payload, "chongqing")


def fill(session, organisations, count):
    for n in range(count):
        services.enrolment_create(session_id=session.pk, user=staff(f"sc_full{n}", organisations["sichuan"]))


def test_a_remote_request_with_room_is_enrolled_by_the_owner(owner_is_sichuan, organisations, session):
    decision = handle(request_payload(session, organisations["chongqing"]))

    assert decision["state"] == State.ENROLLED
    enrolment = Enrolment.objects.get(global_id=decision["enrolment"])
    assert (enrolment.requested_from_region, enrolment.owner_region) == ("chongqing", "sichuan")
    # The stand-in account carries the organisation but can never sign in.
    assert enrolment.user.username == "chongqing.cq_xiaoli"
    assert not enrolment.user.is_active and not enrolment.user.has_usable_password()
    assert enrolment.user.staff_profile.organisation == organisations["chongqing"]
    assert enrolment.organisation == organisations["chongqing"]


def test_a_remote_request_at_capacity_is_waitlisted(owner_is_sichuan, organisations, session):
    fill(session, organisations, 3)

    decision = handle(request_payload(session, organisations["chongqing"]))

    assert decision["state"] == State.WAITLISTED
    assert session.enrolments.filter(state=State.ENROLLED).count() == 3
    assert Enrolment.objects.get(global_id=decision["enrolment"]).queued_at is not None


def test_the_same_command_twice_changes_nothing(owner_is_sichuan, organisations, session):
    payload = request_payload(session, organisations["chongqing"])
    first = handle(payload)
    enrolment = Enrolment.objects.get(global_id=first["enrolment"])
    fill(session, organisations, 2)  # the session is now full

    again = handle(payload)

    assert again == first
    assert session.enrolments.filter(user=enrolment.user).count() == 1
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.version) == (State.ENROLLED, 1)


def test_the_partners_cancellation_frees_the_place_for_the_head_of_the_waitlist(
    owner_is_sichuan, organisations, session
):
    fill(session, organisations, 2)
    remote = handle(request_payload(session, organisations["chongqing"]))
    assert remote["state"] == State.ENROLLED
    waiting = services.enrolment_create(
        session_id=session.pk, user=staff("sc_waiting", organisations["sichuan"])
    )
    assert waiting.state == State.WAITLISTED

    cancel = command("training.enrolment_cancel").handle({"enrolment": remote["enrolment"]}, "chongqing")

    assert cancel["state"] == State.CANCELLED
    waiting.refresh_from_db()
    assert waiting.state == State.ENROLLED
    # The same cancellation again, or one sent in the other region's name, changes nothing.
    assert (
        command("training.enrolment_cancel").handle({"enrolment": remote["enrolment"]}, "chongqing") == cancel
    )
    other = command("training.enrolment_cancel").handle({"enrolment": str(waiting.global_id)}, "chongqing")
    assert other["state"] == "unknown_enrolment"
    waiting.refresh_from_db()
    assert waiting.state == State.ENROLLED


def test_a_request_from_an_organisation_of_another_region_is_refused(
    owner_is_sichuan, organisations, session
):
    decision = handle(request_payload(session, organisations["sichuan"]))
    assert decision["state"] == "refused"
    assert not session.enrolments.exists()


def test_a_remote_request_outside_the_window_is_declined_with_its_reason(owner_is_sichuan, organisations):
    closed = SessionFactory(
        course__origin_organisation=organisations["organiser"],
        enrolment_opens=timezone.now() - datetime.timedelta(days=10),
        enrolment_closes=timezone.now() - datetime.timedelta(days=1),
    )

    decision = handle(request_payload(closed, organisations["chongqing"]))

    assert decision["state"] == State.DECLINED
    assert decision["reason"].startswith("报名已于") and decision["reason"].endswith("截止。")
    assert Enrolment.objects.get(global_id=decision["enrolment"]).decision_reason == decision["reason"]


def served(instances):
    return [change_entry(ChangeLog.objects.filter(global_id=i.global_id).last()) for i in instances]


def test_the_owner_decision_travels_back_to_the_requester(settings, organisations, client):
    settings.PORTAL_PARTNERS = []
    # 1. Sichuan hosts a session; its course and session (with its sitting) are in Sichuan's feed.
    settings.PORTAL_REGION = "sichuan"
    session = SessionFactory(course__origin_organisation=organisations["organiser"], capacity=1)
    SittingFactory(session=session, title="开班式")
    entries = served([session.course, session])
    with apply_context():
        Session.objects.filter(pk=session.pk).delete()
        Course.objects.filter(pk=session.course.pk).delete()
    ChangeLog.objects.all().delete()

    # 2. Chongqing receives them; its staff member asks to enrol and waits for the owner.
    settings.PORTAL_REGION = "chongqing"
    for entry in entries:
        assert change_apply(change=entry, partner_region="sichuan").applied == 1
    replica = Session.objects.get(global_id=session.global_id)
    assert replica.region == "sichuan" and replica.sittings.get().title == "开班式"
    applicant = staff("cq_xiaoli", organisations["chongqing"], full_name="李小丽")
    request = services.enrolment_create(session_id=replica.pk, user=applicant)
    assert (request.state, request.owner_region) == (State.REQUESTED, "sichuan")
    payload = services.enrolment_request_payload(enrolment=request)
    assert (payload["organisation"], payload["name"]) == ("cq-test-district", "李小丽")
    client.force_login(applicant)
    assert "已申请，待主办方确认" in client.get("/training/my/").content.decode()

    # 3. Sichuan (the same rows, seen as the owner) is full and handles the command.
    Enrolment.objects.filter(pk=request.pk).update(global_id=uuid.uuid4())  # out of the owner's way
    settings.PORTAL_REGION = "sichuan"
    fill(replica, organisations, 1)
    assert handle(payload)["state"] == State.WAITLISTED
    (decision,) = served([Enrolment.objects.get(global_id=payload["enrolment"])])
    with apply_context():
        Enrolment.objects.filter(global_id=payload["enrolment"]).delete()
    Enrolment.objects.filter(pk=request.pk).update(global_id=payload["enrolment"])

    # 4. Chongqing applies the decision from the feed: the applicant sees it.
    settings.PORTAL_REGION = "chongqing"
    assert change_apply(change=decision, partner_region="sichuan").applied == 1
    request.refresh_from_db()
    assert request.state == State.WAITLISTED and request.user == applicant
    page = client.get("/training/my/").content.decode()
    assert "候补" in page and "已申请，待主办方确认" not in page
    # Applied once: the same entry again changes nothing.
    assert change_apply(change=decision, partner_region="sichuan").applied == 0
    # Cancelling asks the owner: the place stays the owner's until its answer comes back.
    services.enrolment_cancel(enrolment_id=request.pk, user=applicant)
    request.refresh_from_db()
    assert request.state == State.WAITLISTED and request.cancel_requested_at is not None
    sent = OutgoingCommand.objects.filter(name="training.enrolment_cancel").get()
    assert (sent.partner_region, sent.payload) == ("sichuan", {"enrolment": str(request.global_id)})
    assert "已申请取消" in client.get("/training/my/").content.decode()
    # Nobody else at the requester can cancel the owner's record.
    with pytest.raises(services.NotPermitted):
        services.enrolment_cancel(
            enrolment_id=request.pk, user=staff("cq_other", organisations["chongqing"], roles=["trainer"])
        )


def test_reconciling_keeps_a_request_the_owner_has_not_answered_yet(settings, organisations):
    from portal.settings.environment import Partner
    from sync.services.reconcile import partner_reconcile
    from tests.sync.conftest import PartnerStub

    settings.PORTAL_REGION = "chongqing"
    stub = PartnerStub()
    settings.PORTAL_PARTNERS = [Partner(region="sichuan", base_url=stub.url, key_id="k", secret="s")]
    try:
        session = SessionFactory(course__origin_organisation=organisations["organiser"])
        # As sync leaves them at Chongqing: copies of Sichuan's course and session.
        Course.objects.filter(pk=session.course.pk).update(origin_region="sichuan")
        Session.objects.filter(pk=session.pk).update(origin_region="sichuan")
        request = services.enrolment_create(
            session_id=session.pk, user=staff("cq_xiaoli", organisations["chongqing"])
        )
        assert (request.state, request.version) == (State.REQUESTED, 0)
        manifest = [
            {"model": label, "global_id": str(obj.global_id), "version": obj.version, "sha256": []}
            for label, obj in (("training.course", session.course), ("training.session", session))
        ]
        stub.answer("GET", "/sync/manifest", (200, {"records": manifest}))

        report = partner_reconcile(partner_region="sichuan")
    finally:
        stub.close()

    assert report["removed"] == 0 and report["in_step"] == 2
    request.refresh_from_db()
    assert request.state == State.REQUESTED
    assert OutgoingCommand.objects.get(name="training.enrolment_request").state == "pending"
