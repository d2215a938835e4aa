from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Region
from portal.selectors import organisation_list

from .models import EventType


class EventFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("地区"), required=False)
    type = forms.ChoiceField(label=_("类型"), required=False)
    organisation = forms.ChoiceField(label=_("单位"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("全部地区")), *Region.choices]
        self.fields["type"].choices = [("", _("全部类型")), *EventType.choices]
        self.fields["organisation"].choices = [("", _("全部单位"))] + [
            (o.code, o.name) for o in organisation_list()
        ]

    def filters(self) -> dict[str, str]:
        """Valid filters only; an unknown value is ignored rather than failing the page."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "region": data.get("region", ""),
            "event_type": data.get("type", ""),
            "organisation_code": data.get("organisation", ""),
        }


class RSVPForm(forms.Form):
    attending = forms.TypedChoiceField(
        choices=[("yes", _("参加")), ("no", _("不参加"))], coerce=lambda value: value == "yes"
    )
    occurrence = forms.DateField(required=False)
