"""Every module joins by declaring what it shares: events and research travel with their children."""

import datetime

import pytest

from django.test import override_settings

from events.models import ActionItem, Event, EventException
from events.services import event_exception_set
from portal.services import topic_get_or_create
from research.models import Milestone, Project
from research.services import member_add, project_create
from sync import registry
from sync.context import apply_context
from sync.models import ChangeLog
from sync.selectors import change_entry
from sync.services.apply import change_apply
from tests.support.changes import logged_and_locked

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def served_from_chongqing(build):
    """Build a record as Chongqing, take its feed entry, and leave this database without it."""
    with override_settings(PORTAL_REGION="chongqing"):
        record = build()
        entry = change_entry(ChangeLog.objects.filter(global_id=record.global_id).last())
    with apply_context():
        type(record).objects.filter(pk=record.pk).delete()
    ChangeLog.objects.all().delete()
    return entry


def test_each_module_declares_its_shared_models():
    labels = {spec.label for spec in registry.specs()}
    assert {
        "materials.material",
        "research.project",
        "research.expert",
        "events.event",
        "training.course",
    } <= labels


def joint_meeting(host, *, title: str, day: datetime.date, co_hosts, **fields) -> Event:
    """A two-hour meeting on ``day`` with its co-hosts and that occurrence cancelled."""
    starts = datetime.datetime.combine(day, datetime.time(9), tzinfo=SHANGHAI)
    event = Event.objects.create(
        title=title,
        event_type="joint_meeting",
        origin_organisation=host,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        **fields,
    )
    event.co_hosts.set(co_hosts)
    event.save()
    EventException.objects.create(event=event, original_date=day, kind="cancelled")
    return event


def test_an_event_arrives_with_its_exceptions_action_items_and_co_hosts(partners, chongqing_org, sichuan_org):
    def build():
        event = joint_meeting(
            chongqing_org,
            title="川渝党史部门第二次联席会议",
            day=datetime.date(2030, 3, 18),
            co_hosts=[sichuan_org],
            agenda="<p>通报工作</p>",
        )
        ActionItem.objects.create(event=event, text="共建资料库", owner_organisation=sichuan_org)
        return Event.objects.get(pk=event.pk)

    change = served_from_chongqing(build)
    assert change_apply(change=change, partner_region="chongqing").applied == 1
    copy = Event.objects.get(global_id=change["global_id"])
    assert copy.title == "川渝党史部门第二次联席会议" and copy.agenda == "<p>通报工作</p>"
    assert list(copy.co_hosts.all()) == [sichuan_org]
    assert copy.exceptions.get().kind == "cancelled"
    assert copy.action_items.get().owner_organisation == sichuan_org


def test_a_project_arrives_with_its_milestones(partners, chongqing_org):
    def build():
        project = Project.objects.create(title="川陕革命根据地研究", origin_organisation=chongqing_org)
        project.lead_organisations.set([chongqing_org])
        Milestone.objects.create(project=project, title="开题", due_date=datetime.date(2030, 1, 1))
        return Project.objects.get(pk=project.pk)

    change = served_from_chongqing(build)
    change_apply(change=change, partner_region="chongqing")
    copy = Project.objects.get(global_id=change["global_id"])
    assert copy.milestones.get().title == "开题"
    assert copy.version == change["version"]
    # The milestone keeps its global id across regions.
    assert str(copy.milestones.get().global_id) == change["payload"]["children"]["milestones"][0]["global_id"]


def test_a_milestone_removed_at_the_origin_leaves_the_copy_in_step(partners, chongqing_org):
    def build():
        project = Project.objects.create(title="红岩精神研究", origin_organisation=chongqing_org)
        Milestone.objects.create(project=project, title="开题", due_date=datetime.date(2030, 1, 1))
        Milestone.objects.create(project=project, title="中期", due_date=datetime.date(2030, 6, 1))
        return Project.objects.get(pk=project.pk)

    change = served_from_chongqing(build)
    change_apply(change=change, partner_region="chongqing")
    # The origin drops the second milestone, then renames the project.
    fewer = {**change, "version": change["version"] + 1}
    fewer["payload"] = {**change["payload"], "version": change["version"] + 1}
    fewer["payload"]["children"] = {"milestones": change["payload"]["children"]["milestones"][:1]}
    renamed = {**fewer, "version": fewer["version"] + 1}
    renamed["payload"] = {**fewer["payload"], "version": fewer["version"] + 1}
    renamed["payload"]["fields"] = {**fewer["payload"]["fields"], "title": "红岩精神研究（修订）"}

    assert change_apply(change=fewer, partner_region="chongqing").applied == 1
    copy = Project.objects.get(global_id=change["global_id"])
    assert (copy.version, copy.milestones.count()) == (fewer["version"], 1)
    result = change_apply(change=renamed, partner_region="chongqing")
    assert (result.applied, result.conflicts) == (1, 0)
    assert Project.objects.get(global_id=change["global_id"]).title == "红岩精神研究（修订）"


def _newer(change: dict, **children) -> dict:
    version = change["version"] + 1
    payload = {**change["payload"], "version": version}
    payload["children"] = {**payload["children"], **children}
    return {**change, "version": version, "payload": payload}


def test_a_replicas_kept_digest_is_what_reading_it_back_gives(partners, chongqing_org, sichuan_org):
    """The digest kept at apply is taken from the rows just written, not read back: they must agree,
    or the next change would be taken for a local edit (a conflict)."""
    import uuid

    from sync.models import SyncedCopy

    def applied_in_step(change: dict) -> None:
        result = change_apply(change=change, partner_region="chongqing")
        assert (result.applied, result.conflicts) == (1, 0)
        spec = registry.spec_for_label(change["model"])
        replica = spec.model.objects.get(global_id=change["global_id"])
        kept = SyncedCopy.objects.get(global_id=change["global_id"]).digest
        assert kept == registry.local_digest(spec, replica)

    def event():
        built = joint_meeting(
            chongqing_org,
            title="川渝党史部门第三次联席会议",
            day=datetime.date(2030, 5, 18),
            co_hosts=[sichuan_org, chongqing_org],
        )
        # Two items with the same text: the key of action items is their text, and nothing forbids it.
        ActionItem.objects.create(event=built, text="互送史料", owner_organisation=sichuan_org)
        ActionItem.objects.create(event=built, text="互送史料", owner_organisation=chongqing_org)
        return Event.objects.get(pk=built.pk)

    change = served_from_chongqing(event)
    applied_in_step(change)
    items = change["payload"]["children"]["action_items"]
    added = {**items[0], "text": "共建资料库"}
    applied_in_step(_newer(change, action_items=[items[0], added], exceptions=[]))

    def project():
        built = Project.objects.create(title="川陕苏区史料整理", origin_organisation=chongqing_org)
        built.lead_organisations.set([chongqing_org])
        built.topics.set([topic_get_or_create(kind="place", name="通江")])
        Milestone.objects.create(project=built, title="开题", due_date=datetime.date(2030, 1, 1))
        Milestone.objects.create(project=built, title="结题", due_date=datetime.date(2030, 12, 1))
        return Project.objects.get(pk=built.pk)

    change = served_from_chongqing(project)
    # A value sent twice is one row here, and once in the digest.
    change["payload"]["m2m"]["topics"] *= 2
    applied_in_step(change)
    first, _second = change["payload"]["children"]["milestones"]
    renamed = {**first, "title": "开题（修订）"}
    added = {**first, "global_id": str(uuid.uuid4()), "title": "中期"}
    applied_in_step(_newer(change, milestones=[renamed, added]))
    assert sorted(Milestone.objects.values_list("title", flat=True)) == ["中期", "开题（修订）"]


def sync_receiver_uids(signal) -> set[str]:
    return {key[0] for key, *_ in signal.receivers if isinstance(key[0], str)}


def test_every_shared_model_has_its_handlers_whatever_order_the_apps_are_installed_in():
    from django.db.models.signals import post_save, pre_save

    for spec in registry.specs():
        assert {f"sync_saved_{spec.label}", f"sync_guard_{spec.label}"} <= (
            sync_receiver_uids(post_save) | sync_receiver_uids(pre_save)
        ), spec.label

    # A module installed after sync registers its spec once sync's ready() has run.
    spec = registry.spec_for_label("materials.material")
    post_save.disconnect(sender=spec.model, dispatch_uid=f"sync_saved_{spec.label}")
    assert f"sync_saved_{spec.label}" not in sync_receiver_uids(post_save)
    registry.register(spec)
    assert f"sync_saved_{spec.label}" in sync_receiver_uids(post_save)


def test_a_project_created_with_its_leads_topics_and_first_member_is_one_change(partners, sichuan_org):
    from django.contrib.auth import get_user_model

    creator = get_user_model().objects.create_user(username="project_lead")
    project, logged, locks = logged_and_locked(
        lambda: project_create(
            title="川陕苏区红军文献整理",
            origin_organisation=sichuan_org,
            lead_organisations=[sichuan_org],
            topics=[topic_get_or_create(kind="place", name="通江")],
            created_by=creator,
        )
    )
    assert (logged, locks) == (1, 1)
    entry = change_entry(ChangeLog.objects.filter(global_id=project.global_id).get())
    assert entry["payload"]["m2m"]["topics"] == [["place", "通江"]]
    _member, logged, locks = logged_and_locked(
        lambda: member_add(project=project, organisation=sichuan_org, full_name="王研究")
    )
    assert (logged, locks) == (1, 1)


def test_moving_one_occurrence_is_one_change_of_its_event(partners, sichuan_org):
    event = Event.objects.create(
        title="川渝党史部门月度例会",
        event_type="joint_meeting",
        origin_organisation=sichuan_org,
        starts_at=datetime.datetime(2030, 3, 18, 9, tzinfo=SHANGHAI),
        ends_at=datetime.datetime(2030, 3, 18, 11, tzinfo=SHANGHAI),
        frequency="MONTHLY",
    )
    _exception, logged, locks = logged_and_locked(
        lambda: event_exception_set(event=event, original_date=datetime.date(2030, 4, 18), kind="cancelled")
    )
    assert (logged, locks) == (1, 1)
    entry = change_entry(ChangeLog.objects.filter(global_id=event.global_id).last())
    assert [child["kind"] for child in entry["payload"]["children"]["exceptions"]] == ["cancelled"]
