import io

import pytest

from django.contrib.auth.models import Group
from django.core.management import call_command

from portal.models import Organisation, OrganisationPage, StaffProfile
from portal.selectors import staff_organisation, user_roles
from portal.services import staff_user_create_or_update

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_is_idempotent_and_covers_both_regions_and_all_levels():
    seed()
    counts = (Organisation.objects.count(), StaffProfile.objects.count(), Group.objects.count())
    seed()
    assert (
        Organisation.objects.count(),
        StaffProfile.objects.count(),
        Group.objects.count(),
    ) == counts
    assert set(Organisation.objects.values_list("region", flat=True)) == {"sichuan", "chongqing"}
    assert set(Organisation.objects.values_list("level", flat=True)) == {
        "province",
        "city",
        "district",
    }
    qijiang = Organisation.objects.get(name="綦江区委党史地方志研究室")
    assert qijiang.parent.name == "重庆市委党史研究室"


def test_editor_edits_their_own_organisations_pages_only():
    seed()
    chengdu = Organisation.objects.get(code="sc-chengdu")
    yaan = Organisation.objects.get(code="sc-yaan")
    editor = staff_user_create_or_update(username="chengdu_editor", organisation=chengdu, roles=["editor"])
    own_page = OrganisationPage.objects.get(organisation=chengdu)
    other_page = OrganisationPage.objects.get(organisation=yaan)

    assert own_page.permissions_for_user(editor).can_edit()
    assert own_page.permissions_for_user(editor).can_add_subpage()
    assert not own_page.permissions_for_user(editor).can_publish()
    assert not other_page.permissions_for_user(editor).can_edit()


def test_reviewer_may_publish_in_their_organisation():
    seed()
    chengdu = Organisation.objects.get(code="sc-chengdu")
    reviewer = staff_user_create_or_update(
        username="chengdu_reviewer", organisation=chengdu, roles=["reviewer"]
    )
    assert OrganisationPage.objects.get(organisation=chengdu).permissions_for_user(reviewer).can_publish()


def test_moving_a_user_to_another_organisation_drops_the_old_roles():
    seed()
    chengdu = Organisation.objects.get(code="sc-chengdu")
    yaan = Organisation.objects.get(code="sc-yaan")
    user = staff_user_create_or_update(username="mover", organisation=chengdu, roles=["editor", "trainer"])
    staff_user_create_or_update(username="mover", organisation=yaan, roles=["editor"])

    assert staff_organisation(user=user) == yaan
    assert user_roles(user=user) == {"editor"}
    assert not OrganisationPage.objects.get(organisation=chengdu).permissions_for_user(user).can_edit()
    assert OrganisationPage.objects.get(organisation=yaan).permissions_for_user(user).can_edit()


def test_a_new_organisation_gets_one_group_per_role():
    organisation = Organisation.objects.create(
        code="sc-deyang",
        name="德阳市委党史研究室",
        short_name="德阳市委党史研究室",
        region="sichuan",
        level="city",
    )
    assert sorted(organisation.role_groups.values_list("role", flat=True)) == [
        "administrator",
        "editor",
        "researcher",
        "reviewer",
        "trainer",
    ]
