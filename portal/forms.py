"""Form rules shared by the admin and the site's own forms."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .access import readable_by_global_id


class SharedReferencesForm:
    """A model form mixin: a shared record named by its global id (the model's
    `shared_record_references`, e.g. {"material_global_id": "materials.Material"}) must be one
    the form's user (`for_user`) may read. A reference left as it was does not block saving the rest.
    """

    def clean(self):
        cleaned_data = super().clean()
        data = self.cleaned_data if cleaned_data is None else cleaned_data
        user = getattr(self, "for_user", None)
        for name, label in getattr(self._meta.model, "shared_record_references", {}).items():
            value = data.get(name)
            if user is None or not value or name not in self.changed_data:
                continue
            if not readable_by_global_id(user, apps.get_model(label), value):
                self.add_error(name, _("这个编号不对应您可以查阅的记录。"))
        return cleaned_data
