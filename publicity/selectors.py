"""Reads for the publicity module: story lists, feeds and the quarterly submission report."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import access_q, visible_to
from portal.models import AccessLevel, Organisation
from portal.records.filters import RecordFilters

from .maps import HOME_THUMBNAIL, thumbnails_attach
from .models import BulletinIssue, RedHeritageSite, Section, Story, SubmissionEvent


def story_list(
    *, user=None, public_only: bool = False, filters: RecordFilters | None = None
) -> QuerySet[Story]:
    return Story.objects.listed(user=user, public_only=public_only, filters=filters)


def story_latest(*, user=None, count: int = 6) -> list[Story]:
    """The newest stories of both regions the reader may see, each with its first photo (home page)."""
    return thumbnails_attach(story_list(user=user)[:count], field="body", spec=HOME_THUMBNAIL)


def red_heritage_highlights(*, user=None, count: int = 3) -> list[RedHeritageSite]:
    """The red-heritage sites of both regions the reader may see, each with its first photo (home
    page): those the editors feature first, then the most recently published."""
    sites = visible_to(user, RedHeritageSite.objects.live().select_related("origin_organisation"))
    sites = sites.order_by("-featured_on_home", "-first_published_at", "-pk")
    return thumbnails_attach(sites[:count], spec=HOME_THUMBNAIL)


def bulletin_issue_items(*, issue: BulletinIssue, user=None) -> list[tuple[Section, list[Story]]]:
    """The issue's stories grouped by section in section order, as the bulletin prints them."""
    stories = (
        Story.objects.live()
        .filter(bulletin_issue=issue)
        .filter(access_q(user))
        .select_related("section", "origin_organisation")
        .order_by("section__order", "bulletin_order", "pk")
    )
    grouped: dict[int, tuple[Section, list[Story]]] = {}
    for story in stories:
        grouped.setdefault(story.section_id, (story.section, []))[1].append(story)
    return list(grouped.values())


def bulletin_issue_archive(*, user=None) -> list[tuple[int, list[BulletinIssue]]]:
    """Issues holding a story the reader may see, by year, newest first; `item_count` counts only those."""
    counts = dict(
        Story.objects.live()
        .filter(access_q(user), bulletin_issue__isnull=False)
        .values_list("bulletin_issue")
        .annotate(n=Count("pk"))
        .order_by()
    )
    years: dict[int, list[BulletinIssue]] = {}
    for issue in BulletinIssue.objects.filter(pk__in=counts).order_by("-year", "-number"):
        issue.item_count = counts[issue.pk]
        years.setdefault(issue.year, []).append(issue)
    return list(years.items())


def bulletin_compile_candidates(*, issue: BulletinIssue, user=None) -> QuerySet[Story]:
    """The region's live stories not yet in any issue, published up to the issue's date.

    With a user: only the stories that user may see (the compiler never handles another
    organisation's internal story).
    """
    stories = Story.objects.live() if user is None else Story.objects.live().filter(access_q(user))
    return (
        stories.filter(
            bulletin_issue__isnull=True,
            origin_organisation__region=issue.region,
            publication_date__lte=issue.date,
        )
        .select_related("section", "origin_organisation")
        .order_by("section__order", "publication_date", "pk")
    )


def quarter_bounds(*, year: int, quarter: int) -> tuple[datetime.datetime, datetime.datetime]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1-4")
    tz = timezone.get_default_timezone()
    start = datetime.datetime(year, 3 * quarter - 2, 1, tzinfo=tz)
    end = datetime.datetime(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1, tzinfo=tz)
    return start, end


@dataclass
class QuarterlyRow:
    organisation: Organisation
    submitted: int = 0
    accepted: int = 0
    returned: int = 0
    declined: int = 0
    published: int = 0
    cross_posted: int = 0


def submission_quarterly_report(*, year: int, quarter: int, region: str = "") -> list[QuarterlyRow]:
    """Per unit: items submitted, accepted, returned, declined and stories published in the quarter.

    submitted counts items (a resubmission is not a new item); returned counts each return.
    cross_posted counts this region's stories of the quarter the sync feed ships to the partner
    (live, offered to it, not internal): the partner reports nothing back about what it pulled.
    """
    start, end = quarter_bounds(year=year, quarter=quarter)
    events = SubmissionEvent.objects.filter(at__gte=start, at__lt=end)
    if region:
        events = events.filter(organisation__region=region)
    Action = SubmissionEvent.Action
    counts = (
        events.order_by()
        .values("organisation")
        .annotate(
            submitted=Count("story", filter=Q(action=Action.SUBMITTED), distinct=True),
            accepted=Count("story", filter=Q(action=Action.ACCEPTED), distinct=True),
            returned=Count("pk", filter=Q(action=Action.RETURNED)),
            declined=Count("story", filter=Q(action=Action.DECLINED), distinct=True),
        )
    )
    rows: dict[int, QuarterlyRow] = {}
    for entry in counts:
        rows[entry["organisation"]] = QuarterlyRow(
            organisation=None,
            submitted=entry["submitted"],
            accepted=entry["accepted"],
            returned=entry["returned"],
            declined=entry["declined"],
        )
    published = Story.objects.live().filter(
        publication_date__gte=start.date(), publication_date__lt=end.date()
    )
    if region:
        published = published.filter(origin_organisation__region=region)
    for entry in published.order_by().values("origin_organisation").annotate(n=Count("pk")):
        rows.setdefault(entry["origin_organisation"], QuarterlyRow(organisation=None)).published = entry["n"]
    cross_posted = (
        published.filter(origin_region=settings.PORTAL_REGION, offered_to_partner=True)
        .exclude(access_level=AccessLevel.INTERNAL)
        .order_by()
        .values("origin_organisation")
        .annotate(n=Count("pk"))
    )
    for entry in cross_posted:
        row = rows.setdefault(entry["origin_organisation"], QuarterlyRow(organisation=None))
        row.cross_posted = entry["n"]
    # Every unit is listed: one with nothing to report in the quarter shows its zeros (通报 names it too).
    units = Organisation.objects.filter(region=region) if region else Organisation.objects.all()
    for organisation in units:
        rows.setdefault(organisation.pk, QuarterlyRow(organisation=None)).organisation = organisation
    return sorted(rows.values(), key=lambda row: (row.organisation.region, row.organisation.name))


# An item's submission status, from its latest submission step (信息报送).
SUBMISSION_STATUS = {
    SubmissionEvent.Action.SUBMITTED: _("待审核"),
    SubmissionEvent.Action.RESUBMITTED: _("待审核"),
    SubmissionEvent.Action.RETURNED: _("已退回修改"),
    SubmissionEvent.Action.ACCEPTED: _("已采用"),
    SubmissionEvent.Action.DECLINED: _("不予采用"),
}


def story_submissions_of(*, user, limit: int = 10) -> list[tuple[Story, str]]:
    """我的报送: the stories a staff member created, newest first, each with its submission status."""
    latest_action = (
        SubmissionEvent.objects.filter(story=OuterRef("pk")).order_by("-at", "-pk").values("action")[:1]
    )
    stories = (
        Story.objects.filter(owner=user)
        .annotate(latest_action=Subquery(latest_action))
        .order_by("-latest_revision_created_at", "-pk")[:limit]
    )
    return [
        (story, SUBMISSION_STATUS.get(story.latest_action) or (_("已发布") if story.live else _("草稿")))
        for story in stories
    ]
