"""Enrolment, attendance and certificates: every write that spans training models.

The mail these writes send is ``services.mail``, sent by the tasks in ``training.tasks``.

Capacity is protected by locking the session row (SELECT … FOR UPDATE) for the
length of each transaction that may fill or free a place, so concurrent
enrolments are serialised per session and the enrolled count read under the
lock is the truth.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.access import can_view
from portal.dates import date_display
from portal.selectors import staff_organisation
from portal.services import partner_staff_payload, partner_staff_stand_in
from sync.services.commands import command_enqueue

from .. import tasks
from ..models import Attendance, Certificate, Eligibility, Enrolment, Session, Sitting
from ..selectors import enrolment_attendance_percent, user_organises_session

State = Enrolment.State


class TrainingError(Exception):
    """A refusal the user is shown as is (the message is translated)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class EnrolmentNotOpen(TrainingError):
    pass


class NotEligible(TrainingError):
    pass


class AlreadyEnrolled(TrainingError):
    pass


class NotPermitted(TrainingError):
    pass


class CompletionNotMet(TrainingError):
    pass


def _locked_session(session_id: int) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session_id)


def _enrolled_count(session: Session) -> int:
    return session.enrolments.filter(state=State.ENROLLED).count()


def session_eligibility_check(*, session: Session, user) -> None:
    """Raise NotEligible unless the user may enrol in the session."""
    organisation = staff_organisation(user=user)
    if organisation is None:
        raise NotEligible(gettext_lazy("只有川渝党史部门的工作人员可以报名。"))
    if not can_view(user, session.course):
        raise NotEligible(gettext_lazy("您无权查看这个培训课程。"))
    if session.eligibility == Eligibility.HOST_REGION and organisation.region != session.region:
        raise NotEligible(gettext_lazy("本班次只接受主办地区工作人员报名。"))
    if (
        session.eligibility == Eligibility.INVITATION
        and organisation.pk != session.organiser.pk
        and not session.invited_organisations.filter(pk=organisation.pk).exists()
    ):
        raise NotEligible(gettext_lazy("本班次仅限受邀单位报名，您所在单位未在邀请名单中。"))


def _window_check(session: Session, now) -> None:
    if now < session.enrolment_opens:
        raise EnrolmentNotOpen(
            _("报名尚未开始，开始时间为 %(opens)s。") % {"opens": date_display(session.enrolment_opens)}
        )
    if now > session.enrolment_closes:
        raise EnrolmentNotOpen(
            _("报名已于 %(closes)s 截止。") % {"closes": date_display(session.enrolment_closes)}
        )


def _queue(enrolment: Enrolment, session: Session, now) -> None:
    """Enrol if a place is free, otherwise join the end of the waitlist."""
    if _enrolled_count(session) < session.capacity:
        enrolment.state, enrolment.queued_at = State.ENROLLED, None
    else:
        enrolment.state, enrolment.queued_at = State.WAITLISTED, now


@transaction.atomic
def enrolment_create(*, session_id: int, user, now=None) -> Enrolment:
    """Enrol a staff member, put them on the waitlist, or file a request with the owner region."""
    now = now or timezone.now()
    session = _locked_session(session_id)
    session_eligibility_check(session=session, user=user)
    _window_check(session, now)
    if session.enrolments.filter(user=user, state__in=Enrolment.ACTIVE_STATES).exists():
        raise AlreadyEnrolled(gettext_lazy("您已报名本班次。"))
    organisation = staff_organisation(user=user)
    enrolment = Enrolment(
        session=session,
        user=user,
        organisation=organisation,
        owner_region=session.region,
        requested_from_region=organisation.region,
    )
    if session.region != settings.PORTAL_REGION:
        # A replica of the partner's session: the request travels there as a command.
        # Version 0 so the owner's first decision (version 1) is newer than this request.
        enrolment.state, enrolment.version = State.REQUESTED, 0
        enrolment.save()
        command_enqueue(
            partner_region=session.region,
            name="training.enrolment_request",
            payload=enrolment_request_payload(enrolment=enrolment),
        )
        return enrolment
    if organisation.region != session.region:
        # The other region's session: its owner decides (DESIGN.md §4.6).
        enrolment.state = State.REQUESTED
    else:
        _queue(enrolment, session, now)
    enrolment.save()
    return enrolment


def enrolment_request_payload(*, enrolment: Enrolment) -> dict:
    return {
        "enrolment": str(enrolment.global_id),
        "session": str(enrolment.session.global_id),
        "region": enrolment.requested_from_region,
        **partner_staff_payload(user=enrolment.user, organisation=enrolment.organisation),
    }


def _decision(enrolment: Enrolment) -> dict:
    return {
        "enrolment": str(enrolment.global_id),
        "state": enrolment.state,
        "reason": enrolment.decision_reason,
    }


@transaction.atomic
def enrolment_remote_request_handle(payload: dict, from_region: str, *, now=None) -> dict:
    """The owner's side of ``training.enrolment_request``; the same request twice changes nothing."""
    from portal.models import Organisation

    now = now or timezone.now()
    existing = Enrolment.objects.filter(global_id=payload["enrolment"]).first()
    if existing is not None:
        return _decision(existing)
    session = Session.objects.filter(
        global_id=payload["session"], origin_region=settings.PORTAL_REGION
    ).first()
    if session is None:
        return {"enrolment": payload["enrolment"], "state": "unknown_session"}
    session = _locked_session(session.pk)
    # Under the session lock: a concurrent copy of the same command has not slipped in.
    existing = Enrolment.objects.filter(global_id=payload["enrolment"]).first()
    if existing is not None:
        return _decision(existing)
    organisation = Organisation.objects.get(code=payload["organisation"])
    if organisation.region != from_region:
        reason = _("单位不属于发出申请的地区")
        return {"enrolment": payload["enrolment"], "state": "refused", "reason": reason}
    user = partner_staff_stand_in(region=from_region, payload=payload, organisation=organisation)
    enrolment = Enrolment(
        global_id=payload["enrolment"],
        session=session,
        user=user,
        organisation=organisation,
        owner_region=settings.PORTAL_REGION,
        requested_from_region=from_region,
        origin_organisation=session.organiser,
    )
    try:
        session_eligibility_check(session=session, user=user)
        _window_check(session, now)
        if session.enrolments.filter(user=user, state__in=Enrolment.ACTIVE_STATES).exists():
            raise AlreadyEnrolled(gettext_lazy("您已报名本班次。"))
        _queue(enrolment, session, now)
    except TrainingError as refusal:
        enrolment.state, enrolment.decision_reason = State.DECLINED, str(refusal.message)
    enrolment.decided_at = now
    enrolment.save()
    return _decision(enrolment)


def enrolment_request_reply_apply(payload: dict, reply: dict) -> None:
    """At the requester: a request the owner could not take is shown as declined, with why."""
    if reply.get("state") in (State.ENROLLED, State.WAITLISTED, State.DECLINED, State.REQUESTED):
        return  # the owner's decision arrives through the change feed as the enrolment itself
    Enrolment.objects.filter(global_id=payload["enrolment"], version=0).update(
        state=State.DECLINED, decision_reason=reply.get("reason") or _("主办地区未能受理这条申请。")
    )


@transaction.atomic
def enrolment_remote_cancel_handle(payload: dict, from_region: str) -> dict:
    """The owner's side of ``training.enrolment_cancel``: the partner's staff member gives up the place."""
    enrolment = Enrolment.objects.filter(
        global_id=payload["enrolment"], owner_region=settings.PORTAL_REGION, requested_from_region=from_region
    ).first()
    if enrolment is None:
        return {"enrolment": payload["enrolment"], "state": "unknown_enrolment"}
    session = _locked_session(enrolment.session_id)
    enrolment.refresh_from_db()
    if enrolment.state in Enrolment.ACTIVE_STATES:
        enrolment.state, enrolment.queued_at = State.CANCELLED, None
        enrolment.save()
        _promote_waitlist(session)
    return _decision(enrolment)


def _promote_waitlist(session: Session) -> list[Enrolment]:
    """Fill free places from the head of the waitlist; the caller holds the session lock."""
    promoted = []
    free = session.capacity - _enrolled_count(session)
    if free <= 0:
        return promoted
    for enrolment in session.enrolments.filter(state=State.WAITLISTED).order_by("queued_at", "pk")[:free]:
        enrolment.state, enrolment.queued_at = State.ENROLLED, None
        enrolment.save()
        promoted.append(enrolment)
    for enrolment in promoted:
        # robust: a broker that is down must not turn a committed cancellation into an error page.
        transaction.on_commit(lambda pk=enrolment.pk: tasks.enrolment_promotion_notify.delay(pk), robust=True)
    return promoted


@transaction.atomic
def enrolment_cancel(*, enrolment_id: int, user) -> Enrolment:
    """Cancel an enrolment (by the trainee or the organiser); a freed place goes to the waitlist."""
    session_id = Enrolment.objects.values_list("session_id", flat=True).get(pk=enrolment_id)
    session = _locked_session(session_id)
    enrolment = Enrolment.objects.select_related("user").get(pk=enrolment_id)
    if enrolment.user_id != user.pk and not user_organises_session(user=user, session=session):
        raise NotPermitted(gettext_lazy("您无权取消这条报名。"))
    if enrolment.state not in Enrolment.ACTIVE_STATES:
        raise TrainingError(gettext_lazy("这条报名已经取消或未获批准。"))
    if enrolment.owner_region != settings.PORTAL_REGION:
        # Only the owner region changes the enrolment: ask it, and its decision travels back.
        if enrolment.user_id != user.pk:
            raise NotPermitted(gettext_lazy("这条报名由主办地区管理，如需取消请联系主办单位。"))
        if enrolment.cancel_requested_at is None:
            enrolment.cancel_requested_at = timezone.now()
            # A queryset update: the replica's synced fields (and version) stay the owner's.
            Enrolment.objects.filter(pk=enrolment.pk).update(
                cancel_requested_at=enrolment.cancel_requested_at
            )
            command_enqueue(
                partner_region=enrolment.owner_region,
                name="training.enrolment_cancel",
                payload={"enrolment": str(enrolment.global_id)},
            )
        return enrolment
    enrolment.state, enrolment.queued_at = State.CANCELLED, None
    enrolment.save()
    _promote_waitlist(session)
    return enrolment


@transaction.atomic
def enrolment_decide(*, enrolment_id: int, approve: bool, decided_by, now=None) -> Enrolment:
    """The owner region's organiser decides on a request from the partner region."""
    now = now or timezone.now()
    session_id = Enrolment.objects.values_list("session_id", flat=True).get(pk=enrolment_id)
    session = _locked_session(session_id)
    enrolment = Enrolment.objects.get(pk=enrolment_id)
    if enrolment.owner_region != settings.PORTAL_REGION or not user_organises_session(
        user=decided_by, session=session
    ):
        raise NotPermitted(gettext_lazy("只有主办单位的培训管理员可以审批报名申请。"))
    if enrolment.state != State.REQUESTED:
        raise TrainingError(gettext_lazy("这条报名申请已经处理过。"))
    if approve:
        _queue(enrolment, session, now)
    else:
        enrolment.state = State.DECLINED
    enrolment.decided_at, enrolment.decided_by = now, decided_by
    enrolment.save()
    transaction.on_commit(lambda pk=enrolment.pk: tasks.enrolment_decision_notify.delay(pk), robust=True)
    return enrolment


@transaction.atomic
def session_capacity_set(*, session_id: int, capacity: int) -> list[Enrolment]:
    """Change a session's capacity; extra places are filled from the waitlist."""
    session = _locked_session(session_id)
    session.capacity = capacity
    session.save()
    return _promote_waitlist(session)


@transaction.atomic
def session_waitlist_fill(*, session_id: int) -> list[Enrolment]:
    """Give free places (e.g. after an organiser raised the capacity) to the waitlist."""
    return _promote_waitlist(_locked_session(session_id))


@transaction.atomic
def attendance_record(*, enrolment_id: int, sitting_id: int, present: bool, recorded_by) -> Attendance:
    enrolment = Enrolment.objects.select_related("session__course").get(pk=enrolment_id)
    sitting = Sitting.objects.get(pk=sitting_id)
    if sitting.session_id != enrolment.session_id:
        raise TrainingError(gettext_lazy("该课次不属于这个班次。"))
    if not user_organises_session(user=recorded_by, session=enrolment.session):
        raise NotPermitted(gettext_lazy("只有主办单位的培训管理员可以记录考勤。"))
    if enrolment.state != State.ENROLLED:
        raise TrainingError(gettext_lazy("只能为正式学员记录考勤。"))
    attendance, _created = Attendance.objects.update_or_create(
        enrolment=enrolment, sitting=sitting, defaults={"present": present, "recorded_by": recorded_by}
    )
    return attendance


@transaction.atomic
def certificate_issue(*, enrolment_id: int, issued_by, now=None) -> Certificate:
    """Issue the completion certificate once the course's rule is met (idempotent)."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("session__course")
        .get(pk=enrolment_id)
    )
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    if not user_organises_session(user=issued_by, session=enrolment.session):
        raise NotPermitted(gettext_lazy("只有主办单位的培训管理员可以颁发结业证书。"))
    required = enrolment.session.course.completion_min_attendance_percent
    attended = enrolment_attendance_percent(enrolment=enrolment)
    if enrolment.state != State.ENROLLED or attended is None or attended < required:
        raise CompletionNotMet(
            _("未达到结业要求：出勤率 %(attended)s%%，要求 %(required)s%%。")
            % {"attended": attended or 0, "required": required}
        )
    return Certificate.objects.create(
        enrolment=enrolment, issued_at=now or timezone.now(), issued_by=issued_by
    )


def certificates_issue_for_session(*, session_id: int, issued_by) -> list[Certificate]:
    """Issue certificates to every enrolled trainee of the session who has completed it."""
    issued = []
    for enrolment in Enrolment.objects.filter(session_id=session_id, state=State.ENROLLED):
        try:
            issued.append(certificate_issue(enrolment_id=enrolment.pk, issued_by=issued_by))
        except CompletionNotMet:
            continue
    return issued
