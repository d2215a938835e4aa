import datetime

from django.conf import settings
from django.db import migrations, models


def existing_answers_to_first_occurrence(apps, schema_editor):
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    for rsvp in apps.get_model("events", "RSVP").objects.select_related("event"):
        rsvp.occurrence_date = rsvp.event.starts_at.astimezone(shanghai).date()
        rsvp.save(update_fields=["occurrence_date"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("portal", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="rsvp", name="one_rsvp_per_user_and_event"),
        migrations.AddField(
            model_name="rsvp",
            name="occurrence_date",
            field=models.DateField(default=datetime.date(2000, 1, 1), verbose_name="场次日期"),
            preserve_default=False,
        ),
        migrations.RunPython(existing_answers_to_first_occurrence, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="rsvp",
            constraint=models.UniqueConstraint(
                fields=("event", "occurrence_date", "user"), name="one_rsvp_per_user_and_occurrence"
            ),
        ),
    ]
