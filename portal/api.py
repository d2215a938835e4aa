"""The public read API at /api/ and its schema at /api/openapi.json.

It documents only what a reader may call: reads of pages and of each module's records
(each module registers its router in portal.modules), under the portal's access rule whether the
caller is anonymous or sends a Wagtail API token. Every router has one style, as Wagtail's own
documents router: PUBLIC_READ auth (a token reads as its user, anyone else as the public, never
a session), one queryset per resource, found_or_404 for details, the shared schemas below.
A token never widens what is seen to the pages its holder may edit. Wagtail's own v3 API
(writes, revisions, sites, snippets…) is not mounted: the portal has no staff operation over HTTP.
"""

import uuid
from functools import wraps
from http import HTTPStatus
from typing import Annotated, Literal

from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from django.conf import settings
from django.db.models import Model
from django.http import Http404, HttpRequest

from wagtail.api.querysets import get_public_pages_queryset
from wagtail.api.rich_text import RichTextOutputFormat
from wagtail.api.v3.auth import AllowAnonymous, BearerTokenAuth
from wagtail.api.v3.errors import (
    ProblemDetail,
    as_validation_error,
    problem_response,
    register_exception_handlers,
)
from wagtail.api.v3.pagination import WagtailLimitOffsetPagination
from wagtail.api.v3.routers.pages import PageDetailSchema, PageFilterSchema
from wagtail.api.v3.schemas import BasePageSchema
from wagtail.api.v3.schemas.pages import BASE_PAGE_READ_FIELDS
from wagtail.api.v3.schemas.params import APIFieldFilterSchema, OrderingSchema, SearchSchema
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import Page

from .access import pages_visible_to
from .modules import modules

# Ids are 32-bit on every database the portal runs on; paging further than this is not browsing.
MAX_ID = 2**31 - 1
MAX_OFFSET = 100_000
PageId = Annotated[int, Field(ge=1, le=MAX_ID)]
PROBLEM_JSON = "application/problem+json"
# What every operation may answer besides its result: a refused query (400), an unknown or
# hidden record (404), parameters that fail validation (422).
ERROR_STATUSES = (HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND, HTTPStatus.UNPROCESSABLE_ENTITY)


def max_limit() -> int:
    return int(getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20) or 20)


class PublicPagination(WagtailLimitOffsetPagination):
    """Limit and offset are bounded in the schema, so an absurd offset is a 422, never a database error."""

    class Input(WagtailLimitOffsetPagination.Input):
        limit: int = Field(default=20, ge=1, le=max_limit())
        offset: int = Field(default=0, ge=0, le=MAX_OFFSET)


class PublicAPI(NinjaAPI):
    """A NinjaAPI whose schema also documents the errors every operation may answer."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        problem = {"$ref": "#/components/schemas/ProblemDetail"}
        schema.setdefault("components", {}).setdefault("schemas", {})["ProblemDetail"] = (
            ProblemDetail.model_json_schema()
        )
        for operations in schema["paths"].values():
            for operation in operations.values():
                # A token is optional everywhere: without one the caller reads as the public.
                if operation.get("security") and {} not in operation["security"]:
                    operation["security"].append({})
                for status in ERROR_STATUSES:
                    operation["responses"].setdefault(
                        int(status),
                        {"description": status.phrase, "content": {PROBLEM_JSON: {"schema": problem}}},
                    )
        return schema


public_api = PublicAPI(
    title="川渝党史协作平台 API",
    version="1.0.0",
    description="Read API: pages, materials, research projects and experts, as the caller may read them.",
    urls_namespace="portal_api",
    openapi_url="/openapi.json",
    docs_url="/docs/",
)
register_exception_handlers(public_api)

PUBLIC_READ = [BearerTokenAuth(), AllowAnonymous()]


def found_or_404(record):
    """A detail operation's record, or the API's 404 when it is unknown or hidden from the caller."""
    if record is None:
        raise HttpError(HTTPStatus.NOT_FOUND, "Not found")
    return record


class OrganisationRef(Schema):
    code: str
    name: str
    region: str


class TopicRef(Schema):
    slug: str
    name: str
    kind: str


class SharedRecordSchema(Schema):
    """What every shared record says of itself: identity, origin and access level."""

    global_id: uuid.UUID
    origin_region: str
    origin_organisation: OrganisationRef
    version: int
    access_level: str


def refuse_nul_bytes(view):
    """No database text holds a NUL byte: a parameter carrying one is invalid input, never a 500."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        values = [*request.GET.values(), request.path, *map(str, kwargs.values())]
        if any("\x00" in value for value in values):
            return problem_response(status=422, detail="Validation failed", errors=[{"msg": "NUL byte"}])
        return view(request, *args, **kwargs)

    return checked


public_api.add_decorator(refuse_nul_bytes, mode="view")


# --- pages ----------------------------------------------------------------------------


def readable_pages(request: HttpRequest, model: type[Model] = Page):
    """Live pages of the requested site that the caller may read, by the portal's rule."""
    try:
        pages = get_public_pages_queryset(request, model)
    except ValueError as error:  # ?site= matched more than one site
        raise HttpError(HTTPStatus.BAD_REQUEST, str(error)) from error
    return pages_visible_to(request.user, pages).select_related("content_type", "locale").order_by("pk")


class ReadablePageFilterSchema(PageFilterSchema):
    """Wagtail's page filters, whose reference pages (child_of, ancestor_of…) obey the same rule."""

    @staticmethod
    def get_public_page(request: HttpRequest, page_id: int, loc: str) -> Page:
        try:
            return readable_pages(request).get(pk=page_id)
        except Page.DoesNotExist as error:
            message = f"No page matches the given {loc} value."
            raise as_validation_error(error, message, loc=(loc,)) from error


pages_router = Router(tags=["pages"], auth=PUBLIC_READ)


@pages_router.get("/", response=list[BasePageSchema], summary="List pages", operation_id="pages_list")
@paginate(PublicPagination, pass_parameter="pagination_info")
def list_pages(
    request: HttpRequest,
    filters: Query[ReadablePageFilterSchema],
    ordering: Query[OrderingSchema],
    search: Query[SearchSchema],
    **kwargs,
):
    models = filters.type
    model = models[0] if len(models) == 1 else Page
    field_filter = APIFieldFilterSchema.with_exclude_schemas(
        raw_params=request.GET,
        schemas=(ReadablePageFilterSchema, OrderingSchema, SearchSchema),
        base_fields=BASE_PAGE_READ_FIELDS,
    )
    queryset = filters.filter(readable_pages(request, model), request)
    queryset = field_filter.filter_queryset(queryset)
    queryset = ordering.order_queryset(queryset, kwargs["pagination_info"], base_fields=BASE_PAGE_READ_FIELDS)
    return search.search_queryset(request, queryset)


@pages_router.get("/find/", response=PageDetailSchema, summary="Find page", operation_id="pages_find")
def find_page(
    request: HttpRequest,
    id: PageId | None = None,
    html_path: Annotated[str, Field(max_length=1000)] | None = None,
    site: Annotated[str, Field(max_length=255)] | None = None,
    rich_text_format: RichTextOutputFormat | None = None,
):
    """The page at a path of the site (or with an id), if the caller may read it."""
    pages = readable_pages(request)
    if html_path:
        components = [component for component in html_path.split("/") if component]
        try:
            found = SiteFilterValidator(site=site, request=request).site_obj
        except ValueError as error:
            raise HttpError(HTTPStatus.BAD_REQUEST, str(error)) from error
        if found is not None:
            try:
                page, _args, _kwargs = found.root_page.specific.route(request, components)
            except Http404:
                page = None
            if page is not None and pages.filter(pk=page.pk).exists():
                return page.specific
    if id:
        page = pages.filter(pk=id).first()
        if page is not None:
            return page.specific
    raise HttpError(HTTPStatus.NOT_FOUND, "No page matches the given query.")


@pages_router.get(
    "/{page_id}/", response=PageDetailSchema, summary="Page detail", operation_id="pages_detail"
)
def get_page(
    request: HttpRequest,
    page_id: PageId,
    version: Literal["live"] = "live",
    rich_text_format: RichTextOutputFormat | None = None,
):
    """A live page the caller may read; drafts are read in the admin, never here."""
    return found_or_404(readable_pages(request).filter(pk=page_id).first()).specific


public_api.add_router("/pages/", pages_router)


_mounted: set[int] = set()


def public_api_urls():
    """The API's URLs, with the router of every registered module mounted (once) at its prefix."""
    for module in modules():
        if module.api is not None and id(module.api[1]) not in _mounted:
            prefix, router = module.api
            public_api.add_router(prefix, router)
            _mounted.add(id(router))
    return public_api.urls
