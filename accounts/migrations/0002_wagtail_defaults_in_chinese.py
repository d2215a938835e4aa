"""Wagtail's migrations create its root page and collection, two groups and a workflow with English
names, which the zh admin shows as they are (breadcrumbs, 提交给Moderators approval, group lists)."""

from django.db import migrations

RENAMES = {
    ("wagtailcore", "Page", "title"): {"Root": "根目录"},
    ("wagtailcore", "Collection", "name"): {"Root": "根集合"},
    ("auth", "Group", "name"): {"Editors": "编辑", "Moderators": "审核员"},
    ("wagtailcore", "Workflow", "name"): {"Moderators approval": "审核发布"},
    ("wagtailcore", "Task", "name"): {"Moderators approval": "审核员审批"},
}


def rename(apps, schema_editor):
    for (app_label, model_name, field), names in RENAMES.items():
        model = apps.get_model(app_label, model_name)
        for old, new in names.items():
            if model.objects.filter(**{field: new}).exists():
                continue
            changes = {field: new, **({"draft_title": new} if model_name == "Page" else {})}
            model.objects.filter(**{field: old}).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
