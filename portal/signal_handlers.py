from django.db.models.signals import post_save

from .models import Organisation


def organisation_saved(sender, instance: Organisation, created: bool, **kwargs):
    from .services import organisation_groups_ensure

    if created:
        organisation_groups_ensure(organisation=instance)


def register_signal_handlers():
    post_save.connect(organisation_saved, sender=Organisation, dispatch_uid="portal_organisation_groups")
