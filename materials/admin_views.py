"""The admin's bulk deposit (many files and one CSV of metadata, reported row by row), and each
file version's extracted text: its status, reading it again, and staff's corrections."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from wagtail.admin.panels import Panel
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.models import Organisation
from portal.selectors import staff_organisation

from .models import TextExtraction
from .selectors import material_file_admin_get
from .services.extraction import material_file_extract_queue, material_file_page_correct
from .services.imports import import_csv_rows, materials_import


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


class TextExtractionPanel(Panel):
    """The edit view's list of file versions with where reading their text stands."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("文件文本识别"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "materials/admin/text_extraction_panel.html"

        def is_shown(self):
            return self.instance is not None and self.instance.pk is not None

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            files = self.instance.files.select_related("extraction").order_by("-version")
            url_name = self.instance.snippet_viewset.get_url_name("file_text")
            context["versions"] = [
                (f, getattr(f, "extraction", None), reverse(url_name, args=[f.pk])) for f in files
            ]
            return context


class FileTextView(WagtailAdminTemplateMixin, TemplateView):
    """One version's text page by page: its status, a button to read it again, and corrections."""

    template_name = "materials/admin/file_text.html"
    header_icon = "doc-full-inverse"
    index_url_name = None
    edit_url_name = None

    def dispatch(self, request, *args, file_id, **kwargs):
        if not request.user.has_perm("materials.change_material"):
            raise PermissionDenied
        self.record = material_file_admin_get(user=request.user, file_id=file_id)
        if self.record is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("文本与校对：%(name)s（第 %(version)s 版）") % {
            "name": self.record.original_name,
            "version": self.record.version,
        }

    def get_breadcrumbs_items(self):
        material = self.record.material
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": _("党史资料")},
            {"url": reverse(self.edit_url_name, args=[material.pk]), "label": material.title},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            record=self.record,
            extraction=TextExtraction.objects.filter(file=self.record).first(),
            pages=self.record.pages.order_by("number"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "extract":
            material_file_extract_queue(material_file=self.record)
            messages.success(request, _("已重新排队识别。"))
        else:
            changed = 0
            for page in self.record.pages.order_by("number"):
                field = f"page-{page.number}"
                if field not in request.POST:
                    continue
                before = page.corrected_text
                material_file_page_correct(page=page, text=request.POST[field], user=request.user)
                changed += page.corrected_text != before
            messages.success(request, _("已保存 %(count)s 页的校对。") % {"count": changed})
        return redirect(request.path)
