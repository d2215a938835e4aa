import hashlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.decorators import audited_export
from portal.content_language import organisation_name, reader_reads_chinese
from portal.dates import date_display
from portal.exports import csv_bytes, xlsx_bytes, xlsx_sheet_append
from portal.names import staff_display_name
from portal.page_cache import reader_kind_cached
from portal.pagination import keyset_page
from portal.pdf import pdf_view
from portal.selectors import staff_organisation

from . import services
from .filters import CourseFilters
from .models import Certificate, Enrolment
from .pdf import certificate_pdf
from .selectors import (
    course_list,
    enrolment_attendance_percent,
    session_counts,
    session_roster,
    session_visible,
    user_organises_session,
    user_session_enrolment,
    user_training_record,
    waitlist_position,
)

State = Enrolment.State
staff_login_required = login_required(login_url="wagtailadmin_login")
PAGE_SIZE = 20


def _visible_session_or_404(request, pk):
    session = session_visible(user=request.user, session_id=pk)
    if session is None:
        raise Http404(_("培训班次不存在"))
    return session


def organiser_required(view):
    """Only trainers of the organising organisation (or superusers) run the session."""

    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        session = _visible_session_or_404(request, pk)
        if not user_organises_session(user=request.user, session=session):
            raise Http404(_("培训班次不存在"))
        return view(request, session, *args, **kwargs)

    return staff_login_required(wrapped)


@require_GET
def course_list_page(request):
    filters = CourseFilters(request.GET or None, user=request.user)
    context = {"course_cards": _course_cards(request, filters), "filter_bar": filters.bar()}
    return render(request, "training/course_list.html", context)


def _course_cards(request, filters: CourseFilters) -> str:
    """The courses and their sessions as HTML, the same for every reader the access rule treats alike,
    kept until content changes (an enrolment included): rendering them is what the page spends its time on."""

    def build() -> str:
        courses = course_list(user=request.user, filters=filters)
        page = keyset_page(request, courses, page_size=PAGE_SIZE, query=filters.query_string())
        return render_to_string(
            "training/includes/course_cards.html", {"courses": page.object_list, "page_obj": page}
        )

    # Each page of the list is kept apart: the cursor (or old page number) it was asked with is in the key.
    asked = "&".join(f"{name}={request.GET.get(name, '')}" for name in ("after", "before", "page"))
    key = f"{filters.applied_key()}:{get_language()}:{hashlib.sha256(asked.encode()).hexdigest()[:32]}"
    courses = reader_kind_cached(
        "training-courses", key, build, user=request.user, timeout=settings.PORTAL_CONTENT_CACHE_SECONDS
    )
    return mark_safe(courses)


@require_GET
def session_detail(request, pk):
    session = _visible_session_or_404(request, pk)
    enrolment = user_session_enrolment(user=request.user, session=session)
    counts = session_counts(session=session)
    is_staff_member = staff_organisation(user=request.user) is not None
    refusal = None
    if is_staff_member:
        try:
            services.session_eligibility_check(session=session, user=request.user)
        except services.NotEligible as error:
            refusal = error.message
    now = timezone.now()
    context = {
        "session": session,
        "breadcrumb_title": session.title,
        "course": session.course,
        "sittings": session.sittings.all(),
        "counts": counts,
        "places_left": max(0, session.capacity - counts[State.ENROLLED]),
        "enrolment": enrolment,
        "position": waitlist_position(enrolment=enrolment) if enrolment else None,
        "is_active": enrolment is not None and enrolment.state in Enrolment.ACTIVE_STATES,
        "refusal": refusal,
        "can_enrol": is_staff_member and session.enrolment_opens <= now <= session.enrolment_closes,
        "window_open": session.enrolment_opens <= now <= session.enrolment_closes,
        "is_staff_member": is_staff_member,
        "is_organiser": user_organises_session(user=request.user, session=session),
        "is_remote": is_staff_member and staff_organisation(user=request.user).region != session.region,
        "trainers": [staff_display_name(u) for u in session.trainers.all()],
        "login_url": f"{reverse('wagtailadmin_login')}?{urlencode({'next': request.path})}",
    }
    return render(request, "training/session_detail.html", context)


@staff_login_required
@require_POST
def session_enrol(request, pk):
    session = _visible_session_or_404(request, pk)
    try:
        enrolment = services.enrolment_create(session_id=session.pk, user=request.user)
    except services.TrainingError as error:
        messages.error(request, error.message)
    else:
        if enrolment.state == State.ENROLLED:
            messages.success(request, _("报名成功。"))
        elif enrolment.state == State.WAITLISTED:
            messages.info(
                request,
                _("名额已满，您已进入候补名单，排第 %(position)s 位。")
                % {"position": waitlist_position(enrolment=enrolment)},
            )
        else:
            messages.info(request, _("报名申请已提交，等待主办地区确认。"))
    return redirect("training:session_detail", pk=session.pk)


@staff_login_required
@require_POST
def enrolment_cancel(request, pk):
    enrolment = get_object_or_404(Enrolment.objects.select_related("session"), pk=pk)
    try:
        enrolment = services.enrolment_cancel(enrolment_id=enrolment.pk, user=request.user)
    except services.TrainingError as error:
        messages.error(request, error.message)
    else:
        if enrolment.cancel_requested_at:
            messages.info(request, _("取消申请已发送主办地区，处理后状态会更新。"))
        else:
            messages.success(request, _("已取消报名。"))
    if request.POST.get("next") == "roster":
        return redirect("training:session_roster", pk=enrolment.session_id)
    return redirect("training:session_detail", pk=enrolment.session_id)


@staff_login_required
@require_POST
def enrolment_decide(request, pk):
    enrolment = get_object_or_404(Enrolment, pk=pk)
    try:
        services.enrolment_decide(
            enrolment_id=enrolment.pk,
            approve=request.POST.get("decision") == "approve",
            decided_by=request.user,
        )
    except services.TrainingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已处理报名申请。"))
    return redirect("training:session_roster", pk=enrolment.session_id)


@staff_login_required
@require_GET
def my_training(request):
    return render(
        request, "training/my_training.html", {"enrolments": list(user_training_record(user=request.user))}
    )


@organiser_required
def session_roster_page(request, session):
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "attendance":
            sittings, rows = session_roster(session=session)
            # The whole sheet is saved or nothing is.
            with transaction.atomic():
                for row in rows:
                    if row["enrolment"].state != State.ENROLLED:
                        continue
                    for sitting in sittings:
                        services.attendance_record(
                            enrolment_id=row["enrolment"].pk,
                            sitting_id=sitting.pk,
                            present=f"present-{row['enrolment'].pk}-{sitting.pk}" in request.POST,
                            recorded_by=request.user,
                        )
            messages.success(request, _("考勤已保存。"))
        elif action == "certificates":
            issued = services.certificates_issue_for_session(session_id=session.pk, issued_by=request.user)
            messages.success(request, _("已为 %(count)s 名学员颁发结业证书。") % {"count": len(issued)})
        return redirect("training:session_roster", pk=session.pk)
    sittings, rows = session_roster(session=session)
    return render(
        request,
        "training/session_roster.html",
        {"session": session, "course": session.course, "sittings": sittings, "rows": rows},
    )


def _sitting_label(sitting) -> str:
    label = date_display(sitting.starts_at)
    return f"{label} {sitting.title}".strip()


def _roster_table(session) -> list[list]:
    sittings, rows = session_roster(session=session)
    header = [_("姓名"), _("用户名"), _("单位"), _("状态"), _("候补顺序")]
    header += [_sitting_label(s) for s in sittings]
    header += [_("出勤课次"), _("出勤率（%）"), _("证书编号")]
    table = [header]
    waiting = 0
    for row in rows:
        enrolment = row["enrolment"]
        if enrolment.state == State.WAITLISTED:
            waiting += 1
        enrolled = enrolment.state == State.ENROLLED
        line = [
            staff_display_name(enrolment.user),
            enrolment.user.get_username(),
            enrolment.organisation.name,
            enrolment.get_state_display(),
            waiting if enrolment.state == State.WAITLISTED else "",
        ]
        line += [(_("出席") if mark else _("缺席")) if enrolled else "" for _sitting, mark in row["marks"]]
        line += [
            row["attended"] if enrolled else "",
            row["percent"] if enrolled and row["percent"] is not None else "",
            row["certificate"].code if row["certificate"] else "",
        ]
        table.append(line)
    return table


def _roster_filename(session, extension: str) -> str:
    return f"roster-session-{session.pk}.{extension}"


@audited_export
@organiser_required
@require_GET
def roster_csv(request, session):
    response = HttpResponse(csv_bytes(_roster_table(session)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_roster_filename(session, "csv")}"'
    return response


@audited_export
@organiser_required
@require_GET
def roster_xlsx(request, session):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("花名册")
    xlsx_sheet_append(sheet, [str(session)])
    for line in _roster_table(session):
        xlsx_sheet_append(sheet, line)
    sheet.freeze_panes = "B3"
    response = HttpResponse(
        xlsx_bytes(workbook), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_roster_filename(session, "xlsx")}"'
    return response


def _certificate(code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related(
            "enrolment__user", "enrolment__session__course__origin_organisation"
        )
        .filter(code=code.upper())
        .first()
    )


@staff_login_required
@require_GET
@pdf_view
def certificate_download(request, code):
    certificate = _certificate(code)
    if certificate is None:
        raise Http404(_("证书不存在"))
    enrolment = certificate.enrolment
    session = enrolment.session
    if enrolment.user_id != request.user.pk and not user_organises_session(
        user=request.user, session=session
    ):
        raise Http404(_("证书不存在"))
    # Absolute, so that whoever holds the paper can check it on the portal.
    verify_url = request.build_absolute_uri(reverse("training:certificate_verify", args=[certificate.code]))
    course = session.course
    name = staff_display_name(enrolment.user)
    percent = enrolment_attendance_percent(enrolment=enrolment)
    body = _(
        "%(name)s 同志于 %(starts)s 至 %(ends)s 参加 %(course)s（%(session)s），"
        "出勤率 %(percent)s%%，经考核合格，准予结业。"
    ) % {
        "name": name,
        "starts": date_display(session.starts_on),
        "ends": date_display(session.ends_on),
        "course": course.title,
        "session": session.title,
        "percent": percent or 0,
    }
    heading = _("结业证书")
    pdf = certificate_pdf(
        heading=heading,
        subheading="Certificate of Completion" if reader_reads_chinese() else "",
        body=body,
        organiser=organisation_name(course.origin_organisation),
        issued=date_display(certificate.issued_at, part="date"),
        code_line=_("证书编号：%(code)s") % {"code": certificate.code},
        verify_label=_("核验网址："),
        verify_url=verify_url,
        title=f"{heading} {certificate.code}",
        subject=f"{name} · {course.title}（{session.title}）",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


@require_GET
def certificate_verify_form(request):
    """Where a certificate's holder or an employer types the code printed on the paper."""
    code = "".join(request.GET.get("code", "").split()).upper()
    if code:
        return redirect("training:certificate_verify", code=code)
    return render(request, "training/certificate_verify_form.html")


@require_GET
def certificate_verify(request, code):
    certificate = _certificate(code)
    if certificate is None:
        return render(request, "training/certificate_not_found.html", {"code": code}, status=404)
    enrolment = certificate.enrolment
    return render(
        request,
        "training/certificate_verify.html",
        {
            "certificate": certificate,
            "name": staff_display_name(enrolment.user),
            "session": enrolment.session,
            "course": enrolment.session.course,
            "organisation": organisation_name(enrolment.organisation),
            "organiser": organisation_name(enrolment.session.course.origin_organisation),
        },
    )
