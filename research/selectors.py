"""Reads for joint research projects and the expert pool; every list goes through portal.access."""

import datetime

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone

from portal.access import visible_to
from portal.records.filters import RecordFilters

from .models import Expert, Milestone, Project, ProjectMember, ProjectOutput


def project_list(*, user, filters: RecordFilters | None = None) -> QuerySet[Project]:
    """Projects this reader may see, narrowed by the listing's filters (research.filters)."""
    projects = visible_to(user, Project.objects.all())
    if filters is not None:
        projects = filters.apply(projects)
    return projects.prefetch_related("lead_organisations", "topics").order_by(*Project.LISTING_ORDER)


def project_get(*, user, global_id) -> Project | None:
    return project_list(user=user).filter(global_id=global_id).first()


def project_membership(*, project: Project, user) -> ProjectMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ProjectMember.objects.filter(project=project, user=user).first()


def is_project_lead(*, project: Project, user) -> bool:
    membership = project_membership(project=project, user=user)
    return membership is not None and membership.role == ProjectMember.Role.LEAD


ROLE_ORDER = Case(
    *[When(role=role, then=Value(rank)) for rank, role in enumerate(ProjectMember.Role.values)],
    output_field=IntegerField(),
)


def project_members(*, project: Project) -> QuerySet[ProjectMember]:
    """Leads first, then members, then advisors."""
    return (
        ProjectMember.objects.filter(project=project)
        .select_related("user", "organisation")
        .order_by(ROLE_ORDER, "organisation__region", "pk")
    )


def milestones_due_soon(
    *, project: Project, days: int = 30, today: datetime.date | None = None
) -> QuerySet[Milestone]:
    """Open milestones falling due from today to `days` ahead."""
    today = today or timezone.localdate()
    return Milestone.objects.filter(
        project=project,
        state__in=Milestone.OPEN_STATES,
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=days),
    ).order_by("due_date", "pk")


def overdue_milestones(*, project: Project, today: datetime.date | None = None) -> QuerySet[Milestone]:
    today = today or timezone.localdate()
    return Milestone.objects.filter(
        project=project, state__in=Milestone.OPEN_STATES, due_date__lt=today
    ).order_by("due_date", "pk")


def project_outputs(*, project: Project, limit: int | None = None) -> QuerySet[ProjectOutput]:
    outputs = ProjectOutput.objects.filter(project=project).select_related("added_by")
    return outputs[:limit] if limit else outputs


def expert_list(*, user, filters: RecordFilters | None = None) -> QuerySet[Expert]:
    """Experts this reader may see (the record's access level decides, as for every record),
    narrowed by the pool's filters (research.filters.ExpertFilters)."""
    experts = visible_to(user, Expert.objects.all())
    if filters is not None:
        experts = filters.apply(experts)
    return (
        experts.select_related("organisation")
        # An expert's projects are listed only as far as the reader may see them.
        .prefetch_related(
            "fields", Prefetch("projects", queryset=visible_to(user, Project.objects.order_by("title")))
        )
        .order_by(*Expert.LISTING_ORDER)
    )


def expert_get(*, user, global_id) -> Expert | None:
    return expert_list(user=user).filter(global_id=global_id).first()
