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

from events.models import ActionItem, Event
from portal.models import SharedRecord
from portal.selectors import staff_accounts
from portal.services import staff_user_create_or_update
from portal.viewsets import OrganisationScopedForm, choices_for
from tests.events.factories import EventFactory
from tests.factories import OrganisationFactory

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
    editor = staff_user_create_or_update(username="inline_editor", organisation=own, roles=["editor"])
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


def _event_data(organisation, action_items):
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
            "material_links": inline_formset([]),
            "action_items": inline_formset(action_items),
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
