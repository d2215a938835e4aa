import io

import pytest

from django.core.management import call_command

from training.models import Certificate, Course, Session, Sitting

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_demo_course_is_seeded_once_and_its_certificates_verify(home_page, client):
    course = Course.objects.get()
    assert course.title == "川渝党史干部专业化联合培训班"
    assert course.origin_organisation.name == "四川省委党史研究室"
    counts = (Session.objects.count(), Sitting.objects.count(), Certificate.objects.count())

    call_command("seed_demo", stdout=io.StringIO())

    assert (Course.objects.count(), Session.objects.count(), Sitting.objects.count()) == (1, *counts[:2])
    assert Certificate.objects.count() == counts[2] == 2
    listing = client.get("/training/").content.decode()
    assert "2020年第一期（成都）" in listing and "邓小平故里" in listing
    code = Certificate.objects.first().code
    assert "此证书真实有效。" in client.get(f"/training/verify/{code}/").content.decode()
    # Training is a menu section of its own; no stub page links to it any more.
    menu = client.get("/").content.decode().split('class="site-nav"')[1].split("</nav>")[0]
    assert 'href="/training/"' in menu and 'href="/training/verify/"' in menu
    assert client.get("/joint-training/").status_code == 404


def test_demo_in_chongqing_is_organised_by_the_municipal_office(db, settings):
    settings.PORTAL_REGION = "chongqing"
    call_command("seed_demo", stdout=io.StringIO())
    course = Course.objects.get()
    assert course.origin_organisation.name == "重庆市委党史研究室" and course.origin_region == "chongqing"
    invitation = Session.objects.get(eligibility="invitation")
    assert {o.code for o in invitation.invited_organisations.all()} >= {"cq-qijiang", "sc-chengdu"}


def test_the_demo_enrolment_window_opens_and_closes_on_office_hours(home_page):
    from django.utils import timezone

    upcoming = Session.objects.order_by("-starts_on").first()
    opens, closes = (
        timezone.localtime(upcoming.enrolment_opens),
        timezone.localtime(upcoming.enrolment_closes),
    )

    assert (opens.hour, opens.minute, closes.hour, closes.minute) == (9, 0, 17, 0)
    assert opens < timezone.now() < closes
