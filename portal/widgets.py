"""One multi-select for every many-to-many field of the admin (主题词, units, trainers…).

A list of checkboxes in a scrolling box, with a field above it that filters the list as one
types (portal/js/searchable-select.js, served from this site: the CSP allows no CDN). Without
JavaScript it stays a plain list of checkboxes.
"""

from django import forms
from django.db import models

from wagtail.admin.forms.models import register_form_field_override


class SearchableSelectMultiple(forms.CheckboxSelectMultiple):
    template_name = "portal/widgets/searchable_select_multiple.html"

    class Media:
        js = ["portal/js/searchable-select.js"]
        css = {"all": ["portal/css/searchable-select.css"]}


def searchable_select_register() -> None:
    register_form_field_override(models.ManyToManyField, override={"widget": SearchableSelectMultiple})
