"""RSS 2.0 and Atom feeds of public stories, all, per region and per section."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal.models import Region

from .filters import StoryFilters
from .models import Section, Story, StoryIndexPage
from .selectors import story_list


class StoryFeed(Feed):
    feed_type = Rss201rev2Feed
    limit = 50

    def get_object(self, request, region: str = "", section: str = ""):
        if region and region not in Region.values:
            raise Http404
        return {
            "region": region,
            "section": get_object_or_404(Section, slug=section) if section else None,
        }

    def title(self, obj):
        parts = [_("川渝党史协作平台 · 互推互展")]
        if obj["region"]:
            parts.append(Region(obj["region"]).label)
        if obj["section"]:
            parts.append(obj["section"].name)
        return " · ".join(str(part) for part in parts)

    def link(self, obj):
        index = StoryIndexPage.objects.live().first()
        return (index.url if index else None) or "/"

    def description(self, obj):
        return _("川渝两地党史部门公开发布的稿件")

    def items(self, obj):
        # Feeds are read anonymously and cached by readers: public stories only.
        wanted = {"region": obj["region"], "section": obj["section"].slug if obj["section"] else ""}
        filters = StoryFilters({key: value for key, value in wanted.items() if value})
        return story_list(public_only=True, filters=filters)[: self.limit]

    def item_title(self, item: Story):
        return item.title

    def item_description(self, item: Story):
        # Readers take a description as HTML: the plain-text summary and unit are escaped.
        unit = _("供稿单位：%(unit)s") % {"unit": item.contributor_line}
        return format_html("<p>{}</p><p>{}</p>", unit, item.summary)

    def item_link(self, item: Story):
        return item.get_url() or f"/#story-{item.pk}"

    def item_guid(self, item: Story):
        return f"urn:uuid:{item.global_id}"

    item_guid_is_permalink = False

    def item_author_name(self, item: Story):
        return item.contributor_line

    def item_pubdate(self, item: Story):
        moment = datetime.datetime.combine(item.publication_date, datetime.time(8))
        return timezone.make_aware(moment, timezone.get_default_timezone())

    def item_updateddate(self, item: Story):
        return item.last_published_at

    def item_categories(self, item: Story):
        return [item.section.name, Region(item.origin_organisation.region).label]


class StoryAtomFeed(StoryFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
