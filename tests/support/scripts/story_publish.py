"""A Chengdu story published under the story index; print its public address, then its global id."""

import datetime

from portal.models import Organisation
from publicity.models import Section, Story, StoryIndexPage


def main():
    index = StoryIndexPage.objects.get()
    story = Story(
        title="成都市开展川渝党史联合宣讲",
        slug="joint-lectures-live",
        section=Section.objects.get(slug="work-news"),
        origin_organisation=Organisation.objects.get(code="sc-chengdu"),
        publication_date=datetime.date(2030, 3, 1),
        body=[{"type": "paragraph", "value": "<p>联合宣讲。</p>"}],
    )
    index.add_child(instance=story)
    story.save_revision().publish()
    print(Story.objects.get(pk=story.pk).get_full_url())
    print(story.global_id)
