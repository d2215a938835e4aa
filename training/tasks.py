"""Mail leaves in the worker, retried while the mail server is unreachable or refuses for now."""

import smtplib

from celery import shared_task

MAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="training.enrolment_promotion_notify", **MAIL_RETRY)
def enrolment_promotion_notify(enrolment_id: int) -> None:
    from .services.mail import enrolment_promotion_notify

    enrolment_promotion_notify(enrolment_id=enrolment_id)


@shared_task(name="training.enrolment_decision_notify", **MAIL_RETRY)
def enrolment_decision_notify(enrolment_id: int) -> None:
    from .services.mail import enrolment_decision_notify

    enrolment_decision_notify(enrolment_id=enrolment_id)
