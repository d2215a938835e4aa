"""A home page with a story index as the only site, as a region's editors would set it up."""

from wagtail.models import Page, Site

from portal.models import HomePage
from publicity.models import StoryIndexPage


def main():
    root = Page.get_first_root_node()
    home = HomePage(title="川渝党史", slug="portal-home")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="川渝党史")
    for page in root.get_children().exclude(pk=home.pk):
        page.delete()
    index = StoryIndexPage(title="稿件", slug="stories")
    home.add_child(instance=index)
    index.save_revision().publish()
