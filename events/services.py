"""Writes for the joint-meetings calendar."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import can_view
from portal.selectors import staff_organisation

from .models import RSVP, CalendarToken, Event, EventException, EventStatus, _new_token
from .recurrence import next_occurrence, occurrence_for, original_start_on


@transaction.atomic
def event_exception_set(
    *,
    event: Event,
    original_date: date,
    kind: str,
    new_starts_at: datetime | None = None,
    new_ends_at: datetime | None = None,
    note: str = "",
) -> EventException:
    """Cancel or move one occurrence; the event's version grows so calendars update."""
    if original_start_on(event, original_date) is None:
        raise ValidationError(_("该日期没有这一活动"))
    if kind == EventException.Kind.MOVED and not (new_starts_at and new_ends_at):
        raise ValidationError(_("改期须填写新的开始和结束时间"))
    exception, _created = EventException.objects.update_or_create(
        event=event,
        original_date=original_date,
        defaults={
            "kind": kind,
            "new_starts_at": new_starts_at if kind == EventException.Kind.MOVED else None,
            "new_ends_at": new_ends_at if kind == EventException.Kind.MOVED else None,
            "note": note,
        },
    )
    event.save()
    return exception


@transaction.atomic
def event_cancel(*, event: Event) -> Event:
    event.status = EventStatus.CANCELLED
    event.save()
    return event


@transaction.atomic
def rsvp_set(*, event: Event, user, attending: bool, occurrence_date: date | None = None) -> RSVP:
    """A staff member answers for themself, for one occurrence (by default the next one).

    Their organisation is recorded for the host's counts.
    """
    organisation = staff_organisation(user=user)
    if organisation is None or not can_view(user, event):
        raise PermissionDenied
    now = timezone.now()
    occurrence = (
        next_occurrence(event, now=now) if occurrence_date is None else occurrence_for(event, occurrence_date)
    )
    if occurrence is None or occurrence.cancelled or occurrence.ends_at <= now:
        raise ValidationError(_("该场次已结束或已取消，不再接受回执"))
    rsvp, _created = RSVP.objects.update_or_create(
        event=event,
        occurrence_date=occurrence.original_date,
        user=user,
        defaults={"organisation": organisation, "attending": attending},
    )
    return rsvp


def calendar_token_for(*, user) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


def calendar_token_reset(*, user) -> CalendarToken:
    """A new secret; the old private feed address stops working at once."""
    token = calendar_token_for(user=user)
    token.token = _new_token()
    token.save(update_fields=["token"])
    return token
