"""Inline child forms (InlinePanel) go through the same narrowing as the form they sit in.

Every inline of every admin form is enumerated from the edit handlers themselves: a new inline
is checked without being listed, and the list below says which ones exist today.
"""

import pytest

from django.contrib.auth import get_user_model
from django.forms import ModelChoiceField

from wagtail.admin.panels import InlinePanel
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.models import get_page_models
from wagtail.snippets.models import get_snippet_models
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from events.models import ActionItem, Event, EventMaterialLink
from portal.records.models import SharedRecord
from portal.selectors import staff_accounts
from portal.services import staff_user_create_or_update
from portal.viewsets import OrganisationScopedForm, choices_for
from research.models import Project, ProjectOutput
from tests.events.factories import EventFactory
from tests.factories import OrganisationFactory
from tests.materials.factories import MaterialFactory

pytestmark = pytest.mark.django_db

# Every InlinePanel of the admin today; the enumeration below must find exactly these.
INLINES = {
    ("events.event", "exceptions"),
    ("events.event", "material_links"),
    ("events.event", "action_items"),
    ("training.session", "sittings"),
}


def _inline_panels(panel):
    if isinstance(panel, InlinePanel):
        yield panel
    for child in getattr(panel, "children", []):
        yield from _inline_panels(child)


def _edit_handlers():
    """(model, edit handler) of every admin form: snippets, pages and model viewsets."""
    for model in get_snippet_models():
        yield model, model.snippet_viewset.get_edit_handler()
    for model in get_page_models():
        yield model, model.get_edit_handler()
    for viewset in admin_viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if hasattr(viewset, "get_edit_handler") and model is not None and model not in get_snippet_models():
            yield model, viewset.get_edit_handler()


@pytest.fixture
def lanes():
    own = OrganisationFactory(code="sc-inline-own", name="内联成都市委党史研究室", region="sichuan")
    other = OrganisationFactory(code="sc-inline-other", name="内联绵阳市委党史研究室", region="sichuan")
    editor = staff_user_create_or_update(
        username="inline_editor", organisation=own, roles=["editor", "researcher"]
    )
    colleague = staff_user_create_or_update(username="inline_other_staff", organisation=other, roles=[])
    plain = get_user_model().objects.create_user("inline_plain_account", password="pass-word-123")
    retired = get_user_model().objects.create_user("inline_retired_staff", is_active=False)
    other.staff.create(user=retired)
    return {
        "own": own,
        "other": other,
        "editor": editor,
        "colleague": colleague,
        "plain": plain,
        "retired": retired,
    }


def test_every_inline_child_form_offers_only_what_the_user_may_read(lanes):
    found = set()
    for model, edit_handler in _edit_handlers():
        inlines = list(_inline_panels(edit_handler))
        if not inlines:
            continue
        form_class = edit_handler.get_form_class()
        form = form_class(instance=model(), for_user=lanes["editor"])
        for panel in inlines:
            found.add((model._meta.label_lower, panel.relation_name))
            child = form.formsets[panel.relation_name].empty_form
            assert isinstance(child, OrganisationScopedForm), panel.relation_name
            assert child.for_user == lanes["editor"]
            for name, field in child.fields.items():
                if not isinstance(field, ModelChoiceField):
                    continue
                target = field.queryset.model
                if target is get_user_model():
                    expected = staff_accounts()
                else:
                    expected = choices_for(user=lanes["editor"], queryset=target._default_manager.all())
                assert set(field.queryset) == set(expected), (panel.relation_name, name)
                if issubclass(target, SharedRecord):
                    assert not field.queryset.exclude(pk__in=expected.values("pk")).exists()
    assert found == INLINES


def _event_data(organisation, action_items=(), material_links=()):
    return nested_form_data(
        {
            "title": "内联越界测试会议",
            "event_type": "joint_meeting",
            "status": "scheduled",
            "access_level": "partners",
            "origin_organisation": organisation.pk,
            "starts_at": "2030-01-15 09:00",
            "ends_at": "2030-01-15 11:00",
            "interval": 1,
            "agenda": rich_text("<p>议程</p>"),
            "exceptions": inline_formset([]),
            "material_links": inline_formset(list(material_links)),
            "action_items": inline_formset(list(action_items)),
        }
    )


def test_the_action_items_inline_offers_only_staff_accounts(client, lanes):
    client.force_login(lanes["editor"])
    response = client.get("/admin/snippets/events/event/add/")
    owner_user = response.context["form"].formsets["action_items"].empty_form.fields["owner_user"]
    offered = {user.username for user in owner_user.queryset}
    assert "inline_other_staff" in offered and "inline_editor" in offered
    assert "inline_plain_account" not in offered and "inline_retired_staff" not in offered
    page = response.content.decode()
    assert "inline_plain_account" not in page and "inline_retired_staff" not in page


@pytest.mark.parametrize("who", ["plain", "retired"])
def test_an_account_posted_by_hand_in_an_inline_is_refused_and_nothing_is_saved(client, lanes, who):
    client.force_login(lanes["editor"])
    item = {"text": "越界事项", "owner_user": lanes[who].pk, "owner_organisation": ""}
    response = client.post("/admin/snippets/events/event/add/", _event_data(lanes["own"], [item]))
    assert response.status_code == 200
    child = response.context["form"].formsets["action_items"].forms[0]
    refused = child.fields["owner_user"].error_messages["invalid_choice"]
    assert child.errors["owner_user"] == [str(refused)]
    assert str(refused) in response.content.decode()  # shown to the editor, not only recorded
    assert not Event.objects.filter(title="内联越界测试会议").exists()
    assert not ActionItem.objects.filter(text="越界事项").exists()

    # On an existing event the same: the event and its items stay as they were.
    event = EventFactory(title="本单位已有会议", origin_organisation=lanes["own"])
    data = {**_event_data(lanes["own"], [item]), "title": "本单位已有会议（改）"}
    response = client.post(f"/admin/snippets/events/event/edit/{event.pk}/", data)
    assert response.status_code == 200
    assert Event.objects.get(pk=event.pk).title == "本单位已有会议"
    assert not ActionItem.objects.filter(event=event).exists()


def test_a_readable_account_in_an_inline_is_saved(client, lanes):
    client.force_login(lanes["editor"])
    item = {
        "text": "会后整理纪要",
        "owner_user": lanes["colleague"].pk,
        "owner_organisation": lanes["other"].pk,
    }
    response = client.post("/admin/snippets/events/event/add/", _event_data(lanes["own"], [item]))
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = ActionItem.objects.get(text="会后整理纪要")
    assert saved.owner_user == lanes["colleague"] and saved.owner_organisation == lanes["other"]
    assert saved.event.origin_organisation == lanes["own"]


@pytest.fixture
def materials(lanes):
    def material(owner, level, title):
        return MaterialFactory(title=title, origin_organisation=lanes[owner], access_level=level)

    return {
        "theirs_internal": material("other", "internal", "别家内部纪要"),
        "theirs_partners": material("other", "partners", "别家协作纪要"),
        "ours_internal": material("own", "internal", "本单位内部纪要"),
    }


def _link(material_global_id):
    return {
        "kind": "minutes",
        "title": "会议纪要链接",
        "url": "/materials/",
        "material_global_id": material_global_id,
    }


@pytest.mark.parametrize("which", ["theirs_internal", "unknown"])
def test_a_material_the_user_may_not_read_is_refused_in_the_material_links_inline(
    client, lanes, materials, which
):
    client.force_login(lanes["editor"])
    global_id = materials[which].global_id if which in materials else "6f1c2d3e-0000-4000-8000-000000000000"
    response = client.post(
        "/admin/snippets/events/event/add/", _event_data(lanes["own"], material_links=[_link(global_id)])
    )
    assert response.status_code == 200
    child = response.context["form"].formsets["material_links"].forms[0]
    assert child.errors["material_global_id"] == ["这个编号不对应您可以查阅的记录。"]
    assert "这个编号不对应您可以查阅的记录。" in response.content.decode()
    assert not Event.objects.filter(title="内联越界测试会议").exists()
    assert not EventMaterialLink.objects.exists()


@pytest.mark.parametrize("which", ["theirs_partners", "ours_internal"])
def test_a_material_the_user_may_read_is_saved_in_the_material_links_inline(client, lanes, materials, which):
    client.force_login(lanes["editor"])
    global_id = materials[which].global_id
    response = client.post(
        "/admin/snippets/events/event/add/", _event_data(lanes["own"], material_links=[_link(global_id)])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert EventMaterialLink.objects.get().material_global_id == global_id


def test_a_project_output_names_only_a_material_the_user_may_read(client, lanes, materials):
    project = Project.objects.create(
        title="本单位课题", origin_organisation=lanes["own"], access_level="partners"
    )
    client.force_login(lanes["editor"])
    data = {"project": project.pk, "title": "越界成果", "kind": "report", "url": ""}
    refused = {**data, "material_global_id": materials["theirs_internal"].global_id}
    response = client.post("/admin/snippets/research/projectoutput/add/", refused)
    assert response.status_code == 200
    assert response.context["form"].errors["material_global_id"] == ["这个编号不对应您可以查阅的记录。"]
    assert not ProjectOutput.objects.exists()
    accepted = {**data, "material_global_id": materials["theirs_partners"].global_id}
    response = client.post("/admin/snippets/research/projectoutput/add/", accepted)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ProjectOutput.objects.get().material_global_id == materials["theirs_partners"].global_id
