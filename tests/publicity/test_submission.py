import datetime
import io

import pytest
from openpyxl import load_workbook

from django.utils import timezone

from wagtail.models import TaskState, WorkflowState

from portal.models import Organisation
from portal.services import staff_user_create_or_update
from publicity.models import Section, Story, SubmissionEvent
from publicity.selectors import submission_quarterly_report
from publicity.services import submission_workflow_ensure
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def people(story_index):
    municipal = OrganisationFactory(
        code="cq-municipal", name="重庆市委党史研究室", short_name="市委党史研究室", level="province"
    )
    qijiang = OrganisationFactory(code="cq-qijiang", name="綦江区委党史地方志研究室")
    bishan = OrganisationFactory(code="cq-bishan", name="璧山区委党史研究室")
    make = staff_user_create_or_update
    people = {
        "reviewer": make(
            username="cq_reviewer", organisation=municipal, roles=["reviewer"], password="pw-123456"
        ),
        "qj_editor": make(username="qj_editor", organisation=qijiang, roles=["editor"], password="pw-123456"),
        "bs_editor": make(username="bs_editor", organisation=bishan, roles=["editor"], password="pw-123456"),
        "qijiang": qijiang,
        "bishan": bishan,
    }
    submission_workflow_ensure(region="chongqing", index=story_index)
    return people


def _draft(index, *, title, organisation, owner) -> Story:
    story = Story(
        title=title,
        section=Section.objects.get(slug="news-briefs"),
        origin_organisation=organisation,
        publication_date=timezone.localdate(),
        body=[{"type": "paragraph", "value": f"<p>{title}。</p>"}],
        live=False,
        owner=owner,
    )
    index.add_child(instance=story)
    story.save_revision(user=owner)
    return story


def _act(client, user, story, action, comment=""):
    """What the reviewer's buttons in the Wagtail admin do."""
    client.force_login(user)
    task_state = Story.objects.get(pk=story.pk).current_workflow_task_state
    return client.post(
        f"/admin/pages/workflow/action/{story.pk}/{action}/{task_state.pk}/", {"comment": comment}
    )


def test_editors_submit_and_only_province_reviewers_decide(client, story_index, people):
    permissions = story_index.permissions_for_user(people["qj_editor"])
    assert permissions.can_add_subpage() and not permissions.can_publish_subpage()
    story = _draft(
        story_index,
        title="綦江召开抗战遗址申报座谈会",
        organisation=people["qijiang"],
        owner=people["qj_editor"],
    )

    story.get_workflow().start(story, people["qj_editor"])

    refused = _act(client, people["bs_editor"], story, "approve")

    # Wagtail answers a refused admin action with a redirect to the dashboard.
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    story.refresh_from_db()
    assert not story.live
    assert story.current_workflow_task_state.status == TaskState.STATUS_IN_PROGRESS
    assert client.get("/feeds/stories.rss").content.decode().count("<item>") == 0


def test_submit_return_resubmit_accept(client, story_index, people):
    editor, reviewer = people["qj_editor"], people["reviewer"]
    story = _draft(
        story_index, title="綦江召开抗战遗址申报座谈会", organisation=people["qijiang"], owner=editor
    )

    workflow_state = story.get_workflow().start(story, editor)
    response = _act(client, reviewer, story, "reject", "请补充座谈会的时间和参会单位")

    # The decision is confirmed on the way back to the edit page (test_admin_editor.py).
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == f"/admin/pages/{story.pk}/edit/"
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    returned = TaskState.objects.filter(workflow_state=workflow_state, status=TaskState.STATUS_REJECTED).get()
    assert returned.comment == "请补充座谈会的时间和参会单位"

    story.title = "綦江区召开第三批国家级抗战纪念设施申报座谈会"
    story.save_revision(user=editor)
    workflow_state.resume(user=editor)
    story.refresh_from_db()
    assert not story.live

    _act(client, reviewer, story, "approve")

    story.refresh_from_db()
    assert story.live and story.title == "綦江区召开第三批国家级抗战纪念设施申报座谈会"
    assert "綦江区召开第三批国家级抗战纪念设施申报座谈会" in client.get("/feeds/stories.rss").content.decode()
    assert list(story.submission_events.values_list("action", "comment")) == [
        ("submitted", ""),
        ("returned", "请补充座谈会的时间和参会单位"),
        ("resubmitted", ""),
        ("accepted", ""),
    ]


def test_reviewer_can_decline_an_item(client, story_index, people):
    story = _draft(
        story_index, title="璧山重复报送的信息", organisation=people["bishan"], owner=people["bs_editor"]
    )
    workflow_state = story.get_workflow().start(story, people["bs_editor"])

    _act(client, people["reviewer"], story, "decline", "与已采用信息重复")

    workflow_state.refresh_from_db()
    story.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_CANCELLED
    assert not story.live
    assert story.submission_events.last().action == "declined"


def test_quarterly_figures_match_the_items(client, story_index, people):
    qj_editor, bs_editor, reviewer = people["qj_editor"], people["bs_editor"], people["reviewer"]
    accepted = _draft(story_index, title="綦江信息一", organisation=people["qijiang"], owner=qj_editor)
    returned_then_accepted = _draft(
        story_index, title="綦江信息二", organisation=people["qijiang"], owner=qj_editor
    )
    declined = _draft(story_index, title="璧山信息一", organisation=people["bishan"], owner=bs_editor)
    pending = _draft(story_index, title="璧山信息二", organisation=people["bishan"], owner=bs_editor)
    for story, editor in (
        (accepted, qj_editor),
        (returned_then_accepted, qj_editor),
        (declined, bs_editor),
        (pending, bs_editor),
    ):
        story.get_workflow().start(story, editor)
    _act(client, reviewer, accepted, "approve")
    _act(client, reviewer, returned_then_accepted, "reject", "请核实数字")
    returned_then_accepted.refresh_from_db()
    returned_then_accepted.current_workflow_state.resume(user=qj_editor)
    _act(client, reviewer, returned_then_accepted, "approve")
    _act(client, reviewer, declined, "decline", "不宜公开")

    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    rows = {
        row.organisation.code: row for row in submission_quarterly_report(year=today.year, quarter=quarter)
    }

    figures = {
        code: (r.submitted, r.accepted, r.returned, r.declined, r.published) for code, r in rows.items()
    }
    assert figures.pop("cq-qijiang") == (2, 2, 1, 0, 2) and figures.pop("cq-bishan") == (2, 0, 0, 1, 0)
    # Every other unit is listed too, with its zeros.
    units = set(Organisation.objects.values_list("code", flat=True))
    assert set(figures) == units - {"cq-qijiang", "cq-bishan"}
    assert figures and set(figures.values()) == {(0, 0, 0, 0, 0)}
    last_year = submission_quarterly_report(year=today.year - 1, quarter=quarter)
    assert len(last_year) == Organisation.objects.count()
    assert {(r.submitted, r.accepted, r.published) for r in last_year} == {(0, 0, 0)}

    # The same figures in the admin and in the XLSX export.
    client.force_login(reviewer)
    page = client.get(f"/admin/publicity/quarterly/?year={today.year}&quarter={quarter}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "綦江区委党史地方志研究室" in html
    # The 合计 row, and bars named with their figures (readable without colour).
    totals = '<th scope="row" colspan="2">合计</th><td>4</td><td>2</td><td>1</td><td>1</td><td>2</td>'
    assert totals in html
    assert '<span class="quarterly-chart__label">报送 2</span>' in html
    export = client.get(f"/admin/publicity/quarterly/?year={today.year}&quarter={quarter}&export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows_in_sheet = list(sheet.iter_rows(values_only=True))
    assert rows_in_sheet[1] == ("地区", "单位", "报送", "采用", "退回", "不予采用", "发布", "对方转载")
    assert ("重庆", "綦江区委党史地方志研究室", 2, 2, 1, 0, 2, 2) in rows_in_sheet
    assert ("重庆", "璧山区委党史研究室", 2, 0, 0, 1, 0, 0) in rows_in_sheet
    assert rows_in_sheet[-1] == ("合计", None, 4, 2, 1, 1, 2, 2)

    client.force_login(qj_editor)
    refused = client.get("/admin/publicity/quarterly/?export=xlsx")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"


def test_quarter_bounds_use_local_time():
    from publicity.selectors import quarter_bounds

    start, end = quarter_bounds(year=2020, quarter=2)
    assert (start.date(), end.date()) == (datetime.date(2020, 4, 1), datetime.date(2020, 7, 1))
    assert SubmissionEvent.objects.count() == 0


def test_district_editors_work_in_their_own_units_name(client, story_index, people):
    qijiang_story = _draft(
        story_index, title="綦江的稿件", organisation=people["qijiang"], owner=people["qj_editor"]
    )

    client.force_login(people["bs_editor"])
    form = client.get(f"/admin/pages/add/publicity/story/{story_index.pk}/").content.decode()
    assert "璧山区委党史研究室" in form and "綦江区委党史地方志研究室" not in form
    refused = client.get(f"/admin/pages/{qijiang_story.pk}/edit/", follow=True)
    assert "只能修改本单位的稿件" in refused.content.decode()

    client.force_login(people["qj_editor"])
    assert client.get(f"/admin/pages/{qijiang_story.pk}/edit/").status_code == 200
    client.force_login(people["reviewer"])
    assert client.get(f"/admin/pages/{qijiang_story.pk}/edit/").status_code == 200
