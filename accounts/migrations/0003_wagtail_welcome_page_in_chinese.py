"""Wagtail's first migration also makes a welcome page titled in English, which seed_demo replaces by
the home page: its title stayed in the zh admin's site history (站点历史) as the page's log label."""

from django.db import migrations

WELCOME = "Welcome to your new Wagtail site!"
WELCOME_IN_CHINESE = "Wagtail 初始欢迎页"


def rename(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(title=WELCOME).update(title=WELCOME_IN_CHINESE, draft_title=WELCOME_IN_CHINESE)
    PageLogEntry = apps.get_model("wagtailcore", "PageLogEntry")
    PageLogEntry.objects.filter(label=WELCOME).update(label=WELCOME_IN_CHINESE)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_wagtail_defaults_in_chinese"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
