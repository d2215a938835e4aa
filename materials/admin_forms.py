from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from portal.models import Organisation
from portal.selectors import staff_organisation

from .services import material_save
from .validators import check_upload


class MaterialAdminForm(WagtailAdminModelForm):
    """Deposits and edits; a new file becomes a new version, the old ones stay."""

    upload = forms.FileField(label=_("文件"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        field = self.fields.get("origin_organisation")
        if field is not None and user is not None and not user.is_superuser:
            # Editors deposit for their own organisation only.
            organisation = staff_organisation(user=user)
            field.widget = forms.Select()  # set before the queryset, which fills its choices
            field.queryset = Organisation.objects.filter(pk=getattr(organisation, "pk", None))
            field.initial = organisation
            field.empty_label = None
        if "topics" in self.fields:
            self.fields["topics"].label_from_instance = lambda topic: (
                f"{topic.get_kind_display()}：{topic.name}"
            )
        upload = self.fields["upload"]
        if self.instance.pk is None:
            upload.required = True
            upload.help_text = _("按内容检查文件类型和大小。")
        else:
            current = self.instance.current_file
            if current is not None:
                upload.help_text = _(
                    "当前为第 %(version)s 版：%(name)s（%(size)s）。上传新文件将成为新版本，旧版本仍可下载。"
                ) % {
                    "version": current.version,
                    "name": current.original_name,
                    "size": filesizeformat(current.size),
                }

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            try:
                self.checked_upload = check_upload(upload)
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return upload

    def save(self, commit=True):
        material = super().save(commit=False)
        if not commit:
            return material
        material_save(
            material=material,
            user=getattr(self, "for_user", None),
            uploaded_file=self.cleaned_data.get("upload") or None,
            checked=getattr(self, "checked_upload", None),
            save_related=self.save_m2m,
        )
        return material
