from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .selectors import material_list


class MaterialFeed(Feed):
    """Newest materials, as the requesting reader may see them (public only for feed readers)."""

    title = _("川渝党史资料库：最新资料")
    description = _("川渝两地党史部门新近共享的党史资料。")
    link = reverse_lazy("materials:index")

    def get_object(self, request, *args, **kwargs):
        return request.user

    def items(self, user):
        return material_list(user=user)[:30]

    def item_title(self, material):
        return material.title

    def item_description(self, material):
        return material.description

    def item_pubdate(self, material):
        return material.deposited_at

    def item_author_name(self, material):
        return material.origin_organisation.name

    def item_categories(self, material):
        return [material.get_material_type_display(), *[t.name for t in material.topics.all()]]
