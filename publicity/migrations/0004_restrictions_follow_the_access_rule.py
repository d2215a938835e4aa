"""Non-public stories and sites carry a login restriction; the access rule decides who reads them.

Internal pages used to be restricted to the owning organisation's role groups, which refused
members of the organisation who hold no role.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    PageViewRestriction = apps.get_model("wagtailcore", "PageViewRestriction")
    shared = []
    for label in ("Story", "RedHeritageSite"):
        shared += list(apps.get_model("publicity", label).objects.values_list("pk", flat=True))
    restrictions = PageViewRestriction.objects.filter(page_id__in=shared, restriction_type="groups")
    for restriction in restrictions:
        restriction.groups.clear()
    restrictions.update(restriction_type="login")


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0003_syndication"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
