"""Mail to staff about their enrolments; called by the Celery tasks in ``training.tasks``, by id."""

from django.core.mail import send_mail
from django.utils.translation import gettext as _

from portal.dates import date_display

from ..models import Enrolment

State = Enrolment.State


def enrolment_promotion_notify(*, enrolment_id: int) -> None:
    enrolment = Enrolment.objects.select_related("user", "session__course").get(pk=enrolment_id)
    if not enrolment.user.email:
        return
    session = enrolment.session
    send_mail(
        subject=_("候补转正：%(course)s") % {"course": session.course.title},
        message=_(
            "您好！有学员取消报名，您已从候补名单转为正式学员：\n\n%(course)s · %(session)s\n"
            "时间：%(starts)s 至 %(ends)s\n地点：%(venue)s\n\n如不能参加，请及时在平台上取消报名。"
        )
        % {
            "course": session.course.title,
            "session": session.title,
            "starts": date_display(session.starts_on),
            "ends": date_display(session.ends_on),
            "venue": session.venue,
        },
        from_email=None,
        recipient_list=[enrolment.user.email],
    )


def enrolment_decision_notify(*, enrolment_id: int) -> None:
    enrolment = Enrolment.objects.select_related("user", "session__course").get(pk=enrolment_id)
    if not enrolment.user.email:
        return
    session = enrolment.session
    outcome = {
        State.ENROLLED: _("您的报名申请已获批准，您已是正式学员。"),
        State.WAITLISTED: _("您的报名申请已获批准；名额已满，您已进入候补名单。"),
        State.DECLINED: _("很抱歉，您的报名申请未获批准。"),
    }.get(enrolment.state)
    if outcome is None:
        return
    send_mail(
        subject=_("报名申请结果：%(course)s") % {"course": session.course.title},
        message=f"{session.course.title} · {session.title}\n\n{outcome}",
        from_email=None,
        recipient_list=[enrolment.user.email],
    )
