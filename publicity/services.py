"""Writes for the publicity module: bulletin import, the submission workflow, section pages."""

import hashlib
import html
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wagtail.models import GroupPagePermission, Page, TaskState, Workflow, WorkflowPage, WorkflowTask

from portal.access import page_restriction_kind
from portal.models import AccessLevel, HomePage, Level, Organisation, OrganisationRole, Region
from portal.roles import Role
from portal.selectors import page_slug_next
from portal.services import singleton_page_ensure
from portal.text import chinese_punctuation_normalise

from .bulletin import UNIT_SUFFIX, ParsedBulletin, parse_bulletin
from .models import (
    BulletinIssue,
    InformationReviewTask,
    RedHeritageIndexPage,
    Section,
    Story,
    StoryIndexPage,
    SubmissionEvent,
)

# Misprints of unit names found in bulletins, mapped to the unit's real name.
UNIT_ALIASES = {"壁山区委党史研究室": "璧山区委党史研究室"}
REGION_BY_TITLE = {"重庆": Region.CHONGQING, "四川": Region.SICHUAN}
REGION_PREFIX = {Region.CHONGQING: "cq", Region.SICHUAN: "sc"}
REGION_CAPITAL = {Region.CHONGQING: "重庆", Region.SICHUAN: "四川省"}
WORKFLOW_NAME = "信息报送审核"


def _home(home: Page | None) -> Page:
    return home or HomePage.objects.first() or Page.get_first_root_node()


def story_index_ensure(*, home: Page | None = None) -> StoryIndexPage:
    return singleton_page_ensure(
        model=StoryIndexPage,
        parent=_home(home),
        title="互推互展",
        slug="stories",
        introduction="川渝两地党史部门的工作动态、经验交流和信息短波。",
        title_en="Reciprocal publicity",
        introduction_en="News, shared experience and brief reports from both regions.",
    )


def red_heritage_index_ensure(*, home: Page | None = None) -> RedHeritageIndexPage:
    return singleton_page_ensure(
        model=RedHeritageIndexPage,
        parent=_home(home),
        title="红色景点",
        slug="red-sites",
        introduction="川渝两地的红色景点和革命遗址。",
        title_en="Red-heritage sites",
        introduction_en="Red-heritage sites and revolutionary landmarks in Sichuan and Chongqing.",
    )


def _guess_level(name: str, region: str) -> str:
    if "区" in name or "县" in name:
        return Level.DISTRICT
    if name.startswith(("省委", "四川省")) or (
        region == Region.CHONGQING and name.startswith(("市委", "重庆市"))
    ):
        return Level.PROVINCE
    return Level.CITY


def organisation_resolve(*, text: str, region: str) -> tuple[Organisation, str, bool]:
    """The organisation a 供稿 line names, its department, and whether it had to be created."""
    text = UNIT_ALIASES.get(text, text)
    candidates = Organisation.objects.filter(region=region)
    exact = candidates.filter(Q(name=text) | Q(short_name=text)).first()
    if exact:
        return exact, "", False
    # 市委党史研究室宣教处: the longest known unit name the line starts with.
    known = sorted(
        (
            (name, organisation)
            for organisation in candidates
            for name in (organisation.name, organisation.short_name)
        ),
        key=lambda pair: -len(pair[0]),
    )
    for name, organisation in known:
        if name and text.startswith(name):
            return organisation, text[len(name) :], False
    match = UNIT_SUFFIX.match(text)
    unit, department = (match["unit"], match["dept"]) if match else (text, "")
    unit = UNIT_ALIASES.get(unit, unit)
    existing = candidates.filter(Q(name=unit) | Q(short_name=unit)).first()
    if existing:
        return existing, department, False
    level = _guess_level(unit, region)
    full_name = unit
    if level == Level.PROVINCE and not unit.startswith(REGION_CAPITAL[region]):
        full_name = REGION_CAPITAL[region] + unit
    digest = hashlib.sha1(full_name.encode()).hexdigest()[:8]
    organisation = Organisation.objects.create(
        code=f"{REGION_PREFIX[region]}-unit-{digest}",
        name=full_name,
        short_name=unit,
        region=region,
        level=level,
    )
    return organisation, department, True


@dataclass
class ImportReport:
    issue: BulletinIssue | None = None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    organisations_created: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _body(paragraphs: list[str]) -> list[dict]:
    return [{"type": "paragraph", "value": f"<p>{html.escape(p, quote=False)}</p>"} for p in paragraphs]


@transaction.atomic
def bulletin_import(
    *,
    text: str,
    region: str = "",
    access_level: str = AccessLevel.PUBLIC,
    publish: bool = True,
) -> ImportReport:
    """Import a bulletin's items as stories; importing the same issue again updates them in place."""
    parsed: ParsedBulletin = parse_bulletin(text)
    report = ImportReport(problems=list(parsed.problems))
    if not (parsed.title and parsed.number and parsed.date):
        report.problems.append("无法识别刊头，未导入")
        return report
    region = region or next((r for k, r in REGION_BY_TITLE.items() if k in parsed.title), "")
    if not region:
        from django.conf import settings

        region = settings.PORTAL_REGION
    issue, _ = BulletinIssue.objects.update_or_create(
        title=parsed.title,
        year=parsed.date.year,
        number=parsed.number,
        defaults={
            "region": region,
            "total_number": parsed.total_number,
            "date": parsed.date,
            "compiler": parsed.compiler,
            "editor_line": parsed.editor_line,
            "distribution_report": parsed.distribution.get("报", ""),
            "distribution_send": parsed.distribution.get("送", ""),
            "distribution_issue": parsed.distribution.get("发", ""),
        },
    )
    report.issue = issue
    index = story_index_ensure()
    sections = {}
    for position, name in enumerate(parsed.sections):
        section = Section.objects.filter(name=name).first()
        if section is None:
            slug = f"section-{hashlib.sha1(name.encode()).hexdigest()[:8]}"
            section = Section.objects.create(name=name, slug=slug, order=100 + position)
        sections[name] = section
    for item in parsed.items:
        if not item.unit:
            continue  # already reported by the parser
        organisation, department, created = organisation_resolve(text=item.unit, region=region)
        if created:
            report.organisations_created.append(organisation.name)
        title = chinese_punctuation_normalise(item.title)
        paragraphs = [chinese_punctuation_normalise(paragraph) for paragraph in item.paragraphs]
        # A story imported before titles were normalised still carries the title as printed.
        story = Story.objects.filter(bulletin_issue=issue, title__in={title, item.title}).first()
        values = {
            "title": title,
            "section": sections[item.section],
            "origin_organisation": organisation,
            "contributing_department": department,
            "publication_date": parsed.date,
            "summary": paragraphs[0][:200] if paragraphs else "",
            "body": _body(paragraphs),
            "bulletin_order": item.order,
            "access_level": access_level,
        }
        if story is None:
            story = Story(
                slug=page_slug_next(parent=index, date=parsed.date),
                bulletin_issue=issue,
                **values,
            )
            index.add_child(instance=story)
            report.created.append(title)
        else:
            for key, value in values.items():
                setattr(story, key, value)
            report.updated.append(title)
        revision = story.save_revision()
        if publish:
            revision.publish()
    return report


def bulletin_import_file(*, path, **kwargs) -> ImportReport:
    with open(path, encoding="utf-8-sig") as handle:
        return bulletin_import(text=handle.read(), **kwargs)


# The submission workflow (信息报送) ----------------------------------------------------------


def _role_groups(*, role: str, levels: list[str], region: str | None = None) -> list[Group]:
    links = OrganisationRole.objects.filter(role=role, organisation__level__in=levels)
    if region:
        links = links.filter(organisation__region=region)
    return [link.group for link in links.select_related("group")]


@transaction.atomic
def submission_workflow_ensure(*, region: str, index: StoryIndexPage | None = None) -> Workflow:
    """District and city editors submit stories; the province-level reviewers decide.

    Editors may add and edit stories in the index but not publish them; reviewers of the
    region's province-level office approve through InformationReviewTask.
    """
    index = index or story_index_ensure()
    task = InformationReviewTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = InformationReviewTask.objects.create(name=WORKFLOW_NAME)
    reviewers = _role_groups(role=Role.REVIEWER, levels=[Level.PROVINCE], region=region)
    task.groups.add(*reviewers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    grants = {
        "add_page": _role_groups(role=Role.EDITOR, levels=list(Level.values), region=region),
        "change_page": _role_groups(role=Role.EDITOR, levels=list(Level.values), region=region) + reviewers,
        "publish_page": reviewers,
    }
    for codename, groups in grants.items():
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        for group in groups:
            GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permission)
    return workflow


def submission_event_record(*, story: Story, action: str, user=None, comment: str = "") -> SubmissionEvent:
    return SubmissionEvent.objects.create(
        story=story,
        organisation_id=story.origin_organisation_id,
        action=action,
        user=user if getattr(user, "is_authenticated", False) else None,
        comment=comment,
        at=timezone.now(),
    )


@transaction.atomic
def submission_step_record(*, workflow_state, action: str, user=None, comment: str = "") -> None:
    """A step of a workflow on a story is a line of the quarterly report; other pages' workflows are not."""
    page = workflow_state.content_object
    story = getattr(page, "specific", page)
    if isinstance(story, Story):
        submission_event_record(story=story, action=action, user=user, comment=comment)


def publication_record(*, page) -> None:
    """After a story or site is published: its address travels; its view restriction follows its access."""
    if not page.is_replica:
        # Every publication is a change the partner region must see, with the address it links back to.
        # Its own version past the publication's save, so a partner that already pulled the
        # publication still takes the address.
        page.syndication = {**page.syndication, "url": page.get_full_url() or ""}
        page.version = page.version_next()
        page.save(update_fields=["syndication", "version"], clean=False)
    record_view_restriction_sync(page=page)


def submission_decline(*, task_state: TaskState, user, comment: str = "") -> None:
    """不予采用: the item is not used; the workflow ends without publishing."""
    workflow_state = task_state.workflow_state
    story = workflow_state.content_object.specific
    task_state.comment = comment
    task_state.save(update_fields=["comment"])
    submission_event_record(story=story, action=SubmissionEvent.Action.DECLINED, user=user, comment=comment)
    workflow_state.cancel(user=user)


@transaction.atomic
def bulletin_issue_compile(*, issue: BulletinIssue, stories=None, user=None) -> list[Story]:
    """Put accepted stories into the issue, ordered by section then date.

    Without a list: the region's live stories not yet in any issue, published up to the issue's
    date, that the compiling user (if given) may see.
    """
    if stories is None:
        from .selectors import bulletin_compile_candidates

        stories = bulletin_compile_candidates(issue=issue, user=user)
    stories = sorted(stories, key=lambda s: (s.section.order, s.publication_date, s.pk))
    start = (
        Story.objects.filter(bulletin_issue=issue)
        .order_by("-bulletin_order")
        .values_list("bulletin_order", flat=True)
        .first()
        or 0
    )
    for offset, story in enumerate(stories, start=1):
        Story.objects.filter(pk=story.pk).update(bulletin_issue=issue, bulletin_order=start + offset)
    return stories


def record_view_restriction_sync(*, page) -> None:
    """Mirror a record's access level in Wagtail's own view restriction.

    Wagtail's page listings (menus, `.public()`) know nothing of access levels but do honour
    view restrictions, so a page that is not public carries one; who may read it is the
    portal's rule (portal.access), applied when the page is served.
    """
    from wagtail.models import PageViewRestriction

    restrictions = PageViewRestriction.objects.filter(page=page)
    kind = page_restriction_kind(page.access_level)
    if kind is None:
        restrictions.delete()
        return
    restriction = restrictions.first() or PageViewRestriction(page=page)
    restriction.restriction_type = kind
    restriction.save()
    restrictions.exclude(pk=restriction.pk).delete()
    restriction.groups.clear()
