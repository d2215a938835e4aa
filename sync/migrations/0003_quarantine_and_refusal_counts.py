import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Refused requests become counts per source and reason (the old one-row-per-request log is dropped);
    changes refused by validation are kept in a quarantine."""

    dependencies = [
        ("sync", "0002_outgoing_commands_and_conflict_decisions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(name="RefusedRequest"),
        migrations.CreateModel(
            name="RefusedRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source", models.CharField(max_length=64, verbose_name="来源地址")),
                ("reason", models.CharField(max_length=64, verbose_name="原因")),
                ("count", models.PositiveBigIntegerField(default=1, verbose_name="次数")),
                ("first_seen", models.DateTimeField(default=django.utils.timezone.now, verbose_name="首次")),
                (
                    "last_seen",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="最近"),
                ),
                ("last_path", models.CharField(blank=True, max_length=255, verbose_name="最近请求路径")),
                ("last_key_id", models.CharField(blank=True, max_length=128, verbose_name="最近密钥编号")),
            ],
            options={
                "ordering": ["-last_seen"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source", "reason"), name="one_refusal_count_per_source_and_reason"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="QuarantinedChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("partner_region", models.CharField(max_length=16, verbose_name="来源地区")),
                ("seq", models.BigIntegerField(blank=True, null=True, verbose_name="对方序号")),
                ("model_label", models.CharField(blank=True, max_length=100, verbose_name="类型")),
                ("global_id", models.UUIDField(blank=True, null=True, verbose_name="全局编号")),
                ("version", models.PositiveIntegerField(blank=True, null=True, verbose_name="对方版本")),
                ("reason", models.CharField(max_length=64, verbose_name="原因")),
                ("detail", models.TextField(blank=True, verbose_name="说明")),
                ("change", models.JSONField(default=dict, verbose_name="对方内容")),
                ("received_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="收到时间")),
                ("attempts", models.PositiveIntegerField(default=0, verbose_name="重试次数")),
                ("last_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="最近重试")),
                ("resolved_at", models.DateTimeField(blank=True, null=True, verbose_name="处理时间")),
                (
                    "resolution",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("applied", "重试后已应用"),
                            ("retried", "重试后无需应用"),
                            ("superseded", "已被更新的版本取代"),
                        ],
                        max_length=16,
                        verbose_name="处理结果",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "被拒收的变更",
                "verbose_name_plural": "被拒收的变更",
                "ordering": ["-received_at", "-pk"],
                "indexes": [
                    models.Index(fields=["partner_region", "resolved_at"], name="sync_quaran_partner_dedb64_idx")
                ],
            },
        ),
    ]
