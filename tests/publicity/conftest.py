import io
from pathlib import Path

import pytest

from wagtail.models import Page, Site

from portal.models import HomePage
from publicity.services import story_index_ensure


@pytest.fixture
def story_index(site_home):
    return story_index_ensure(home=site_home)


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Wagtail caches site root paths; the shared Redis cache of the test bed would leak them between runs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def chinese_first():
    """Page URLs are reversed in the active language; a previous /en/ request must not leak into them."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


SEED = Path(__file__).parent / "data" / "chongqing_bulletin_2020_03.txt"


@pytest.fixture(scope="module")
def imported_seed(django_db_setup, django_db_blocker):
    """The seed bulletin imported once for a module's read-only tests, removed afterwards."""
    from django.core.management import call_command

    from portal.models import Organisation
    from publicity.models import BulletinIssue
    from sync.models import ChangeLog

    with django_db_blocker.unblock():
        root = Page.get_first_root_node()
        home = HomePage(title="川渝党史协作平台", slug="seed-home")
        root.add_child(instance=home)
        defaults = list(Site.objects.filter(is_default_site=True).values_list("pk", flat=True))
        Site.objects.update(is_default_site=False)
        site = Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
        story_index_ensure(home=home)
        organisations_before = set(Organisation.objects.values_list("pk", flat=True))
        changes_before = ChangeLog.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        output = io.StringIO()
        call_command("import_bulletin", str(SEED), stdout=output)
        try:
            yield output.getvalue()
        finally:
            Page.objects.get(pk=home.pk).delete()
            site.delete()
            Site.objects.filter(pk__in=defaults).update(is_default_site=True)
            BulletinIssue.objects.all().delete()
            Organisation.objects.exclude(pk__in=organisations_before).delete()
            # Stories are shared records: their change-log rows would outlive this module.
            ChangeLog.objects.filter(seq__gt=changes_before).delete()
