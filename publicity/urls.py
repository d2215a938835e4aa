from django.urls import path

from . import feeds, views

app_name = "publicity"

urlpatterns = [
    path("feeds/stories.rss", feeds.StoryFeed(), name="feed_rss"),
    path("feeds/stories.atom", feeds.StoryAtomFeed(), name="feed_atom"),
    path("feeds/stories/region/<slug:region>.rss", feeds.StoryFeed(), name="feed_region_rss"),
    path("feeds/stories/region/<slug:region>.atom", feeds.StoryAtomFeed(), name="feed_region_atom"),
    path("feeds/stories/section/<slug:section>.rss", feeds.StoryFeed(), name="feed_section_rss"),
    path("feeds/stories/section/<slug:section>.atom", feeds.StoryAtomFeed(), name="feed_section_atom"),
    path("bulletins/", views.bulletin_archive, name="bulletin_archive"),
    path("bulletins/<int:pk>/", views.bulletin_issue_detail, name="bulletin_issue"),
    path("bulletins/<int:pk>.pdf", views.bulletin_issue_pdf, name="bulletin_issue_pdf"),
]
