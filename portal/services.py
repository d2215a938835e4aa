"""Writes that span models, and calls to outside services, for the portal core."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from wagtail.models import GroupPagePermission, Page

from .models import Organisation, OrganisationPage, OrganisationRole, StaffProfile, Topic
from .names import staff_display_name
from .roles import ROLE_PAGE_PERMISSIONS, Role, role_model_permissions


def _permissions(dotted: set[str]) -> dict[str, Permission]:
    """The permissions named ``app_label.codename``, in one query; a name that matches none is an error."""
    wanted = Q(pk__in=[])
    for name in dotted:
        app_label, codename = name.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    found = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in Permission.objects.filter(wanted).select_related("content_type")
    }
    missing = dotted - found.keys()
    if missing:
        raise Permission.DoesNotExist(f"no permission {', '.join(sorted(missing))}")
    return found


@transaction.atomic
def organisation_groups_ensure(*, organisation: Organisation) -> dict[str, Group]:
    """One Wagtail group per role for the organisation, with its permissions.

    Page permissions are granted on the organisation's own page, so an editor
    of 綦江 edits 綦江's section and nothing else.
    """
    groups = {}
    section = OrganisationPage.objects.filter(organisation=organisation).first()
    model_permissions = {role: role_model_permissions(role) for role in Role}
    permissions = _permissions(
        {name for names in model_permissions.values() for name in names}
        | {f"wagtailcore.{codename}" for names in ROLE_PAGE_PERMISSIONS.values() for codename in names}
    )
    links = {
        link.role: link
        for link in OrganisationRole.objects.filter(organisation=organisation).select_related("group")
    }
    for role in Role:
        link = links.get(role.value)
        name = f"{organisation.short_name} · {role.label}"
        if link is None:
            group, _ = Group.objects.get_or_create(name=name)
            OrganisationRole.objects.create(organisation=organisation, role=role, group=group)
        else:
            group = link.group
        group.permissions.add(*[permissions[dotted] for dotted in model_permissions[role]])
        if section is not None:
            for codename in ROLE_PAGE_PERMISSIONS[role]:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=section, permission=permissions[f"wagtailcore.{codename}"]
                )
        groups[role.value] = group
    return groups


@transaction.atomic
def staff_user_create_or_update(
    *,
    username: str,
    organisation: Organisation,
    roles: list[str],
    full_name: str = "",
    email: str = "",
    password: str | None = None,
    position: str = "",
):
    """Create or update a staff user who belongs to exactly one organisation."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username)
    if full_name:
        user.last_name, user.first_name = full_name[:1], full_name[1:]
    user.email = email or user.email
    user.is_staff = True
    if password:
        user.set_password(password)
    user.save()
    StaffProfile.objects.update_or_create(
        user=user, defaults={"organisation": organisation, "position": position}
    )
    groups = organisation_groups_ensure(organisation=organisation)
    # Roles are held only through the user's own organisation's groups.
    foreign = OrganisationRole.objects.exclude(organisation=organisation).values("group")
    user.groups.remove(*Group.objects.filter(pk__in=foreign))
    user.groups.remove(*[g for r, g in groups.items() if r not in roles])
    user.groups.add(*[groups[Role(role)] for role in roles])
    return user


def organisation_page_ensure(*, organisation: Organisation, parent: Page) -> OrganisationPage:
    page = OrganisationPage.objects.filter(organisation=organisation).first()
    if page is None:
        page = OrganisationPage(title=organisation.name, slug=organisation.code, organisation=organisation)
        parent.add_child(instance=page)
        page.save_revision().publish()
        organisation_groups_ensure(organisation=organisation)
    return page


def partner_staff_payload(*, user, organisation: Organisation) -> dict:
    """Who asks, as a request to the partner region carries it (see partner_staff_stand_in)."""
    return {
        "username": user.get_username(),
        "name": staff_display_name(user),
        "email": user.email,
        "organisation": organisation.code,
    }


def partner_staff_stand_in(*, region: str, payload: dict, organisation: Organisation):
    """The partner region's staff member named in a request, as a local account that can never sign in.

    Requests from the partner (enrolments, RSVPs) are recorded against it, so
    the owner's rosters and counts show who asked and from which organisation.
    """
    name, email = payload.get("name") or "", payload.get("email") or ""
    user, created = get_user_model().objects.get_or_create(
        username=f"{region}.{payload['username']}"[:150], defaults={"is_active": False, "email": email}
    )
    if created:
        user.set_unusable_password()
    user.last_name, user.first_name = name[:1], name[1:150]
    user.email = email
    user.is_active = False
    user.save()
    StaffProfile.objects.update_or_create(user=user, defaults={"organisation": organisation})
    return user


def singleton_page_ensure(*, model: type[Page], parent: Page | None, **fields) -> Page | None:
    """The one page of its type on the site (an index, the calendar), made and published if missing.

    Nothing is made without a parent. add_child does not check the parent's subpage_types.
    """
    page = model.objects.first()
    if page is not None or parent is None:
        return page
    page = model(show_in_menus=True, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def topic_get_or_create(*, kind: str, name: str) -> Topic:
    topic = Topic.objects.filter(kind=kind, name=name).first()
    if topic is not None:
        return topic
    slug = f"{kind}-{slugify(name, allow_unicode=True)}"[:120]
    if Topic.objects.filter(slug=slug).exists():
        slug = f"{slug[:110]}-{Topic.objects.count()}"
    try:
        with transaction.atomic():
            return Topic.objects.create(kind=kind, name=name, slug=slug)
    except IntegrityError:
        return Topic.objects.get(kind=kind, name=name)
