from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "publicity"
    default_auto_field = "django.db.models.BigAutoField"
