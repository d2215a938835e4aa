from django.db import migrations

SECTIONS = [("工作动态", "work-news", 10), ("经验交流", "experience", 20), ("信息短波", "news-briefs", 30)]


def seed_sections(apps, schema_editor):
    Section = apps.get_model("publicity", "Section")
    for name, slug, order in SECTIONS:
        Section.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial")]

    operations = [migrations.RunPython(seed_sections, migrations.RunPython.noop)]
