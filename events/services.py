"""Writes for the joint-meetings calendar."""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import can_view
from portal.models import Organisation
from portal.selectors import staff_organisation
from portal.services import partner_staff_payload, partner_staff_stand_in
from sync.services.commands import command_enqueue
from sync.services.feed import one_change_per_record

from .models import RSVP, CalendarToken, Event, EventException, EventStatus
from .recurrence import next_occurrence, occurrence_for, original_start_on


@one_change_per_record()
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


@one_change_per_record()
def event_cancel(*, event: Event) -> Event:
    event.status = EventStatus.CANCELLED
    event.save()
    return event


@transaction.atomic
def rsvp_set(*, event: Event, user, attending: bool, occurrence_date: date | None = None) -> RSVP:
    """A staff member answers for themself, for one occurrence (by default the next one).

    Their organisation is recorded for the host's counts. An answer to the partner
    region's event is sent to the host and shown as pending until the host replies.
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
    hosted_here = event.origin_region == settings.PORTAL_REGION
    rsvp, _created = RSVP.objects.update_or_create(
        event=event,
        occurrence_date=occurrence.original_date,
        user=user,
        defaults={
            "organisation": organisation,
            "attending": attending,
            "answered_at": now,
            "state": RSVP.State.RECORDED if hosted_here else RSVP.State.PENDING,
            "decision_reason": "",
        },
    )
    if not hosted_here:
        command_enqueue(
            partner_region=event.origin_region, name="events.rsvp", payload=_rsvp_payload(rsvp, user=user)
        )
    return rsvp


def _rsvp_payload(rsvp: RSVP, *, user) -> dict:
    return {
        "rsvp": str(rsvp.global_id),
        "event": str(rsvp.event.global_id),
        "occurrence_date": rsvp.occurrence_date.isoformat(),
        "attending": rsvp.attending,
        "answered_at": rsvp.answered_at.isoformat(),
        **partner_staff_payload(user=user, organisation=rsvp.organisation),
    }


def _rsvp_reply(rsvp: RSVP) -> dict:
    return {
        "rsvp": str(rsvp.global_id),
        "state": RSVP.State.RECORDED,
        "attending": rsvp.attending,
        "answered_at": rsvp.answered_at.isoformat(),
    }


@transaction.atomic
def rsvp_remote_handle(payload: dict, from_region: str) -> dict:
    """The host's side of ``events.rsvp``.

    The same answer twice, or an older one after a newer, changes nothing.
    """
    answered_at = datetime.fromisoformat(payload["answered_at"])

    def refused(reason) -> dict:
        return {"rsvp": payload["rsvp"], "state": RSVP.State.REFUSED, "reason": str(reason)}

    event = Event.objects.filter(global_id=payload["event"], origin_region=settings.PORTAL_REGION).first()
    if event is None or event.access_level == "internal":
        return refused(_("主办地区没有这一活动"))
    organisation = Organisation.objects.get(code=payload["organisation"])
    if organisation.region != from_region:
        return refused(_("单位不属于发出回执的地区"))
    existing = RSVP.objects.select_for_update().filter(global_id=payload["rsvp"]).first()
    if existing is not None and existing.answered_at >= answered_at:
        return _rsvp_reply(existing)
    occurrence = occurrence_for(event, date.fromisoformat(payload["occurrence_date"]))
    if occurrence is None or occurrence.cancelled or occurrence.ends_at <= answered_at:
        return refused(_("该场次已结束或已取消，不再接受回执"))
    user = partner_staff_stand_in(region=from_region, payload=payload, organisation=organisation)
    rsvp, _created = RSVP.objects.update_or_create(
        event=event,
        occurrence_date=occurrence.original_date,
        user=user,
        defaults={
            "global_id": payload["rsvp"],
            "organisation": organisation,
            "attending": bool(payload["attending"]),
            "answered_at": answered_at,
            "state": RSVP.State.RECORDED,
        },
    )
    return _rsvp_reply(rsvp)


def rsvp_reply_apply(payload: dict, reply: dict) -> None:
    """At the answering region: the host's reply settles the answer it was given for, not a newer one."""
    state = RSVP.State.RECORDED if reply.get("state") == RSVP.State.RECORDED else RSVP.State.REFUSED
    RSVP.objects.filter(
        global_id=payload["rsvp"], answered_at=datetime.fromisoformat(payload["answered_at"])
    ).update(state=state, decision_reason=(reply.get("reason") or "")[:200])


def calendar_token_for(*, user) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


def calendar_token_reset(*, user) -> CalendarToken:
    """A new secret; the old private feed address stops working at once."""
    token = calendar_token_for(user=user)
    token.token = CalendarToken._meta.get_field("token").get_default()
    token.save(update_fields=["token"])
    return token
