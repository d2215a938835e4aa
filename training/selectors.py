"""Reads for the training registry."""

import datetime

from django.db.models import Count, Prefetch, Q

from portal.access import visible_to
from portal.records.filters import RecordFilters
from portal.roles import Role
from portal.selectors import staff_organisation, user_roles

from .models import Attendance, Course, Enrolment, Session

State = Enrolment.State
ROSTER_ORDER = {State.ENROLLED: 0, State.WAITLISTED: 1, State.REQUESTED: 2, State.DECLINED: 3}


def course_list(*, user, filters: RecordFilters | None = None):
    """Courses this reader may see, narrowed by the listing's filters (training.filters)."""
    sessions = Session.objects.annotate(
        enrolled_count=Count("enrolments", filter=Q(enrolments__state=State.ENROLLED))
    ).order_by("starts_on", "pk")
    courses = visible_to(user, Course.objects.select_related("origin_organisation"))
    if filters is not None:
        courses = filters.apply(courses)
    return courses.prefetch_related(Prefetch("sessions", queryset=sessions)).order_by(*Course.LISTING_ORDER)


def sessions_open_for_enrolment(*, user, now: datetime.datetime, limit: int = 4) -> list[Session]:
    """Sessions of the courses this reader may see whose enrolment window is open now."""
    courses = visible_to(user, Course.objects.all())
    return list(
        Session.objects.select_related("course")
        .filter(course__in=courses, enrolment_opens__lte=now, enrolment_closes__gt=now)
        .order_by("enrolment_closes", "pk")[:limit]
    )


def session_visible(*, user, session_id: int) -> Session | None:
    """The session if its course is visible to the user, else None."""
    courses = visible_to(user, Course.objects.all())
    return (
        Session.objects.select_related("course__origin_organisation")
        .filter(pk=session_id, course__in=courses)
        .first()
    )


ORGANISER_ROLES = {Role.TRAINER.value, Role.ADMINISTRATOR.value}


def user_organises_session(*, user, session: Session) -> bool:
    """Trainers and administrators of the organising organisation (and superusers) run the session."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    organisation = staff_organisation(user=user)
    return (
        organisation is not None
        and organisation.pk == session.course.origin_organisation_id
        and bool(ORGANISER_ROLES & user_roles(user=user))
    )


def session_counts(*, session: Session) -> dict[str, int]:
    counts = dict(session.enrolments.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {state: counts.get(state, 0) for state in State.values}


def waitlist_position(*, enrolment: Enrolment) -> int | None:
    if enrolment.state != State.WAITLISTED:
        return None
    ahead = Enrolment.objects.filter(session_id=enrolment.session_id, state=State.WAITLISTED).filter(
        Q(queued_at__lt=enrolment.queued_at) | Q(queued_at=enrolment.queued_at, pk__lt=enrolment.pk)
    )
    return ahead.count() + 1


def user_session_enrolment(*, user, session: Session) -> Enrolment | None:
    """The user's current enrolment in the session, or their latest one."""
    if not getattr(user, "is_authenticated", False):
        return None
    enrolments = session.enrolments.filter(user=user).order_by("-created_at", "-pk")
    return enrolments.filter(state__in=Enrolment.ACTIVE_STATES).first() or enrolments.first()


def enrolment_attendance_percent(*, enrolment: Enrolment) -> int | None:
    """Share of the session's sittings the trainee attended, in whole percent (None: no sittings)."""
    total = enrolment.session.sittings.count()
    if not total:
        return None
    present = enrolment.attendances.filter(present=True).count()
    return present * 100 // total


def user_training_record(*, user):
    """Every enrolment of the user, newest session first, with attendance and certificate."""
    enrolments = (
        Enrolment.objects.filter(user=user)
        .select_related("session__course__origin_organisation", "certificate")
        .annotate(
            sittings_total=Count("session__sittings", distinct=True),
            sittings_present=Count("attendances", filter=Q(attendances__present=True), distinct=True),
        )
        .order_by("-session__starts_on", "-created_at")
    )
    for enrolment in enrolments:
        enrolment.position = waitlist_position(enrolment=enrolment)
        yield enrolment


def session_roster(*, session: Session):
    """Enrolments of the session in roster order, each with its attendance per sitting."""
    sittings = list(session.sittings.all())
    enrolments = list(
        session.enrolments.exclude(state=State.CANCELLED)
        .select_related("user", "organisation", "certificate")
        .order_by("queued_at", "created_at", "pk")
    )
    enrolments.sort(key=lambda e: ROSTER_ORDER.get(e.state, 9))
    present = set(
        Attendance.objects.filter(enrolment__session=session, present=True).values_list(
            "enrolment_id", "sitting_id"
        )
    )
    rows = []
    for enrolment in enrolments:
        marks = [(sitting, (enrolment.pk, sitting.pk) in present) for sitting in sittings]
        attended = sum(1 for _, mark in marks if mark)
        rows.append(
            {
                "enrolment": enrolment,
                "marks": marks,
                "attended": attended,
                "percent": attended * 100 // len(sittings) if sittings else None,
                "certificate": getattr(enrolment, "certificate", None),
            }
        )
    return sittings, rows
