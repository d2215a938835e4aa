from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import HistoricalPeriod, Organisation, Region, Topic

from .models import MaterialType
from .selectors import topics_used


class MaterialFilterForm(forms.Form):
    """The listing's filters; menus only offer places and people the reader can find."""

    q = forms.CharField(label=_("关键词"), required=False, max_length=200)
    type = forms.ChoiceField(label=_("类型"), required=False)
    period = forms.ChoiceField(label=_("历史时期"), required=False)
    place = forms.ChoiceField(label=_("地点"), required=False)
    person = forms.ChoiceField(label=_("人物"), required=False)
    event = forms.ChoiceField(label=_("事件"), required=False)
    organisation = forms.ChoiceField(label=_("单位"), required=False)
    region = forms.ChoiceField(label=_("地区"), required=False)
    topic = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["type"].choices = everything + list(MaterialType.choices)
        self.fields["period"].choices = everything + list(HistoricalPeriod.choices)
        self.fields["region"].choices = everything + list(Region.choices)
        self.fields["organisation"].choices = everything + [
            (o.code, o.name) for o in Organisation.objects.order_by("region", "level", "name")
        ]
        for kind in (Topic.Kind.PLACE, Topic.Kind.PERSON, Topic.Kind.EVENT):
            self.fields[kind].choices = everything + [
                (t.slug, t.name) for t in topics_used(user=user, kind=kind)
            ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}
