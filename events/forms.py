from django import forms
from django.utils.translation import gettext_lazy as _


class RSVPForm(forms.Form):
    attending = forms.TypedChoiceField(
        choices=[("yes", _("参加")), ("no", _("不参加"))], coerce=lambda value: value == "yes"
    )
    occurrence = forms.DateField(required=False)
