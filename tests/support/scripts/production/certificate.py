"""A trainee who attended every sitting of a session is issued a certificate; print its code."""

from django.db import transaction

from portal.models import Organisation
from tests.training.factories import SessionFactory, SittingFactory, staff
from training import services


def main():
    org = Organisation.objects.get(code="sc-chengdu")
    trainer = staff("smoke_trainer", org, roles=["trainer"], full_name="陈培训")
    trainee = staff("smoke_trainee", org, full_name="王学员")
    session = SessionFactory(
        course__title="川渝党史干部联合培训班", course__origin_organisation=org, title="第一期"
    )
    with transaction.atomic():
        enrolment = services.enrolment_create(session_id=session.pk, user=trainee)
    for title in ("党史研究方法", "资料征编实务"):
        sitting = SittingFactory(session=session, title=title)
        services.attendance_record(
            enrolment_id=enrolment.pk, sitting_id=sitting.pk, present=True, recorded_by=trainer
        )
    print(services.certificate_issue(enrolment_id=enrolment.pk, issued_by=trainer).code)
