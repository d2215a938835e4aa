from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import SharedReferencesForm
from portal.models import Organisation
from portal.names import staff_choice_label
from portal.selectors import staff_accounts

from .models import Milestone, ProjectMember, ProjectOutput


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}


class OutputForm(SharedReferencesForm, forms.ModelForm):
    url = forms.URLField(label=_("链接"), required=False, assume_scheme="https")

    def __init__(self, *args, for_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user

    class Meta:
        model = ProjectOutput
        fields = ["title", "kind", "url", "material_global_id"]


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return staff_choice_label(obj)


class MemberForm(forms.Form):
    user = StaffChoiceField(
        label=_("本站工作人员"),
        required=False,
        queryset=staff_accounts().select_related("staff_profile__organisation"),
    )
    full_name = forms.CharField(label=_("或填写姓名（协作地区人员）"), required=False, max_length=64)
    organisation = forms.ModelChoiceField(
        label=_("单位"),
        required=False,
        queryset=Organisation.objects.all(),
        help_text=_("本站工作人员可不填，默认为其所在单位"),
    )
    role = forms.ChoiceField(
        label=_("角色"), choices=ProjectMember.Role.choices, initial=ProjectMember.Role.MEMBER
    )

    def clean(self):
        data = super().clean()
        if not data.get("user") and not data.get("full_name"):
            raise forms.ValidationError(_("请选择用户或填写姓名。"))
        if not data.get("user") and not data.get("organisation"):
            self.add_error("organisation", _("请指定成员所在单位。"))
        return data
