import datetime

from .content_language import organisation_name
from .models import Organisation, OrganisationPage, StaffProfile


def organisation_list(*, region: str | None = None, grouped_by_region: bool = False):
    organisations = Organisation.objects.in_level_order()
    if region:
        organisations = organisations.filter(region=region)
    return organisations.grouped_by_region() if grouped_by_region else organisations


def organisation_names(*, codes) -> dict[str, str]:
    """{code: name in the reader's language} for the units of ``codes`` (portal.content_language)."""
    return {o.code: organisation_name(o) for o in Organisation.objects.filter(code__in=list(codes))}


def organisation_page_urls(*, request) -> dict[int, str]:
    """{organisation id: its page's address} for the units with a live public page on this site."""
    pages = OrganisationPage.objects.live().public().only("id", "path", "url_path", "organisation_id")
    return {page.organisation_id: page.get_url(request) for page in pages}


def staff_organisation(*, user) -> Organisation | None:
    if not getattr(user, "is_authenticated", False):
        return None
    profile = StaffProfile.objects.select_related("organisation").filter(user=user).first()
    return profile.organisation if profile else None


def staff_accounts():
    """Accounts that may be named in a staff form: active users with a staff profile."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, staff_profile__isnull=False).order_by("username")


def user_roles(*, user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    organisation = staff_organisation(user=user)
    if organisation is None:
        return set()
    return set(organisation.role_groups.filter(group__user=user).values_list("role", flat=True))


def page_slug_next(*, parent, date: datetime.date) -> str:
    """The first free date-number slug under a parent page: 2020-06-09-1, then 2020-06-09-2…"""
    prefix = f"{date:%Y-%m-%d}-"
    slugs = parent.get_children().filter(slug__regex=rf"^{prefix}[0-9]+$").values_list("slug", flat=True)
    taken = {int(slug.removeprefix(prefix)) for slug in slugs}
    return f"{prefix}{next(n for n in range(1, len(taken) + 2) if n not in taken)}"
