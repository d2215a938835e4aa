"""Writes for joint research projects. Only a project's leads change its plan and outputs."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import AccessLevel, Organisation, Topic
from portal.selectors import staff_organisation
from sync.services.feed import one_change_per_record

from .models import Milestone, Project, ProjectMember, ProjectOutput
from .selectors import is_project_lead


def _require_lead(*, project: Project, user) -> None:
    if not is_project_lead(project=project, user=user):
        raise PermissionDenied(_("只有课题负责人可以执行此操作。"))


@one_change_per_record()
def project_create(
    *,
    title: str,
    origin_organisation: Organisation,
    lead_organisations: list[Organisation],
    summary: str = "",
    topics: list[Topic] | None = None,
    status: str = Project.Status.PROPOSED,
    start_date: datetime.date | None = None,
    planned_end: datetime.date | None = None,
    access_level: str = AccessLevel.PARTNERS,
    created_by=None,
) -> Project:
    """Create a project; the creating staff user becomes its first lead."""
    if not lead_organisations:
        raise ValidationError({"lead_organisations": _("至少需要一个牵头单位。")})
    project = Project(
        title=title,
        summary=summary,
        origin_organisation=origin_organisation,
        status=status,
        start_date=start_date,
        planned_end=planned_end,
        access_level=access_level,
    )
    project.full_clean()
    project.save()
    project.lead_organisations.set(lead_organisations)
    project.topics.set(topics or [])
    if created_by is not None:
        organisation = staff_organisation(user=created_by) or origin_organisation
        ProjectMember.objects.create(
            project=project, user=created_by, organisation=organisation, role=ProjectMember.Role.LEAD
        )
    return project


@one_change_per_record()
def member_add(
    *,
    project: Project,
    organisation: Organisation | None = None,
    role: str = ProjectMember.Role.MEMBER,
    user=None,
    full_name: str = "",
    added_by=None,
) -> ProjectMember:
    """Add (or update the role of) a member. added_by=None is a system write (admin, seed)."""
    if added_by is not None:
        _require_lead(project=project, user=added_by)
    if user is not None:
        organisation = organisation or staff_organisation(user=user)
    if organisation is None:
        raise ValidationError({"organisation": _("请指定成员所在单位。")})
    if user is not None:
        member, _created = ProjectMember.objects.update_or_create(
            project=project,
            user=user,
            defaults={"organisation": organisation, "role": role, "full_name": full_name},
        )
    else:
        if not full_name:
            raise ValidationError({"full_name": _("请选择用户或填写姓名。")})
        member, _created = ProjectMember.objects.update_or_create(
            project=project,
            user=None,
            full_name=full_name,
            defaults={"organisation": organisation, "role": role},
        )
    return member


@one_change_per_record()
def milestone_add(
    *,
    project: Project,
    title: str,
    due_date: datetime.date,
    user,
    state: str = Milestone.State.PLANNED,
) -> Milestone:
    _require_lead(project=project, user=user)
    milestone = Milestone(project=project, title=title, due_date=due_date, state=state)
    milestone.full_clean()
    milestone.save()
    return milestone


@one_change_per_record()
def milestone_complete(*, milestone: Milestone, user) -> Milestone:
    _require_lead(project=milestone.project, user=user)
    milestone.state = Milestone.State.DONE
    milestone.completed_at = timezone.now()
    milestone.save()
    return milestone


@one_change_per_record()
def output_add(
    *,
    project: Project,
    title: str,
    user,
    kind: str = ProjectOutput.Kind.REPORT,
    url: str = "",
    material_global_id: uuid.UUID | None = None,
) -> ProjectOutput:
    _require_lead(project=project, user=user)
    output = ProjectOutput(
        project=project,
        title=title,
        kind=kind,
        url=url,
        material_global_id=material_global_id,
        added_by=user,
    )
    output.full_clean()
    output.save()
    return output
