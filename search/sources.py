"""What each module contributes to the search index, read from its models.

A source turns one record into the fields of a ContentDocument, or says it
must not be in the index (a story that is not live). Modules are optional:
a source whose app is not installed is skipped.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.db.models import Model, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from portal.models import AccessLevel, Topic


@dataclass(frozen=True)
class Source:
    label: str  # app_label.ModelName
    module: str
    topics_field: str | None
    fields: Callable[[Model], dict]
    queryset: Callable[[QuerySet], QuerySet] = lambda qs: qs
    indexable: Callable[[Model], bool] = lambda record: True
    shared: bool = True  # a SharedRecord, with origin organisation and access level

    @property
    def model(self):
        return apps.get_model(self.label)

    def records(self) -> QuerySet:
        records = self.model.objects.all()
        if self.shared:
            records = records.select_related("origin_organisation")
        return self.queryset(records)


MODULE_LABELS = {
    "materials": _("党史资料"),
    "research": _("联合研究"),
    "events": _("交流活动"),
    "training": _("干部培训"),
    "publicity": _("宣传稿件"),
    "pages": _("网站页面"),
}


def _topic_names(record, field: str | None, kind: str) -> list[str]:
    if not field:
        return []
    return sorted({t.name for t in getattr(record, field).all() if t.kind == kind})


def _year(value) -> int | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return value.year


def _url(name: str, **kwargs) -> str:
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _material(m) -> dict:
    return {
        "title": m.title,
        "body": "\n".join(filter(None, [m.description, m.collection])),
        "type": m.material_type,
        "period": m.period or None,
        "year": _year(m.date_from or m.date_to),
        "url": _url("materials:detail", global_id=m.global_id),
        "published_at": m.deposited_at,
    }


def _project(p) -> dict:
    return {
        "title": p.title,
        "body": p.summary,
        "type": "project",
        "year": _year(p.start_date or p.created_at),
        "url": _url("research:project_detail", global_id=p.global_id),
        "published_at": p.created_at,
    }


def _expert(e) -> dict:
    workplace = e.organisation.name if e.organisation_id else e.affiliation
    return {
        "title": e.name,
        "body": "\n".join(filter(None, [e.title, workplace, e.bio])),
        "type": "expert",
        "people": [e.name],
        "url": _url("research:expert_index") + "?" + urlencode({"q": e.name}),
    }


def _event(e) -> dict:
    return {
        "title": e.title,
        "body": "\n".join(filter(None, [e.summary, e.venue, strip_tags(e.agenda or "")])),
        "type": e.event_type,
        "places": [e.city] if e.city else [],
        "year": _year(e.starts_at),
        "url": _url("events:event_detail", global_id=e.global_id),
        "published_at": e.starts_at,
    }


def _course(c) -> dict:
    return {
        "title": c.title,
        "body": c.summary,
        "type": "course",
        "year": _year(c.created_at),
        "url": _url("training:course_list") + f"#course-{c.pk}",
        "published_at": c.created_at,
    }


def _story(s) -> dict:
    return {
        "title": s.title,
        "body": "\n".join(filter(None, [s.summary, s.author, *s.body_text()])),
        "type": "story",
        "year": _year(s.publication_date),
        "url": s.url or "",
        "published_at": s.publication_date,
    }


def _page(p) -> dict:
    return {
        "title": p.title,
        "body": "\n".join(
            filter(None, [p.introduction, *p.body.stream_block.get_searchable_content(p.body)])
        ),
        "type": "page",
        "url": p.url or "",
        "published_at": p.last_published_at,
    }


def _page_is_public(page) -> bool:
    return page.live and not page.get_view_restrictions().exists()


SOURCES: list[Source] = [
    Source("materials.Material", "materials", "topics", _material),
    Source("research.Project", "research", "topics", _project),
    Source("research.Expert", "research", None, _expert),
    Source("events.Event", "events", None, _event),
    Source("training.Course", "training", None, _course),
    Source(
        "publicity.Story",
        "publicity",
        "topics",
        _story,
        queryset=lambda qs: qs.live(),
        indexable=lambda story: story.live,
    ),
    # The portal's own pages (about, contact…): public, of this region.
    Source(
        "portal.StandardPage",
        "pages",
        None,
        _page,
        queryset=lambda qs: qs.live().public(),
        indexable=_page_is_public,
        shared=False,
    ),
]


def installed_sources() -> list[Source]:
    found = []
    for source in SOURCES:
        try:
            source.model  # noqa: B018
        except LookupError:
            continue
        found.append(source)
    return found


def source_for(label: str) -> Source | None:
    label = label.lower()
    return next((s for s in installed_sources() if s.label.lower() == label), None)


def document_id(record) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


def record_document(source: Source, record) -> dict | None:
    """The indexed fields of a record, or None if it must not be searchable."""
    if not source.indexable(record):
        return None
    organisation = record.origin_organisation if source.shared else None
    fields = {
        "module": source.module,
        "content_type": record._meta.label_lower,
        "region": record.origin_region if source.shared else settings.PORTAL_REGION,
        "organisation": organisation.code if organisation else None,
        "organisation_name": organisation.name if organisation else None,
        "owner_organisation_id": organisation.pk if organisation else None,
        "access_level": record.access_level if source.shared else AccessLevel.PUBLIC,
        "period": None,
        "year": None,
        "people": _topic_names(record, source.topics_field, Topic.Kind.PERSON),
        "places": _topic_names(record, source.topics_field, Topic.Kind.PLACE),
        "published_at": None,
    }
    extra = source.fields(record)
    for key in ("people", "places"):
        extra[key] = sorted(set(fields[key]) | set(extra.get(key, [])))
    fields.update(extra)
    return fields


def iter_documents(source: Source, *, chunk_size: int = 500) -> Iterable[tuple[str, dict]]:
    records = source.records()
    if source.topics_field:
        records = records.prefetch_related(source.topics_field)
    for record in records.order_by("pk").iterator(chunk_size=chunk_size):
        document = record_document(source, record)
        if document is not None:
            yield document_id(record), document
