"""The admin's bulk deposit: many files and one CSV of metadata, reported row by row."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.models import Organisation
from portal.selectors import staff_organisation

from .services import import_csv_rows, materials_import


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class MaterialImportForm(forms.Form):
    metadata = forms.FileField(
        label=_("元数据 CSV"),
        help_text=_(
            "列：filename,title,type,period,date_from,date_to,topics,access_level,description,collection"
        ),
    )
    files = MultipleFileField(label=_("文件"), help_text=_("选择 CSV 中列出的全部文件（可多选）。"))
    organisation = forms.ModelChoiceField(label=_("所属单位"), queryset=Organisation.objects.all())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_superuser:
            own = staff_organisation(user=user)
            self.fields["organisation"].queryset = Organisation.objects.filter(pk=getattr(own, "pk", None))
            self.fields["organisation"].initial = own
            self.fields["organisation"].empty_label = None

    def clean_metadata(self):
        metadata = self.cleaned_data["metadata"]
        try:
            text = metadata.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("CSV 必须是 UTF-8 编码。")) from error
        self.rows = import_csv_rows(text)
        return metadata


class MaterialImportView(WagtailAdminTemplateMixin, FormView):
    page_title = _("批量导入党史资料")
    header_icon = "doc-full-inverse"
    template_name = "materials/admin/import.html"
    form_class = MaterialImportForm
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("materials.add_material"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": _("党史资料")},
            {"url": "", "label": self.page_title},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        by_name = {upload.name: upload for upload in form.cleaned_data["files"]}

        def open_file(name):
            upload = by_name.get(name)
            if upload is not None:
                upload.seek(0)
            return upload

        results = materials_import(
            rows=form.rows,
            open_file=open_file,
            organisation=form.cleaned_data["organisation"],
            user=self.request.user,
        )
        imported = sum(r.imported for r in results)
        return self.render_to_response(
            self.get_context_data(
                form=self.form_class(user=self.request.user),
                results=results,
                imported=imported,
                failed=len(results) - imported,
            )
        )
