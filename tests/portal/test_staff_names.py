"""A person's name is written family name first, no space (曾编辑), wherever the site shows it:
the admin's lists and choices, the security audit list, the public site's signed-in header."""

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from audit.models import Event
from audit.selectors import AUDITOR_GROUP
from audit.services import audit_record
from portal.names import staff_choice_label, staff_display_name, staff_full_name
from portal.services import staff_user_create_or_update

User = get_user_model()


def test_the_one_rule_writes_the_family_name_first():
    user = User(username="cd_editor", last_name="曾", first_name="编辑")
    assert staff_full_name(user) == "曾编辑" == user.get_full_name()
    assert staff_display_name(user) == "曾编辑"
    assert staff_choice_label(user) == "曾编辑"  # no staff profile: the name alone
    assert str(user) == "曾编辑"  # as Wagtail's reports print a user: locked by, workflow started by
    nameless = User(username="someone")
    assert (staff_full_name(nameless), staff_display_name(nameless), str(nameless)) == (
        "",
        "someone",
        "someone",
    )


@pytest.mark.django_db
def test_names_in_admin_lists_choices_the_audit_list_and_the_public_header(client, home_page):
    editor = User.objects.get(username="cd_editor")
    trainer = User.objects.get(username="cd_trainer")
    assert staff_choice_label(editor) == f"曾编辑 · {editor.staff_profile.organisation.name}"

    client.force_login(User.objects.get(username="admin"))
    staff_list = client.get("/admin/staff_profiles/").content.decode()
    assert "曾编辑" in staff_list and "陈培训" in staff_list
    session_form = client.get("/admin/snippets/training/session/add/").content.decode()
    assert f"陈培训 · {trainer.staff_profile.organisation.name}" in session_form

    audit_record(event=Event.SIGN_IN, user=editor)
    organisation = editor.staff_profile.organisation
    auditor = staff_user_create_or_update(username="auditor", organisation=organisation, roles=["editor"])
    auditor.groups.add(Group.objects.get(name=AUDITOR_GROUP))
    client.force_login(auditor)
    # Filtered to the one account: entries left by other tests of the run may fill the first page.
    assert "曾编辑" in client.get("/admin/audit/?username=cd_editor").content.decode()

    client.force_login(editor)
    header = client.get("/about/").content.decode().split("<main")[0]
    assert "曾编辑，您好" in header
    assert "编辑 曾" not in header


@pytest.mark.django_db
def test_the_locked_pages_report_names_who_locked_a_page(client, home_page):
    from django.utils import timezone

    editor = User.objects.get(username="cd_editor")
    home_page.locked, home_page.locked_by, home_page.locked_at = True, editor, timezone.now()
    home_page.save(update_fields=["locked", "locked_by", "locked_at"])
    client.force_login(User.objects.get(username="admin"))
    report = client.get("/admin/reports/locked/").content.decode()
    assert "曾编辑" in report and "cd_editor" not in report
