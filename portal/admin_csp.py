"""Wagtail 8's admin starts some widgets with inline scripts, which the Content-Security-Policy
forbids (script-src 'self'). Templates are overridden in portal/templates/wagtailadmin/; the chooser
widgets build their script in Python, so their render is replaced here. Each leaves a
data-portal-init element that portal/static/portal/js/admin-init.js starts."""

import json

from django.utils.html import format_html

from wagtail.admin.widgets.chooser import BaseChooser

_wagtail_render = BaseChooser.render
_wagtail_js_init = BaseChooser.render_js_init


def _render(self, name, value, attrs=None, renderer=None):
    if type(self).render_js_init is not _wagtail_js_init or "id" not in (attrs or {}):
        return _wagtail_render(self, name, value, attrs, renderer)
    value_data = self.get_value_data(value)
    return format_html(
        '{}<span hidden data-portal-init="Chooser" data-constructor="{}" data-id="{}" data-options="{}">'
        "</span>",
        self.render_html(name, value_data, attrs),
        self.js_constructor,
        attrs["id"],
        json.dumps(self.get_js_init_options(attrs["id"], name, value_data)),
    )


def choosers_without_inline_scripts():
    BaseChooser.render = _render
