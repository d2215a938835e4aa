"""The partner region's demo records at a one-site test, as sync would have brought them.

``seed_demo`` seeds only what its own region owns; a test of one site that needs the
partner's records too (a month view with both regions' meetings) adds them here.
"""

import io

from django.test import override_settings


def partner_demo_seed(*, partner: str, modules: tuple[str, ...]) -> None:
    from django.apps import apps

    from portal.models import Organisation
    from portal.modules import module_get

    organisations = {o.code: o for o in Organisation.objects.all()}
    with override_settings(PORTAL_REGION=partner):
        for module in modules:
            module_get(module).demo_seed(region=partner, organisations=organisations, stdout=io.StringIO())
    # Internal records never leave their region.
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        if {"origin_region", "access_level"} <= fields:
            model.objects.filter(origin_region=partner, access_level="internal").delete()


def partner_demo_command(*, partner: str, modules: tuple[str, ...]) -> tuple[str, ...]:
    """The same, as a manage.py command for a demo site served in its own process."""
    code = (
        "from tests.support.demo import partner_demo_seed; "
        f"partner_demo_seed(partner={partner!r}, modules={modules!r})"
    )
    return ("shell", "-v0", "-c", code)
