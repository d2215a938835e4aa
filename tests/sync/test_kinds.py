"""Every shared field declares its kind, and each kind lets through only what it should."""

import pytest

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from wagtail.fields import RichTextField, StreamField

from materials.models import Material
from portal.models import Organisation
from sync import kinds, registry
from sync.errors import ChangeRefused
from sync.kinds.base import Context
from sync.kinds.html import rich_text_clean


def test_every_registered_field_declares_its_kind():
    specs = registry.specs()
    assert len(specs) >= 8
    for spec in specs:
        assert registry.kinds_missing(spec) == [], spec.label


def test_a_module_registering_a_field_without_a_kind_is_refused():
    with pytest.raises(ImproperlyConfigured, match="title"):
        registry.register(registry.SyncSpec(model=Material, fields=("title", "description")))
    with pytest.raises(ImproperlyConfigured, match="description"):
        registry.register(
            registry.SyncSpec(model=Material, fields={"title": kinds.Text(), "description": None})
        )
    assert registry.spec_for_label("materials.material").fields["title"].__class__ is kinds.Text


def _declared():
    for spec in registry.specs():
        for name, kind in {**spec.fields, **spec.m2m}.items():
            yield spec.label, spec.model._meta.get_field(name), kind
        for child in spec.children:
            child_model = getattr(spec.model, child.related_name).rel.related_model
            for name, kind in child.fields.items():
                yield f"{spec.label}.{child.related_name}", child_model._meta.get_field(name), kind


def test_each_kind_fits_its_model_field():
    """HTML is declared as HTML, addresses as addresses, organisations as organisations."""
    for where, model_field, kind in _declared():
        label = f"{where}.{model_field.name}"
        if isinstance(model_field, RichTextField):
            assert isinstance(kind, kinds.RichText), label
        elif isinstance(model_field, StreamField):
            assert isinstance(kind, kinds.Stream), label
        elif isinstance(model_field, models.URLField) or model_field.name in ("url", "online_url"):
            assert isinstance(kind, kinds.Url), label
        elif model_field.is_relation and model_field.related_model is Organisation:
            assert isinstance(kind, kinds.Organisation), label
        elif model_field.choices:
            assert isinstance(kind, kinds.Choice), label
        elif isinstance(model_field, models.TextField | models.CharField):
            textual = kinds.Text | kinds.Slug | kinds.FileName | kinds.MimeType | kinds.Sha256
            assert isinstance(kind, textual), label


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/",
        "mailto:a@example.cn",
        "http:/missing-host",
        "https://example.cn/\x00",
    ],
)
def test_a_url_field_refuses_anything_but_http_and_https(value):
    with pytest.raises(ChangeRefused) as refused:
        kinds.Url().clean(value, None, Context(sender="chongqing", where="x.url"))
    assert refused.value.reason == "bad_url"


def test_mailto_only_where_the_field_is_an_email_address():
    context = Context(sender="chongqing", where="x.contact")
    assert kinds.Email.clean("mailto:office@cq.example.cn", None, context) == "mailto:office@cq.example.cn"
    assert kinds.Url().clean("https://cq.example.cn/a?b=1", None, context) == "https://cq.example.cn/a?b=1"
    with pytest.raises(ChangeRefused):
        kinds.Email.clean("mailto:javascript:alert(1)", None, context)


def test_rich_text_keeps_what_the_editor_allows_and_nothing_else():
    html = (
        '<h2>标题</h2><p><b>粗</b><i>斜</i><a href="https://cq.example.cn/">链接</a>'
        '<a href="javascript:alert(1)">坏链接</a></p><ul><li>一</li></ul>'
        '<script>alert(1)</script><style>p{}</style><iframe src="https://x/"></iframe>'
        '<p onmouseover="alert(1)" style="color:red">段</p><svg onload="alert(1)"></svg>'
        '<embed embedtype="media" url="javascript:alert(1)"/>'
        '<embed embedtype="image" sync-image="abc" alt="图"/>'
    )
    cleaned = rich_text_clean(html)
    assert cleaned == (
        '<h2>标题</h2><p><b>粗</b><i>斜</i><a href="https://cq.example.cn/">链接</a><a>坏链接</a></p>'
        "<ul><li>一</li></ul><p>段</p>"
        '<embed embedtype="image" sync-image="abc" alt="图"/>'
    )
    # A field whose editor has fewer features keeps fewer elements.
    assert rich_text_clean("<h2>标题</h2><p><b>粗</b></p>", features=["italic"]) == "标题<p>粗</p>"


def test_a_partner_address_is_kept_as_its_path_on_the_partners_public_address(settings):
    from portal.settings.environment import Partner

    settings.PORTAL_PARTNERS = [
        Partner(
            region="chongqing",
            base_url="http://web-chongqing:8000",
            key_id="k",
            secret="s",
            public_url="https://dangshi.cq.example.cn",
        )
    ]
    context = Context(sender="chongqing", where="story.syndication.url")
    cleaned = kinds.PartnerUrl().clean("http://web-chongqing:8000/stories/a/?x=1", None, context)
    assert cleaned == "https://dangshi.cq.example.cn/stories/a/?x=1"
    assert (
        kinds.Url(site_paths=True).clean("/about/", None, context) == "https://dangshi.cq.example.cn/about/"
    )
