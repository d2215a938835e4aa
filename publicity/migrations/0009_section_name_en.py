from django.db import migrations, models

# The English names of the sections 0002 seeds, for readers of /en/; editors name the others.
ENGLISH = {"work-news": "Work news", "experience": "Shared experience", "news-briefs": "News in brief"}


def name_sections(apps, schema_editor):
    Section = apps.get_model("publicity", "Section")
    for slug, name_en in ENGLISH.items():
        Section.objects.filter(slug=slug, name_en="").update(name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [("publicity", "0008_red_heritage_site_featured_on_home")]

    operations = [
        migrations.AddField(
            model_name="section",
            name="name_en",
            field=models.CharField(blank=True, max_length=64, verbose_name="英文名称"),
        ),
        migrations.RunPython(name_sections, migrations.RunPython.noop),
    ]
