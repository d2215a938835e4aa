"""Read API for joint research projects and the expert pool, mounted on the public API (portal.api's style).

Readers authenticate with a Wagtail API token (Bearer); without one they are
anonymous and see public projects only. The same portal.access rule as the pages applies.
"""

import datetime
import uuid

from ninja import Router, Schema
from ninja.pagination import paginate

from django.http import HttpRequest

from portal.api import (
    PUBLIC_READ,
    OrganisationRef,
    PublicPagination,
    SharedRecordSchema,
    TopicRef,
    found_or_404,
)

from . import selectors
from .filters import ExpertFilters, ProjectFilters
from .models import Expert, Project

router = Router(tags=["research"], auth=PUBLIC_READ)


class ProjectOutputSchema(Schema):
    title: str
    kind: str
    url: str
    material_global_id: uuid.UUID | None
    added_at: datetime.datetime


class ProjectSchema(SharedRecordSchema):
    title: str
    summary: str
    status: str
    start_date: datetime.date | None
    planned_end: datetime.date | None
    lead_organisations: list[OrganisationRef]
    topics: list[TopicRef]
    url: str

    @staticmethod
    def resolve_lead_organisations(obj: Project):
        return list(obj.lead_organisations.all())

    @staticmethod
    def resolve_topics(obj: Project):
        return list(obj.topics.all())

    @staticmethod
    def resolve_url(obj: Project):
        return obj.get_absolute_url()


class ProjectDetailSchema(ProjectSchema):
    outputs: list[ProjectOutputSchema]

    @staticmethod
    def resolve_outputs(obj: Project):
        return list(obj.outputs.all())


class ExpertProjectRef(Schema):
    global_id: uuid.UUID
    title: str


class ExpertSchema(SharedRecordSchema):
    name: str
    title: str
    organisation: OrganisationRef | None
    affiliation: str
    fields: list[TopicRef]
    bio: str
    projects: list[ExpertProjectRef]

    @staticmethod
    def resolve_fields(obj: Expert):
        return list(obj.fields.all())

    @staticmethod
    def resolve_projects(obj: Expert):
        # Prefetched by selectors.expert_list: only projects the reader may see.
        return list(obj.projects.all())


@router.get(
    "/projects/",
    response=list[ProjectSchema],
    url_name="research_projects_list",
    summary="List joint research projects",
    operation_id="research_projects_list",
)
@paginate(PublicPagination)
def list_projects(
    request: HttpRequest,
    status: str | None = None,
    topic: str | None = None,
    organisation: str | None = None,
    region: str | None = None,
):
    wanted = {"status": status, "topic": topic, "organisation": organisation, "region": region}
    filters = ProjectFilters({key: value for key, value in wanted.items() if value}, user=request.user)
    return selectors.project_list(user=request.user, filters=filters).select_related("origin_organisation")


@router.get(
    "/projects/{global_id}/",
    response=ProjectDetailSchema,
    url_name="research_projects_detail",
    summary="Joint research project detail",
    operation_id="research_projects_detail",
)
def get_project(request: HttpRequest, global_id: uuid.UUID):
    return found_or_404(selectors.project_get(user=request.user, global_id=global_id))


@router.get(
    "/experts/",
    response=list[ExpertSchema],
    url_name="research_experts_list",
    summary="List the expert pool",
    operation_id="research_experts_list",
)
@paginate(PublicPagination)
def list_experts(request: HttpRequest, field: str | None = None, q: str | None = None):
    wanted = {"field": field, "q": q}
    filters = ExpertFilters({key: value for key, value in wanted.items() if value}, user=request.user)
    return selectors.expert_list(user=request.user, filters=filters).select_related("origin_organisation")


@router.get(
    "/experts/{global_id}/",
    response=ExpertSchema,
    url_name="research_experts_detail",
    summary="Expert detail",
    operation_id="research_experts_detail",
)
def get_expert(request: HttpRequest, global_id: uuid.UUID):
    return found_or_404(selectors.expert_get(user=request.user, global_id=global_id))
