"""A one-place session of the seeded course, open for enrolment now; print its primary key."""

import datetime

from django.utils import timezone

from training.models import Course, Session


def main():
    course = Course.objects.get(title="川渝党史干部专业化联合培训班")
    now = timezone.now()
    session, _ = Session.objects.update_or_create(
        course=course,
        title="浏览器测试专题班",
        defaults={
            "starts_on": timezone.localdate() + datetime.timedelta(days=20),
            "ends_on": timezone.localdate() + datetime.timedelta(days=21),
            "venue": "四川省委党校",
            "capacity": 1,
            "enrolment_opens": now - datetime.timedelta(days=1),
            "enrolment_closes": now + datetime.timedelta(days=10),
        },
    )
    print(session.pk)
