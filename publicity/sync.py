"""What publicity shares with the partner region (see sync.registry): stories and red-heritage sites.

互推互展: a live story offered to the partner appears on the partner's site under its story
index, read-only there and linking back to the original; unpublishing, lowering it to internal or
withdrawing the offer removes it at the partner.
"""

from django.utils.text import slugify

from wagtail.models import Page

from sync import kinds
from sync.context import organisation_by_code
from sync.errors import ChangeRefused
from sync.registry import SyncSpec, assign, register

from .models import RedHeritageIndexPage, RedHeritageSite, Section, Story, StoryIndexPage
from .services import record_view_restriction_sync


class NoIndexPage(Exception):
    """The receiving region has no index page to place a partner's page under."""


def _unique_slug(*, page, parent: Page) -> str:
    base = page.slug or slugify(page.title, allow_unicode=True) or "page"
    siblings = parent.get_children().exclude(pk=page.pk) if page.pk else parent.get_children()
    slug, number = base, 1
    while siblings.filter(slug=slug).exists():
        # A local page holds the slug already: the copy takes the origin region's name along.
        slug = f"{base}-{page.origin_region}" if number == 1 else f"{base}-{page.origin_region}-{number}"
        number += 1
    return slug


def replica_place(*, page, parent: Page | None = None) -> None:
    """Fit a partner's page written by sync to this region: slug, url path and (stories) section."""
    parent = parent or page.get_parent()
    page.slug = _unique_slug(page=page, parent=parent)
    page.draft_title = page.title
    if page.pk or page.path:
        page.set_url_path(parent)
    if isinstance(page, Story):
        page.section = _section(page.syndication) or (page.section if page.section_id else None)
        if page.section is None:
            page.section = Section.objects.order_by("order", "pk").first()
        page.source_url = ""


def _section(syndication: dict) -> Section | None:
    slug = syndication.get("section")
    if not slug:
        return None
    if len(slug) > _field_limit("slug"):
        raise ChangeRefused(
            "bad_value", f"syndication.section: longer than {_field_limit('slug')} characters"
        )
    section = Section.objects.filter(slug=slug).first()
    if section is None:
        # A partner's names are cut to our columns: an over-long one must not fail the insert.
        limit = _field_limit("name")
        name = (syndication.get("section_name") or slug)[:limit]
        if Section.objects.filter(name=name).exists():
            suffix = f"（{slug}）"
            name = f"{name[: max(0, limit - len(suffix))]}{suffix}"[:limit]
        if Section.objects.filter(name=name).exists():
            raise ChangeRefused("bad_value", f"syndication.section_name: {name!r} is taken here")
        name_en = (syndication.get("section_name_en") or "")[: _field_limit("name_en")]
        section = Section.objects.create(slug=slug, name=name, name_en=name_en, order=99)
    return section


def _field_limit(name: str) -> int:
    return Section._meta.get_field(name).max_length


def _create(model, index_model, spec_fields):
    def create(payload: dict):
        index = index_model.objects.first()
        if index is None:
            raise NoIndexPage(f"no {index_model._meta.label} to place {payload['global_id']} under")
        page = model(
            global_id=payload["global_id"],
            origin_region=payload["origin_region"],
            origin_organisation=organisation_by_code(payload["origin_organisation"]),
            version=payload["version"],
            access_level=payload["access_level"],
        )
        assign(page, spec_fields, payload["fields"])
        replica_place(page=page, parent=index)
        index.add_child(instance=page)
        page.save_revision().publish()
        # Re-read: publishing saved another instance (live revision, first published); the
        # generic apply saves every field of what is returned.
        return model.objects.get(pk=page.pk)

    return create


# The original's address is kept as its path on the partner's public address.
SYNDICATION = kinds.Struct(
    {
        "url": kinds.PartnerUrl(),
        "section": kinds.Slug(),
        "section_name": kinds.Text(),
        "section_name_en": kinds.Text(),
    }
)

STORY_FIELDS = {
    "title": kinds.Text(),
    "slug": kinds.Slug(),
    "summary": kinds.Text(),
    "body": kinds.Stream(),
    "contributing_department": kinds.Text(),
    "author": kinds.Text(),
    "publication_date": kinds.Date(),
    "offered_to_partner": kinds.Boolean(),
    "syndication": SYNDICATION,
}


def _view_restriction(page) -> None:
    # Sync saves without publishing: the view restriction (and so the pages API) follows here.
    record_view_restriction_sync(page=page)


SITE_FIELDS = {
    "title": kinds.Text(),
    "slug": kinds.Slug(),
    "place": kinds.Text(),
    "address": kinds.Text(),
    # Both or neither, within range: the model's check, applied to what arrives (kinds.payload).
    "latitude": kinds.Decimal(),
    "longitude": kinds.Decimal(),
    "history": kinds.RichText(),
    "visiting_information": kinds.Text(),
    "images": kinds.Stream(),
    # The origin's editors feature a site on the home pages of both regions.
    "featured_on_home": kinds.Boolean(),
    "syndication": SYNDICATION,
}

register(
    SyncSpec(
        model=Story,
        fields=STORY_FIELDS,
        m2m={"topics": kinds.Topic()},
        # The agreement has each region show the stories the other offers it, once published.
        is_shared=lambda story: story.live and story.offered_to_partner,
        create=_create(Story, StoryIndexPage, STORY_FIELDS),
        applied=_view_restriction,
    )
)

register(
    SyncSpec(
        model=RedHeritageSite,
        fields=SITE_FIELDS,
        m2m={"topics": kinds.Topic(), "related_stories": kinds.Record(either_region=True)},
        is_shared=lambda site: site.live,
        create=_create(RedHeritageSite, RedHeritageIndexPage, SITE_FIELDS),
        applied=_view_restriction,
    )
)
