"""A Chengdu story published in a bulletin issue; print the story's global id and the issue's primary key."""

import datetime

from portal.models import Organisation
from publicity.models import BulletinIssue, Section, Story, StoryIndexPage


def main():
    issue = BulletinIssue.objects.create(
        title="四川党史工作", region="sichuan", year=2030, number=3, date=datetime.date(2030, 3, 1)
    )
    index = StoryIndexPage.objects.get()
    story = Story(
        title="成都市开展川渝党史联合宣讲",
        slug="smoke-joint-lectures",
        section=Section.objects.get(slug="work-news"),
        bulletin_issue=issue,
        bulletin_order=1,
        origin_organisation=Organisation.objects.get(code="sc-chengdu"),
        publication_date=datetime.date(2030, 3, 1),
        body=[{"type": "paragraph", "value": "<p>联合宣讲。</p>"}],
    )
    index.add_child(instance=story)
    story.save_revision().publish()
    print(story.global_id)
    print(issue.pk)
