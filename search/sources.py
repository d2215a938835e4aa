"""What the modules contribute to the search index: the sources they register (portal.modules).

A source turns one record into the fields of a ContentDocument, or says it must not be in
the index (a story that is not live). The title and body come from the model's searchable
text (portal.searchable); the source adds the rest (type, year, link…). The portal's own
pages are this app's source.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Model, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.models import AccessLevel, StandardPage, Topic
from portal.modules import modules


@dataclass(frozen=True)
class Source:
    model: type[Model]
    # The fields of the document besides title and body: type, year, url, published_at…
    fields: Callable[[Model], dict]
    topics_field: str | None = None
    # Labels of the values `fields` gives as "type" (the search page's 类型 facet).
    types: Mapping[str, str] = field(default_factory=dict)
    queryset: Callable[[QuerySet], QuerySet] = lambda qs: qs
    indexable: Callable[[Model], bool] = lambda record: True
    shared: bool = True  # a SharedRecord, with origin organisation and access level
    module: str = ""  # the registering module's label, filled in by installed_sources

    @property
    def label(self) -> str:
        return self.model._meta.label

    def records(self) -> QuerySet:
        records = self.model.objects.all()
        if self.shared:
            records = records.select_related("origin_organisation")
        return self.queryset(records)

    def document_records(self) -> QuerySet:
        """The records with what their documents read: a query per relation, never one per record."""
        records = self.records()
        return records.prefetch_related(self.topics_field) if self.topics_field else records


PAGES_MODULE = "pages"


def year_of(value) -> int | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return value.year


def url_of(name: str, **kwargs) -> str:
    """A link in the site's default language; "" when the module's URLs are not mounted."""
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _page(p) -> dict:
    return {"type": "page", "url": p.url or "", "published_at": p.last_published_at}


def _page_is_public(page) -> bool:
    return page.live and not page.get_view_restrictions().exists()


# The portal's own pages (about, contact…): public, of this region.
PAGES = Source(
    StandardPage,
    _page,
    types={"page": _("网站页面")},
    queryset=lambda qs: qs.live().public(),
    indexable=_page_is_public,
    shared=False,
    module=PAGES_MODULE,
)


def module_labels() -> dict[str, str]:
    """The search page's 栏目 facet: each module's name."""
    return {**{m.label: m.name for m in modules()}, PAGES_MODULE: _("网站页面")}


def installed_sources() -> list[Source]:
    found = [replace(s, module=m.label) for m in modules() for s in m.search_sources]
    return [*found, PAGES]


def type_labels() -> dict[str, str]:
    return {value: label for source in installed_sources() for value, label in source.types.items()}


def source_for(label: str) -> Source | None:
    label = label.lower()
    return next((s for s in installed_sources() if s.label.lower() == label), None)


def _topic_names(record, field: str | None, kind: str) -> list[str]:
    if not field:
        return []
    return sorted({t.name for t in getattr(record, field).all() if t.kind == kind})


def document_id(record) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


def _region(source: Source, record, organisation) -> str:
    # The owner's region, not the site that stores the record: a Chongqing story imported
    # from a bulletin at the Sichuan site has origin_region sichuan but is Chongqing's.
    if organisation is not None and organisation.region:
        return organisation.region
    return record.origin_region if source.shared else settings.PORTAL_REGION


def record_document(source: Source, record) -> dict | None:
    """The indexed fields of a record, or None if it must not be searchable."""
    if not source.indexable(record):
        return None
    organisation = record.origin_organisation if source.shared else None
    fields = {
        "module": source.module,
        "content_type": record._meta.label_lower,
        "region": _region(source, record, organisation),
        "organisation": organisation.code if organisation else None,
        "organisation_name": organisation.name if organisation else None,
        "owner_organisation_id": organisation.pk if organisation else None,
        "access_level": record.access_level if source.shared else AccessLevel.PUBLIC,
        "period": None,
        "year": None,
        "people": _topic_names(record, source.topics_field, Topic.Kind.PERSON),
        "places": _topic_names(record, source.topics_field, Topic.Kind.PLACE),
        "published_at": None,
        "title": record.search_title(),
        "body": record.search_body(),
    }
    extra = source.fields(record)
    for key in ("people", "places"):
        extra[key] = sorted(set(fields[key]) | set(extra.get(key, [])))
    fields.update(extra)
    return fields


def iter_documents(source: Source, *, chunk_size: int = 500) -> Iterable[tuple[str, dict]]:
    for record in source.document_records().order_by("pk").iterator(chunk_size=chunk_size):
        document = record_document(source, record)
        if document is not None:
            yield document_id(record), document
