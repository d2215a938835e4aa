"""Attendance, certificates, rosters and each trainee's own record."""

import csv
import io

import pytest
from openpyxl import load_workbook

from django.core import mail
from django.test import Client

from portal.dates import date_display
from tests.publicity.pdf_reading import Pdf
from training import services
from training.models import Enrolment

from .factories import SittingFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def course_run(organisations, session, trainer):
    """A session with five sittings: 王 attended all, 李 three (60%), 赵 is on the waitlist."""
    session.capacity = 2
    session.save()
    sittings = [SittingFactory(session=session) for _ in range(5)]
    wang = staff("wang", organisations["sichuan"], full_name="王学员")
    li = staff("li", organisations["organiser"], full_name="李学员")
    zhao = staff("zhao", organisations["sichuan"], full_name="赵学员")
    enrolments = {
        u.username: services.enrolment_create(session_id=session.pk, user=u) for u in (wang, li, zhao)
    }
    for n, sitting in enumerate(sittings):
        services.attendance_record(
            enrolment_id=enrolments["wang"].pk, sitting_id=sitting.pk, present=True, recorded_by=trainer
        )
        services.attendance_record(
            enrolment_id=enrolments["li"].pk, sitting_id=sitting.pk, present=n < 3, recorded_by=trainer
        )
    return {"session": session, "sittings": sittings, "enrolments": enrolments, "users": (wang, li, zhao)}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_certificates_go_to_those_who_met_the_attendance_rule(course_run, trainer):
    session = course_run["session"]
    organiser = signed_in(trainer)

    response = organiser.post(
        f"/training/sessions/{session.pk}/roster/", {"action": "certificates"}, follow=True
    )

    assert "已为 1 名学员颁发结业证书。" in response.content.decode()
    wang = course_run["enrolments"]["wang"]
    assert Enrolment.objects.get(pk=wang.pk).certificate.code.startswith("CY-")
    with pytest.raises(services.CompletionNotMet, match="出勤率 60%，要求 80%"):
        services.certificate_issue(enrolment_id=course_run["enrolments"]["li"].pk, issued_by=trainer)
    # Issuing again changes nothing.
    again = services.certificate_issue(enrolment_id=wang.pk, issued_by=trainer)
    assert again.code == Enrolment.objects.get(pk=wang.pk).certificate.code


def test_only_the_organiser_records_attendance(course_run, organisations):
    outsider = staff("other_trainer", organisations["sichuan"], roles=["trainer"])
    with pytest.raises(services.NotPermitted):
        services.attendance_record(
            enrolment_id=course_run["enrolments"]["wang"].pk,
            sitting_id=course_run["sittings"][0].pk,
            present=False,
            recorded_by=outsider,
        )
    assert (
        signed_in(outsider).get(f"/training/sessions/{course_run['session'].pk}/roster/").status_code == 404
    )


def test_organiser_saves_attendance_from_the_roster_page(course_run, trainer):
    session, sittings = course_run["session"], course_run["sittings"]
    li = course_run["enrolments"]["li"]
    organiser = signed_in(trainer)
    page = organiser.get(f"/training/sessions/{session.pk}/roster/").content.decode()
    assert "60%" in page and "100%" in page
    # Each trainee by name, family name first, on the row and on its boxes.
    assert "<td>李学员 <small>li</small></td>" in page
    assert f'aria-label="李学员 于 {date_display(sittings[0].starts_at)} 出席"' in page

    # Tick every box for 李 and none for 王.
    ticks = {f"present-{li.pk}-{sitting.pk}": "on" for sitting in sittings}
    response = organiser.post(
        f"/training/sessions/{session.pk}/roster/", {"action": "attendance", **ticks}, follow=True
    )

    html = response.content.decode()
    assert "考勤已保存。" in html
    assert li.attendances.filter(present=True).count() == 5
    assert course_run["enrolments"]["wang"].attendances.filter(present=True).count() == 0


def test_anyone_can_verify_a_certificate(course_run, trainer, client):
    wang = course_run["enrolments"]["wang"]
    certificate = services.certificate_issue(enrolment_id=wang.pk, issued_by=trainer)
    session = course_run["session"]

    response = client.get(f"/training/verify/{certificate.code}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "此证书真实有效。" in html
    assert "王学员" in html and session.course.title in html
    starts = session.starts_on
    assert f"{starts.year}年{starts.month}月{starts.day}日" in html
    # Codes are read off paper: lower case works too.
    assert client.get(f"/training/verify/{certificate.code.lower()}/").status_code == 200
    english = client.get(f"/en/training/verify/{certificate.code}/").content.decode()
    assert "This certificate is valid." in english


def test_an_unknown_certificate_code_is_not_found(client):
    response = client.get("/training/verify/CY-AAAA-BBBB-CCCC/")
    assert response.status_code == 404
    assert "未找到该证书" in response.content.decode()


def test_the_holder_downloads_the_certificate_pdf(course_run, trainer):
    wang_user = course_run["users"][0]
    session = course_run["session"]
    certificate = services.certificate_issue(
        enrolment_id=course_run["enrolments"]["wang"].pk, issued_by=trainer
    )

    response = signed_in(wang_user).get(f"/training/certificates/{certificate.code}.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = Pdf(response.content)
    assert len(pdf.pages) == 1
    # The Chinese text is set in an embedded TrueType subset, so it prints the same anywhere.
    assert pdf.uses_embedded_truetype()
    assert pdf.info["Title"] == f"结业证书 {certificate.code}"
    assert pdf.info["Subject"] == f"王学员 · {session.course.title}（{session.title}）"
    text = pdf.text
    assert text.startswith("结业证书\nCertificate of Completion")
    assert "王学员 同志于" in text and session.course.title in text
    starts, ends = session.starts_on, session.ends_on
    assert f"{starts.year}年{starts.month}月{starts.day}日 至 {ends.year}年{ends.month}月{ends.day}日" in text
    assert session.course.origin_organisation.name in text
    assert f"证书编号：{certificate.code}" in text
    # Anyone holding the paper can check it: the absolute verification URL is printed and linked.
    verify_url = f"http://testserver/training/verify/{certificate.code}/"
    assert f"核验网址：{verify_url}" in text
    assert f"/URI ({verify_url})".encode() in response.content

    stranger = staff("stranger", course_run["users"][1].staff_profile.organisation)
    assert signed_in(stranger).get(f"/training/certificates/{certificate.code}.pdf").status_code == 404


def test_a_certificate_code_holding_pdf_operator_letters_reads_back_whole(course_run, trainer):
    # A code such as CY-HETB-… holds "ET", the end-of-text operator: the reader must not stop there.
    certificate = services.certificate_issue(
        enrolment_id=course_run["enrolments"]["wang"].pk, issued_by=trainer
    )
    type(certificate).objects.filter(pk=certificate.pk).update(code="CY-HETB-FU45-HPQ5")

    response = signed_in(course_run["users"][0]).get("/training/certificates/CY-HETB-FU45-HPQ5.pdf")

    text = Pdf(response.content).text
    assert "证书编号：CY-HETB-FU45-HPQ5" in text
    assert "核验网址：http://testserver/training/verify/CY-HETB-FU45-HPQ5/" in text


def test_the_certificate_pdf_follows_the_reader_language(course_run, trainer):
    wang_user = course_run["users"][0]
    certificate = services.certificate_issue(
        enrolment_id=course_run["enrolments"]["wang"].pk, issued_by=trainer
    )

    response = signed_in(wang_user).get(f"/en/training/certificates/{certificate.code}.pdf")

    text = Pdf(response.content).text
    assert text.startswith("Certificate of completion\n") and "结业证书" not in text
    assert f"Certificate no. {certificate.code}" in text
    assert f"Verify at: http://testserver/en/training/verify/{certificate.code}/" in text


def test_without_a_cjk_font_the_certificate_answers_503(course_run, trainer, settings):
    settings.PDF_CJK_FONT_FILES = ["/nonexistent/wqy-microhei.ttc"]
    certificate = services.certificate_issue(
        enrolment_id=course_run["enrolments"]["wang"].pk, issued_by=trainer
    )

    response = signed_in(course_run["users"][0]).get(f"/training/certificates/{certificate.code}.pdf")

    assert response.status_code == 503
    assert "fonts-wqy-microhei" in response.content.decode()


def test_organiser_exports_the_roster_as_csv(course_run, trainer):
    session = course_run["session"]
    services.certificate_issue(enrolment_id=course_run["enrolments"]["wang"].pk, issued_by=trainer)

    response = signed_in(trainer).get(f"/training/sessions/{session.pk}/roster.csv")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:5] == ["姓名", "用户名", "单位", "状态", "候补顺序"]
    assert header[-3:] == ["出勤课次", "出勤率（%）", "证书编号"]
    assert len(header) == 5 + 5 + 3
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["王学员"][3] == "已报名" and by_name["王学员"][5:10] == ["出席"] * 5
    assert by_name["王学员"][-3:-1] == ["5", "100"] and by_name["王学员"][-1].startswith("CY-")
    assert by_name["李学员"][5:10] == ["出席", "出席", "出席", "缺席", "缺席"]
    assert by_name["李学员"][-3:] == ["3", "60", ""]
    assert by_name["赵学员"][3:5] == ["候补", "1"]


def test_organiser_exports_the_roster_as_xlsx(course_run, trainer):
    session = course_run["session"]

    response = signed_in(trainer).get(f"/training/sessions/{session.pk}/roster.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == str(session)
    assert rows[1][:4] == ("姓名", "用户名", "单位", "状态")
    li = next(row for row in rows[2:] if row[0] == "李学员")
    assert li[2] == "测试省委党史研究室"
    assert li[5:10] == ("出席", "出席", "出席", "缺席", "缺席")
    assert li[10:12] == (3, 60)


def test_roster_exports_are_for_the_organiser_only(course_run, client):
    session = course_run["session"]
    trainee = signed_in(course_run["users"][0])
    for url in (
        f"/training/sessions/{session.pk}/roster.csv",
        f"/training/sessions/{session.pk}/roster.xlsx",
    ):
        assert trainee.get(url).status_code == 404
        assert client.get(url).status_code == 302


def test_each_staff_member_sees_their_own_training_record(course_run, trainer):
    wang, li, zhao = course_run["users"]
    certificate = services.certificate_issue(
        enrolment_id=course_run["enrolments"]["wang"].pk, issued_by=trainer
    )

    wang_page = signed_in(wang).get("/training/my/").content.decode()
    assert course_run["session"].course.title in wang_page
    assert "5/5" in wang_page and certificate.code in wang_page

    zhao_page = signed_in(zhao).get("/training/my/").content.decode()
    assert "候补" in zhao_page and "（第 1 位）" in zhao_page and certificate.code not in zhao_page

    nobody = signed_in(staff("newcomer", li.staff_profile.organisation)).get("/training/my/").content.decode()
    assert "您还没有报名任何培训。" in nobody


def test_organiser_cancels_a_trainee_from_the_roster_and_the_waitlist_moves_up(
    course_run, trainer, django_capture_on_commit_callbacks
):
    session, li = course_run["session"], course_run["enrolments"]["li"]
    organiser = signed_in(trainer)
    assert (
        f'form="cancel-{li.pk}"' in organiser.get(f"/training/sessions/{session.pk}/roster/").content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser.post(f"/training/enrolments/{li.pk}/cancel/", {"next": "roster"}, follow=True)

    assert response.redirect_chain[-1][0] == f"/training/sessions/{session.pk}/roster/"
    assert "已取消报名。" in response.content.decode()
    assert Enrolment.objects.get(user__username="zhao").state == "enrolled"
    assert [m.to for m in mail.outbox] == [["zhao@example.org"]]


def test_a_trainee_cannot_cancel_someone_elses_enrolment(course_run):
    wang, li, _zhao = course_run["users"]
    response = signed_in(wang).post(
        f"/training/enrolments/{course_run['enrolments']['li'].pk}/cancel/", follow=True
    )
    assert "您无权取消这条报名。" in response.content.decode()
    assert Enrolment.objects.get(user=li).state == "enrolled"


def test_exported_cells_cannot_smuggle_spreadsheet_formulas(organisations, session, trainer):
    staff_member = staff("formula", organisations["sichuan"], full_name="=HYPERLINK(1)")
    services.enrolment_create(session_id=session.pk, user=staff_member)
    organiser = signed_in(trainer)

    rows = list(
        csv.reader(
            io.StringIO(
                organiser.get(f"/training/sessions/{session.pk}/roster.csv").content.decode("utf-8-sig")
            )
        )
    )
    sheet = load_workbook(
        io.BytesIO(organiser.get(f"/training/sessions/{session.pk}/roster.xlsx").content)
    ).active

    assert rows[1][0] == "'=HYPERLINK(1)"
    assert sheet["A3"].value == "'=HYPERLINK(1)" and sheet["A3"].data_type == "s"


def test_a_code_typed_into_the_verification_form_opens_its_certificate(course_run, trainer, client):
    wang = course_run["enrolments"]["wang"]
    certificate = services.certificate_issue(enrolment_id=wang.pk, issued_by=trainer)

    form = client.get("/training/verify/").content.decode()
    # Typed as read off the paper: lower case, with spaces.
    response = client.get(
        "/training/verify/", {"code": f" {certificate.code.lower()[:7]} {certificate.code.lower()[7:]} "}
    )

    assert 'name="code"' in form and 'action="/training/verify/"' in form
    assert response.status_code == 302 and response["Location"] == f"/training/verify/{certificate.code}/"
    assert "此证书真实有效。" in client.get(response["Location"]).content.decode()
    # A wrong code offers the form again.
    assert 'name="code"' in client.get("/training/verify/CY-AAAA-BBBB-CCCC/").content.decode()
